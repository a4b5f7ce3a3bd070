"""The byline's author chooser adds a new author without leaving the article."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from masthead.publishing.models import AuthorIndexPage, AuthorPage

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    editor = django_user_model.objects.create_user("eddie", "eddie@example.com", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def test_the_article_editors_byline_offers_to_add_an_author(admin_client, newsroom):
    world = newsroom["world"]
    html = admin_client.get(f"/admin/pages/add/publishing/articlepage/{world.pk}/").content
    assert reverse("author_chooser:choose").encode() in html
    modal = admin_client.get(reverse("author_chooser:choose")).json()["html"]
    assert "New author" in modal and "Ada Reporter" in modal


def test_an_editor_adds_an_author_from_the_chooser_and_readers_find_their_page(
    client, editor, newsroom
):
    response = client_for(editor).post(
        reverse("author_chooser:create"), {"name": "Imogen Salt", "role": "Coast reporter"}
    )
    assert response.status_code == 200
    result = response.json()
    assert result["step"] == "chosen"
    author = AuthorPage.objects.get(title="Imogen Salt")
    assert result["result"]["id"] == str(author.pk)
    assert author.live and author.role == "Coast reporter"
    assert author.get_parent().specific_class is AuthorIndexPage
    assert "Imogen Salt" in client.get(author.url).content.decode()


def test_adding_a_name_already_on_the_site_chooses_that_author(admin_client, newsroom):
    ada = newsroom["ada"]
    response = admin_client.post(reverse("author_chooser:create"), {"name": "ada reporter"})
    assert response.json()["result"]["id"] == str(ada.pk)
    assert AuthorPage.objects.filter(title__iexact="Ada Reporter").count() == 1


def test_an_author_without_a_name_is_refused_and_the_role_typed_is_kept(admin_client, newsroom):
    response = admin_client.post(reverse("author_chooser:create"), {"name": " ", "role": "Critic"})
    data = response.json()
    assert data["step"] == "reshow_creation_form"
    assert "This field is required." in data["htmlFragment"]
    assert 'value="Critic"' in data["htmlFragment"]


def test_who_may_not_publish_author_pages_may_choose_but_not_add_one(django_user_model, newsroom):
    reader_admin = django_user_model.objects.create_user("rita", "rita@example.com", "pw")
    reader_admin.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = client_for(reader_admin)
    modal = client.get(reverse("author_chooser:choose")).json()["html"]
    assert "Ada Reporter" in modal and "New author" not in modal
    response = client.post(reverse("author_chooser:create"), {"name": "Someone New"})
    assert response.status_code == 302  # Wagtail's "Sorry, you do not have permission"
    assert not AuthorPage.objects.filter(title="Someone New").exists()
