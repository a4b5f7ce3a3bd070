"""Uploaded files: images from /media/, documents only through Wagtail's view, which checks privacy."""

import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import make_image

pytestmark = pytest.mark.django_db


def make_document(*, title, name, content, collection):
    document = get_document_model()(title=title, collection=collection)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


@pytest.fixture
def private_collection():
    collection = Collection.get_first_root_node().add_child(name="Board papers")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return collection


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_private_document_cannot_be_downloaded_from_media(private_collection):
    budget = make_document(
        title="Budget",
        name="budget-2026.pdf",
        content=b"%PDF secret",
        collection=private_collection,
    )
    assert Client().get(budget.url).status_code == 302  # Wagtail asks for a login

    for path in (budget.file.name, f"images/../{budget.file.name}", f"/{budget.file.name}"):
        response = Client().get(f"/media/{path}")
        assert response.status_code == 404, path


def test_a_public_document_downloads_through_its_document_link():
    notice = make_document(
        title="Notice",
        name="notice.txt",
        content=b"Road closed on Sunday",
        collection=Collection.get_first_root_node(),
    )
    response = Client().get(notice.url)
    assert response.status_code == 200
    assert downloaded(response) == b"Road closed on Sunday"


def test_images_and_their_renditions_are_still_served_from_media():
    image = make_image(title="Quay")
    rendition = image.get_rendition("fill-200x100")
    for url in (image.file.url, rendition.url):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert downloaded(response)[:2] == b"\xff\xd8"  # a JPEG


@pytest.mark.parametrize("fmt", ["WEBP", "AVIF"])
def test_webp_and_avif_photos_keep_their_format_in_every_size(fmt):
    """Wagtail turns WebP and AVIF into PNG by default: a 700 KB photo became a 6 MB gallery
    image. They stay in their own (smaller) format."""
    from django.core.files.images import ImageFile

    from masthead.publishing.models import CreditedImage
    from tests.factories import image_bytes

    image = CreditedImage(title="Harbour at dusk")
    image.file = ImageFile(io.BytesIO(image_bytes(1600, 1000, fmt=fmt)), name=f"dusk.{fmt.lower()}")
    image.save()
    for spec in ("width-800", "max-2400x2400", "fill-1200x630"):
        rendition = image.get_rendition(spec)
        assert rendition.file.name.endswith(f".{fmt.lower()}"), spec


def test_the_site_icon_is_found_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_a_password_protected_collection_cannot_be_guessed_without_end():
    from masthead.publishing.views import (
        PASSWORD_TRIES_PER_NETWORK_PER_HOUR,
        TOO_MANY_PASSWORD_TRIES,
    )

    collection = Collection.get_first_root_node().add_child(name="Embargoed")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="pr"
    )
    document = make_document(
        title="Budget", name="budget.txt", content=b"figures", collection=collection
    )
    action = f"/documents/authenticate_with_password/{restriction.pk}/"
    guesser = Client()
    for number in range(PASSWORD_TRIES_PER_NETWORK_PER_HOUR):
        wrong = guesser.post(action, {"password": f"guess{number}", "return_url": document.url})
        assert wrong.status_code == 200
    refused = guesser.post(action, {"password": "pr", "return_url": document.url})
    assert refused.status_code == 429
    assert TOO_MANY_PASSWORD_TRIES in refused.content.decode()
    assert b"figures" not in guesser.get(document.url).getvalue()  # the password form

    reader = Client(REMOTE_ADDR="198.51.100.7")
    assert reader.post(action, {"password": "pr", "return_url": document.url}).status_code == 302
    assert reader.get(document.url).getvalue() == b"figures"
