"""Editors' mistakes get messages they can act on."""

import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.forms import get_image_form
from wagtail.rich_text import RichText

from masthead.publishing.blocks import (
    EMPTY_TABLE,
    NOT_A_TABLE,
    UNREADABLE_IMAGE,
    GridTableBlock,
    TableBlock,
    VideoBlock,
)
from masthead.publishing.forms import BYLINE_AUTHOR_MISSING, BYLINE_EMPTY, SLUG_NAMES_A_ROUTE
from masthead.publishing.models import ArticlePage, CreditedImage, SectionPage
from masthead.publishing.video import UNEMBEDDABLE_VIDEO, video_embed_for
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ"),
        ("https://youtu.be/aqz-KE-bpKQ?t=10", "YouTube", "aqz-KE-bpKQ"),
        ("https://www.youtube.com/shorts/aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ"),
        ("https://vimeo.com/76979871", "Vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871", "Vimeo", "76979871"),
    ],
)
def test_video_addresses_we_can_embed(url, provider, video_id):
    embed = video_embed_for(url)
    assert (embed.provider, embed.video_id) == (provider, video_id)


def test_a_start_time_in_the_address_is_kept():
    embed = video_embed_for("https://youtu.be/aqz-KE-bpKQ?t=1m30s")
    assert embed.embed_url.endswith("?autoplay=1&start=90")
    assert embed.watch_url.endswith("&t=90s")
    assert video_embed_for("https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=42").embed_url.endswith(
        "&start=42"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/video.mp4",
        "https://www.youtube.com/channel/UC123",
        "https://www.youtube.com/watch?v=<script>",
        "https://vimeo.com/channels/staffpicks",
    ],
)
def test_video_block_refuses_addresses_it_cannot_embed(url):
    block = VideoBlock()
    value = block.to_python({"url": url, "title": "", "caption": "", "poster": None})
    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(value)
    assert UNEMBEDDABLE_VIDEO in str(raised.value.block_errors["url"])


def test_video_block_refuses_a_script_address():
    block = VideoBlock()
    value = block.to_python(
        {"url": "javascript:alert(1)", "title": "", "caption": "", "poster": None}
    )
    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(value)
    assert "url" in raised.value.block_errors


def test_clashing_slug_is_refused_with_a_message(newsroom):
    existing = newsroom["articles"]["ferry"]
    clash = ArticlePage(title="Another", slug=existing.slug, standfirst="x", body=[])
    clash.depth = existing.depth
    clash.path = existing.get_parent().path + "9999"
    with pytest.raises(ValidationError) as raised:
        clash.full_clean()
    assert f"The slug '{existing.slug}' is already in use" in str(raised.value)


def test_uploading_a_file_that_is_not_an_image_is_refused(newsroom):
    form_class = get_image_form(CreditedImage)
    form = form_class(
        data={"title": "Not a picture", "collection": "1"},
        files={
            "file": SimpleUploadedFile(
                "notes.jpg", b"these are not pixels", content_type="image/jpeg"
            )
        },
    )
    assert not form.is_valid()
    assert "file" in form.errors
    assert "image" in " ".join(form.errors["file"]).lower()


def test_uploading_a_real_image_with_credit_works(newsroom):
    form_class = get_image_form(CreditedImage)
    form = form_class(
        data={"title": "Quay", "collection": "1", "credit": "Sam Lens", "caption": "The quay"},
        files={"file": SimpleUploadedFile("quay.jpg", image_bytes(), content_type="image/jpeg")},
    )
    assert form.is_valid(), form.errors
    image = form.save()
    assert image.credit == "Sam Lens"


def test_admin_article_editor_opens(admin_client, newsroom):
    article = newsroom["articles"]["ferry"]
    response = admin_client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Standfirst" in html and "Byline" in html and "Featured image" in html
    preview = admin_client.get(f"/admin/pages/{article.pk}/edit/preview/")
    assert preview.status_code in (200, 405)


def test_editor_can_publish_an_article_through_the_admin(admin_client, newsroom):
    world = newsroom["world"]
    ada = newsroom["ada"]
    data = {
        "title": "Published from the admin",
        "slug": "published-from-the-admin",
        "standfirst": "Written in the editor.",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
        "article_authors-0-author": str(ada.pk),
        "article_authors-0-ORDER": "1",
        "article_authors-0-id": "",
        "article_authors-0-DELETE": "",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": '{"blocks":[{"key":"a","text":"Hello readers.","type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
        "tags": "",
        "action-publish": "action-publish",
    }
    response = admin_client.post(f"/admin/pages/add/publishing/articlepage/{world.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = ArticlePage.objects.get(slug="published-from-the-admin")
    assert article.live
    assert "Hello readers." in admin_client.get(article.url).content.decode()


def test_saving_an_article_keeps_its_publish_date_to_the_second(newsroom, admin_user):
    from datetime import timedelta

    article = newsroom["articles"]["ferry"]
    stored = article.first_published_at.replace(second=42, microsecond=790000)
    article.first_published_at = stored
    form_class = ArticlePage.get_edit_handler().get_form_class()
    form = form_class(instance=article, for_user=admin_user, parent_page=newsroom["world"])
    # the minute-precision widget sends back the same minute
    form.cleaned_data = {"first_published_at": stored.replace(second=0, microsecond=0)}
    assert form.clean_first_published_at() == stored
    # a date the editor changed is taken as given
    moved = stored.replace(second=0, microsecond=0) - timedelta(hours=2)
    form.cleaned_data = {"first_published_at": moved}
    assert form.clean_first_published_at() == moved


def test_a_future_publish_date_is_refused_and_points_to_the_schedule(admin_client, newsroom):
    """A future "publish date" does not embargo anything: the article went live at once, dated
    2030 in pages and feeds and leading the front page until then."""
    from datetime import timedelta

    from django.utils import timezone

    world, ada = newsroom["world"], newsroom["ada"]
    future = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    data = article_form_data(
        title="Embargoed budget story",
        slug="embargoed-budget-story",
        author=ada,
        first_published_at=future,
        **{
            "standfirst": "The council's plans, out on Monday.",
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-value": '{"blocks":[{"key":"a","text":"The budget.","type":"unstyled",'
            '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "action-publish": "action-publish",
        },
    )
    response = admin_client.post(f"/admin/pages/add/publishing/articlepage/{world.pk}/", data)
    assert response.status_code == 200
    assert "The publish date cannot be in the future" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="embargoed-budget-story", live=True).exists()

    past = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    data["first_published_at"] = past
    response = admin_client.post(f"/admin/pages/add/publishing/articlepage/{world.pk}/", data)
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="embargoed-budget-story")
    assert article.live and article.first_published_at < timezone.now() - timedelta(days=2)


def test_a_new_gallery_opens_with_the_two_photo_slots_it_needs():
    gallery = ArticlePage.body.field.stream_block.child_blocks["gallery"]
    photos = gallery.get_default()["photos"]
    assert len(photos) == 2 == gallery.child_blocks["photos"].meta.min_num


def test_a_new_gallerys_photo_slots_open_with_empty_captions():
    """The editor fills each slot from the default's form state: a caption missing there came
    back as the text "undefined" and was shown to readers instead of the image's own caption."""
    gallery = ArticlePage.body.field.stream_block.child_blocks["gallery"]
    state = gallery.get_form_state(gallery.get_default())
    for slot in state["photos"]:
        assert set(slot["value"]) == {"image", "caption"}
        assert not slot["value"]["caption"]


def test_a_drafts_preview_shows_no_blank_photo_slot_or_dead_play_button(newsroom):
    """A draft may keep a gallery slot, an image block or a video block not filled in yet
    (Wagtail checks required fields on publishing): its preview shows what is chosen so far,
    not an empty slot counted among the photos, an empty figure, or a play button to nowhere."""
    article = newsroom["articles"]["ferry"]
    photo = newsroom["photo"]
    draft = article.get_latest_revision_as_object()
    draft.body = [
        ("paragraph", RichText("<p>Islanders welcomed it.</p>")),
        (
            "gallery",
            {
                "title": "",
                "photos": [{"image": None, "caption": ""}, {"image": photo, "caption": ""}],
            },
        ),
        ("gallery", {"title": "", "photos": [{"image": None, "caption": ""}] * 2}),
        ("image", {"image": None, "caption": "", "wide": False}),
        ("video", {"url": "", "title": "", "caption": "", "poster": None}),
    ]
    draft.save_revision()

    html = draft.make_preview_request().content.decode()
    body = html[html.index("Islanders welcomed it.") :]
    assert body.count('class="gallery"') == 1
    assert body.count('class="gallery__item"') == 1
    assert "Open full-size image 1 of 1" in body
    assert 'href=""' not in body
    assert 'class="body-figure' not in body
    assert 'class="video"' not in body


def article_form_data(*, title, slug, author, **extra):
    return {
        "title": title,
        "slug": slug,
        "standfirst": "",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
        "article_authors-0-author": str(author.pk),
        "article_authors-0-ORDER": "1",
        "article_authors-0-id": "",
        "article_authors-0-DELETE": "",
        "body-count": "0",
        "tags": "",
        **extra,
    }


def test_a_second_new_article_under_a_taken_headline_gets_the_next_free_address(
    admin_client, newsroom
):
    """Autosave makes a draft of a new article as soon as it has a headline; a second story
    with the same headline was refused ("The slug … is already in use") and its autosave
    paused."""
    world, ada = newsroom["world"], newsroom["ada"]
    add = f"/admin/pages/add/publishing/articlepage/{world.pk}/"
    # "Ferry service extended" is published in World already; this is a new story.
    ArticlePage.objects.filter(pk=newsroom["articles"]["ferry"].pk).update(
        slug="ferry-service-extended"
    )
    data = article_form_data(
        title="Ferry service extended", slug="ferry-service-extended", author=ada
    )
    for _ in range(2):
        assert admin_client.post(add, data).status_code == 302
    slugs = ArticlePage.objects.child_of(world).filter(title="Ferry service extended")
    assert sorted(slugs.values_list("slug", flat=True)) == [
        "ferry-service-extended",
        "ferry-service-extended-2",
        "ferry-service-extended-3",
    ]
    # The draft keeps its address when saved again, under its headline as the editor sees it.
    draft = ArticlePage.objects.get(slug="ferry-service-extended-2")
    edit = f"/admin/pages/{draft.pk}/edit/"
    data["article_authors-INITIAL_FORMS"] = "1"
    data["article_authors-0-id"] = str(draft.article_authors.get().pk)
    assert admin_client.post(edit, data).status_code == 302
    draft.refresh_from_db()
    assert draft.slug == "ferry-service-extended-2"
    assert ArticlePage.objects.get(pk=newsroom["articles"]["ferry"].pk).live


def test_a_hand_chosen_or_published_address_that_is_taken_is_still_refused(admin_client, newsroom):
    world, ada = newsroom["world"], newsroom["ada"]
    ArticlePage.objects.filter(pk=newsroom["articles"]["ferry"].pk).update(
        slug="ferry-service-extended"
    )
    add = f"/admin/pages/add/publishing/articlepage/{world.pk}/"
    chosen = article_form_data(title="Ferry news", slug="ferry-service-extended", author=ada)
    response = admin_client.post(add, chosen)
    assert response.status_code == 200
    assert "already in use" in response.content.decode()

    election = newsroom["articles"]["election"]
    before = election.slug
    moved = article_form_data(
        title="Ferry service extended",
        slug="ferry-service-extended",
        author=ada,
        **{"article_authors-INITIAL_FORMS": "1"},
    )
    moved["article_authors-0-id"] = str(election.article_authors.get().pk)
    response = admin_client.post(f"/admin/pages/{election.pk}/edit/", moved)
    assert response.status_code == 200
    assert "already in use" in response.content.decode()
    election.refresh_from_db()
    assert election.slug == before


def test_an_article_may_not_take_the_address_of_its_sections_feed(admin_client, newsroom):
    """An article slugged "feed" was saved and published, and never seen: its address,
    /world/feed/, is the section's RSS feed, which Wagtail answers before the section's
    children. The editor is told why and offered a free slug; a headline "Feed" gets one."""
    world, ada = newsroom["world"], newsroom["ada"]
    assert SectionPage.route_slugs() == {"feed"}  # feed/ and feed/atom/
    add = f"/admin/pages/add/publishing/articlepage/{world.pk}/"
    chosen = article_form_data(title="Our new newsletter", slug="feed", author=ada)
    response = admin_client.post(add, chosen)
    assert response.status_code == 200
    assert SLUG_NAMES_A_ROUTE.format(
        slug="feed", parent="World", path="/world/feed/", suggestion="feed-2"
    ) in unescape(response.content.decode())
    assert not ArticlePage.objects.filter(slug="feed").exists()

    headline = article_form_data(title="Feed", slug="feed", author=ada)
    headline["standfirst"] = "What our feed is."
    assert admin_client.post(add, headline).status_code == 302
    article = ArticlePage.objects.get(title="Feed")
    assert article.slug == "feed-2"
    article.save_revision().publish()
    assert "Feed" in admin_client.get(article.url).content.decode()
    assert admin_client.get("/world/feed/")["Content-Type"].startswith("application/rss+xml")


@pytest.fixture
def editor_client(django_user_model):
    from django.contrib.auth.models import Group
    from django.test import Client

    editor = django_user_model.objects.create_user("eddie", "eddie@example.com", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    return client


def test_the_editors_group_publishes_and_schedules_articles(editor_client, newsroom):
    """Editors could only "Submit to Moderators approval", and Moderators here are the readers'
    comment moderators."""
    from datetime import timedelta

    from django.utils import timezone

    world, ada = newsroom["world"], newsroom["ada"]
    add = f"/admin/pages/add/publishing/articlepage/{world.pk}/"
    form = editor_client.get(add).content.decode()
    assert 'name="action-publish"' in form

    now_data = article_form_data(
        title="Out now", slug="out-now", author=ada, **{"action-publish": "action-publish"}
    )
    now_data |= {
        "standfirst": "Published by an editor.",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": '{"blocks":[{"key":"a","text":"Hello.","type":"unstyled","depth":0,'
        '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
    }
    assert editor_client.post(add, now_data).status_code == 302
    assert ArticlePage.objects.get(slug="out-now").live

    go_live = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    later = {**now_data, "title": "Out tomorrow", "slug": "out-tomorrow", "go_live_at": go_live}
    assert editor_client.post(add, later).status_code == 302
    scheduled = ArticlePage.objects.get(slug="out-tomorrow")
    assert not scheduled.live
    assert scheduled.scheduled_revision is not None


def test_comparing_revisions_lists_only_what_the_editor_changed(newsroom, admin_client):
    """The page's row keeps its publish date to the microsecond, a revision to the millisecond:
    an untouched date showed as changed in every comparison with the live version."""
    from datetime import UTC, datetime

    article = newsroom["articles"]["ferry"]
    article.first_published_at = None  # published for the first time below
    live = article.save_revision()
    live.publish()
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=datetime(2026, 11, 29, 8, 37, 45, 528708, tzinfo=UTC)
    )
    article = ArticlePage.objects.get(pk=article.pk)
    article.standfirst = "Fares rise in spring, not in winter."
    draft = article.save_revision()

    response = admin_client.get(
        f"/admin/pages/{article.pk}/revisions/compare/{live.pk}...{draft.pk}/"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Standfirst:" in html
    assert "First published at:" not in html

    article.first_published_at = datetime(2026, 11, 28, 18, 5, tzinfo=UTC)
    moved = article.save_revision()
    html = admin_client.get(
        f"/admin/pages/{article.pk}/revisions/compare/{live.pk}...{moved.pk}/"
    ).content.decode()
    assert "First published at:" in html and "28 Nov 2026, 18:05" in html


def test_an_editors_table_keeps_its_structure_and_loses_anything_unsafe():
    block = TableBlock()
    cleaned = block.clean(
        '<table style="width:900px" onmouseover="x()"><tr><th scope="col">Ward</th>'
        '<td><a href="javascript:x()">Votes</a><img src=x onerror=alert(1)></td></tr></table>'
        "<script>alert(2)</script>"
    )
    assert str(cleaned) == (
        '<table><tbody><tr><th scope="col">Ward</th><td><a>Votes</a></td></tr></tbody></table>'
    )
    for not_only_a_table in ("Ward 1, 340 votes", "<table><tr><td>1</td></tr></table><p>Note</p>"):
        with pytest.raises(ValidationError) as refused:
            block.clean(not_only_a_table)
        assert refused.value.messages == [str(NOT_A_TABLE)]


def test_a_table_stored_by_other_means_is_cleaned_when_the_page_shows_it(client, newsroom):
    from tests.factories import make_article

    article = make_article(
        section=newsroom["world"],
        title="Results",
        body=[("table", '<table><tr><td onclick="x()">Ward 1<script>alert(1)</script></td></tr>')],
    )
    article.body.raw_data[0]["value"] = (
        "<table><tr><td>Ward 1</td></tr></table><script>x()</script>"
    )
    article.save_revision().publish()

    html = client.get(article.url).content.decode()
    body = html.split('<div class="body-table"', 1)[1].split("</div>", 1)[0]
    assert "<td>Ward 1</td>" in body and "script" not in body and "onclick" not in body


def test_an_empty_grid_table_is_refused_with_a_reason():
    block = GridTableBlock()
    empty = {
        "data": [[None, None], ["", "  "]],
        "table_caption": "Results",
        "table_header_choice": "row",
    }
    with pytest.raises(ValidationError) as refused:
        block.clean(empty)
    assert refused.value.messages == [str(EMPTY_TABLE)]
    typed = {**empty, "data": [["Ward", None], ["North", "340"]]}
    assert block.clean(typed)["first_row_is_table_header"] is True


def test_the_image_upload_form_says_the_description_is_the_alt_text(admin_client, newsroom):
    """Editors from WordPress look for "Alt text"; Wagtail calls it "Description", unexplained,
    and the site prints it as the photo's alt text."""
    chooser = admin_client.get("/admin/images/chooser/").json()["html"]
    upload = chooser.split('id="tab-upload"', 1)[1] if 'id="tab-upload"' in chooser else chooser
    field = upload.split('name="image-chooser-upload-description"', 1)[0].rsplit("<label", 1)[1]
    assert "Alt text" in field
    assert "for readers who cannot see it" in upload


def test_an_image_edited_in_the_admin_keeps_its_alt_text(admin_client, newsroom):
    image = CreditedImage.objects.create(
        title="Quay", file=SimpleUploadedFile("quay.jpg", image_bytes()), width=800, height=500
    )
    page = admin_client.get(f"/admin/images/{image.pk}/").content.decode()
    assert "Alt text (description)" in page
    response = admin_client.post(
        f"/admin/images/{image.pk}/",
        {"title": "Quay", "description": "Boats moored at the quay", "collection": "1"},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.description == "Boats moored at the quay"


def test_the_byline_names_each_entry_an_author(admin_client, newsroom):
    """Each entry is one author ("Author 1", "Add Author"), not "Authors 1", "Add Authors"."""
    html = admin_client.get(
        f"/admin/pages/add/publishing/articlepage/{newsroom['world'].pk}/"
    ).content.decode()
    assert re.search(r"Add Author\s*<", html)
    assert "Add Authors" not in html


@pytest.mark.parametrize(
    ("block", "empty"),
    [
        (VideoBlock(), {"url": "", "title": "", "caption": "", "poster": None}),
        (GridTableBlock(), {"data": [[None, None], [None, None]], "table_caption": ""}),
    ],
)
def test_a_block_added_but_not_yet_filled_in_is_kept_in_a_draft_and_refused_on_publish(
    block, empty
):
    """A draft may be unfinished (Wagtail defers "required" to publishing): a video or table
    just added refused the draft, and paused autosave ("There are validation errors")."""
    assert block.clean_deferred(block.to_python(empty)) is not None
    with pytest.raises(ValidationError):
        block.clean(block.to_python(empty))


def gallery_form_data(images: list[str]) -> dict:
    """The body as the editor posts it: one gallery whose slots hold these images ("" empty)."""
    data = {
        "body-count": "1",
        "body-0-type": "gallery",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
        "body-0-value-title": "",
        "body-0-value-photos-count": str(len(images)),
    }
    for index, image in enumerate(images):
        slot = f"body-0-value-photos-{index}-"
        data |= {
            f"{slot}value-image": image,
            f"{slot}value-caption": "",
            f"{slot}deleted": "",
            f"{slot}order": str(index),
            f"{slot}id": "",
        }
    return data


def test_autosave_keeps_a_gallery_with_an_empty_photo_slot_and_publishing_refuses_it(
    admin_client, newsroom
):
    """A gallery's photo left for later does not pause autosave (Wagtail answers 400 and shows
    "Autosave is paused" on a validation error); publishing it names the empty slot."""
    article = newsroom["articles"]["ferry"]
    credit = article.article_authors.get(author=newsroom["ada"])
    photo = CreditedImage.objects.first()
    data = article_form_data(
        title=article.title,
        slug=article.slug,
        author=newsroom["ada"],
        standfirst="The ferry runs later.",
        **{"article_authors-INITIAL_FORMS": "1", "article_authors-0-id": str(credit.pk)},
        **gallery_form_data([str(photo.pk), ""]),
    )
    edit = f"/admin/pages/{article.pk}/edit/"
    autosave = admin_client.post(edit, data, HTTP_ACCEPT="application/json")
    assert autosave.status_code == 200, autosave.content.decode()[:500]
    assert autosave.json()["success"]
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["gallery"]

    published = admin_client.post(edit, {**data, "action-publish": "action-publish"})
    assert published.status_code == 200
    html = published.content.decode()
    assert "The page could not be saved due to validation errors" in html
    assert "This field is required." in html  # the empty slot's image, shown beside it
    assert [block.block_type for block in ArticlePage.objects.get(pk=article.pk).body] != [
        "gallery"
    ]


@pytest.mark.parametrize("sent", ["undefined", "null", "12abc"])
def test_an_image_id_that_is_not_a_number_is_refused_beside_its_slot_not_a_server_error(
    admin_client, newsroom, sent
):
    """A browser's script can send "undefined" for a gallery's photo: Wagtail looked it up as a
    number while reading the form, and saving, autosave and preview answered 500."""
    article = newsroom["articles"]["ferry"]
    credit = article.article_authors.get(author=newsroom["ada"])
    photo = CreditedImage.objects.first()
    data = article_form_data(
        title=article.title,
        slug=article.slug,
        author=newsroom["ada"],
        standfirst="The ferry runs later.",
        **{"article_authors-INITIAL_FORMS": "1", "article_authors-0-id": str(credit.pk)},
        **gallery_form_data([str(photo.pk), sent]),
    )
    edit = f"/admin/pages/{article.pk}/edit/"
    refusal = UNREADABLE_IMAGE % {"value": sent}

    autosave = admin_client.post(edit, data, HTTP_ACCEPT="application/json")
    assert autosave.status_code == 400
    assert not autosave.json()["success"]

    saved = admin_client.post(edit, {**data, "action-publish": "action-publish"})
    assert saved.status_code == 200
    html = saved.content.decode()
    assert "The page could not be saved due to validation errors" in html
    # The slot's message, in the editor's data for its blocks (JSON in an attribute).
    assert json.dumps(str(refusal)) in unescape(html)

    preview = admin_client.post(f"{edit}preview/", data)
    assert preview.status_code == 200
    assert preview.json()["is_valid"] is False
    assert [block.block_type for block in ArticlePage.objects.get(pk=article.pk).body] != [
        "gallery"
    ]


def test_a_featured_image_that_is_not_an_images_id_is_refused_with_the_form_shown_again(
    admin_client, newsroom
):
    """Refused already, but showing the form again looked the chosen image up as a number: 500."""
    article = newsroom["articles"]["ferry"]
    credit = article.article_authors.get(author=newsroom["ada"])
    data = article_form_data(
        title=article.title,
        slug=article.slug,
        author=newsroom["ada"],
        standfirst="The ferry runs later.",
        featured_image="undefined",
        **{"article_authors-INITIAL_FORMS": "1", "article_authors-0-id": str(credit.pk)},
    )
    edit = f"/admin/pages/{article.pk}/edit/"
    assert admin_client.post(edit, data, HTTP_ACCEPT="application/json").status_code == 400
    saved = admin_client.post(edit, {**data, "action-publish": "action-publish"})
    assert saved.status_code == 200
    html = saved.content.decode()
    assert "The page could not be saved due to validation errors" in html
    assert "Select a valid choice." in html
    assert ArticlePage.objects.get(pk=article.pk).featured_image == newsroom["photo"]


def test_a_new_article_is_autosaved_while_its_byline_is_empty_and_published_only_with_an_author(
    admin_client, newsroom
):
    """Autosave paused ("There are validation errors") on a new article from its first headline
    until an author was chosen: the byline's first slot, there from the start, required one, so
    nothing was saved yet if the tab closed. A draft may leave it empty; publishing may not."""
    world, ada = newsroom["world"], newsroom["ada"]
    data = article_form_data(title="Bridge reopens", slug="bridge-reopens", author=ada)
    data["article_authors-0-author"] = ""

    autosave = admin_client.post(
        f"/admin/pages/add/publishing/articlepage/{world.pk}/", data, HTTP_ACCEPT="application/json"
    )
    assert autosave.status_code == 200, autosave.content.decode()[:500]
    draft = ArticlePage.objects.get(slug="bridge-reopens")
    assert autosave.json()["revision_id"] == draft.get_latest_revision().pk
    assert not draft.live and not draft.article_authors.exists()

    # The editor's form takes autosave's updates: the still empty slot counts as saved now.
    data |= autosave.json()["field_updates"]
    edit = f"/admin/pages/{draft.pk}/edit/"
    data["standfirst"] = "The bridge opens to traffic on Monday."
    again = admin_client.post(edit, data, HTTP_ACCEPT="application/json")
    assert again.status_code == 200, again.content.decode()[:500]
    assert admin_client.post(edit, data).status_code == 302  # "Save draft"
    latest = ArticlePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert latest.standfirst == "The bridge opens to traffic on Monday."
    assert list(latest.article_authors.all()) == []

    publish = {**data, "action-publish": "action-publish"}
    refused = admin_client.post(edit, publish)
    assert refused.status_code == 200
    assert BYLINE_AUTHOR_MISSING in unescape(refused.content.decode())
    removed = admin_client.post(edit, {**publish, "article_authors-0-DELETE": "1"})
    assert removed.status_code == 200
    assert BYLINE_EMPTY in unescape(removed.content.decode())
    assert not ArticlePage.objects.get(pk=draft.pk).live

    data["article_authors-0-author"] = str(ada.pk)
    assert admin_client.post(edit, data, HTTP_ACCEPT="application/json").status_code == 200
    latest = ArticlePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert [credit.author for credit in latest.article_authors.all()] == [ada]
