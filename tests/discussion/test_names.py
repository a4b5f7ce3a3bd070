"""A guest's name shows beside their comment: no abuse, and no name of the newsroom's."""

import json
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from masthead.accounts import names
from masthead.discussion.models import Comment
from masthead.discussion.services import comments as rules
from tests.discussion.test_views import form_data
from tests.factories import make_author

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["Paki", "P4KI Basher", "Immigrants are vermin", "n i g g e r", "Ｐａｋｉ"]
)
def test_a_guest_cannot_comment_under_an_abusive_name(post, name):
    with pytest.raises(rules.CommentRefused) as refused:
        post("Fair point about the bridge.", name=name)
    assert (refused.value.message, refused.value.field) == (names.NAME_ABUSIVE, "author_name")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "name", ["Dick Van Dyke", "Cockburn", "Scunthorpe United fan", "Pakistani reader", "Sam Savage"]
)
def test_a_name_that_only_contains_a_slur_inside_a_word_or_a_phrase_is_kept(post, name):
    assert post("Fair point.", name=name).author_name == name


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="marta", first_name="Marta Kowalski", is_staff=True, email="marta@example.com"
    )


@pytest.mark.parametrize(
    "name", ["Moderator", "the editor", "ADMIN", "M0derator", "marta  KOWALSKI", "Ada Repоrter"]
)
def test_a_guest_cannot_take_a_staff_members_an_authors_or_a_roles_name(post, staff, name):
    make_author(name="Ada Reporter")
    with pytest.raises(rules.CommentRefused) as refused:
        post("As the newsroom, we agree.", name=name)
    assert refused.value.message == names.NAME_RESERVED
    assert "sign in" in refused.value.message


def test_a_guest_cannot_take_the_sites_name(post, article):
    from masthead.publishing.models import SiteIdentity

    site_name = SiteIdentity.for_site(article.get_site()).name
    with pytest.raises(rules.CommentRefused):
        post("Official statement.", name=site_name.upper())


@pytest.fixture
def refused(post):
    """Whether a guest's post under `name` is refused as one of the newsroom's names."""

    def _refused(name):
        try:
            post("Fair point.", name=name)
        except rules.CommentRefused as refusal:
            return refusal.message == names.NAME_RESERVED
        return False

    return _refused


def test_a_name_the_newsroom_takes_after_a_guest_posted_is_refused_at_once(
    refused, article, django_user_model
):
    """The newsroom's names are cached between posts: every way a name becomes the newsroom's
    (a new staff account, an author page, a site renamed, a group or a permission that opens the
    admin) is seen by the very next post."""
    from django.contrib.auth.models import Group, Permission

    from masthead.publishing.models import SiteIdentity

    assert not refused("Warm Cache")  # the names are read, and kept
    django_user_model.objects.create_user(username="nia", first_name="Nia Staff", is_staff=True)
    assert refused("Nia Staff")
    make_author(name="Omar Author")
    assert refused("Omar Author")
    identity = SiteIdentity.for_site(article.get_site())
    identity.name = "The Quay Courier"
    identity.save()
    assert refused("The Quay Courier")
    admin = Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    reader = django_user_model.objects.create_user(username="pia", first_name="Pia Reader")
    direct = django_user_model.objects.create_user(username="quin", first_name="Quin Reader")
    editors = Group.objects.create(name="Night editors")
    reader.groups.add(editors)
    assert not refused("Pia Reader")
    editors.permissions.add(admin)
    assert refused("Pia Reader")
    assert not refused("Quin Reader")
    direct.user_permissions.add(admin)
    assert refused("Quin Reader")
    reader.is_active = False
    reader.save()
    assert not refused("Pia Reader")


def test_a_guest_post_while_a_staff_account_is_being_saved_does_not_keep_the_old_names(
    refused, django_user_model, django_capture_on_commit_callbacks, monkeypatch
):
    """A guest's post in another process, between the account's save and its commit (Wagtail
    saves a user in a transaction), reads the names as they were: the next post, after the
    commit, still sees the new staff member's name."""
    assert not refused("Warm Cache")
    names_before = names._staff_names()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        django_user_model.objects.create_user(username="nia", first_name="Nia Staff", is_staff=True)
        # The other process's connection cannot see the account until the commit.
        with monkeypatch.context() as other_process:
            other_process.setattr(names, "_staff_names", lambda: names_before)
            assert not refused("Nia Staff")
    assert refused("Nia Staff")


@pytest.fixture
def other_web_process(settings):
    """Runs code as another web process would: with a default cache of its own (an in-memory
    cache without REDIS_URL is one per process), sharing the database and the limits cache."""
    own_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "another-web-process",
    }

    @contextmanager
    def _as_other_process():
        with override_settings(CACHES={**settings.CACHES, "default": own_cache}):
            yield

    yield _as_other_process
    with _as_other_process():
        cache.clear()


def test_a_staff_account_made_in_one_process_is_refused_to_guests_of_every_other(
    refused, django_user_model, other_web_process
):
    """`masthead serve` runs several web processes, and `masthead createsuperuser` or an admin
    page in one of them makes the account: every process refuses its name to the next guest."""
    with other_web_process():
        assert not refused("Nia Staff")  # that process has read the names, and keeps them
    django_user_model.objects.create_user(username="nia", first_name="Nia Staff", is_staff=True)
    with other_web_process():
        assert refused("Nia Staff")
    assert refused("Nia Staff")


def test_names_read_by_a_post_while_a_staff_account_commits_are_not_kept_after_it(
    post, django_user_model, django_capture_on_commit_callbacks, monkeypatch
):
    real_read = names._reserved_keys_read

    def read_then_other_process_commits():
        keys = real_read()  # a guest's post (process A) reads the names as they are...
        # ...while process B makes a staff account and commits, forgetting the names (now and
        # on commit) before A stores what it read
        with django_capture_on_commit_callbacks(execute=True):
            django_user_model.objects.create_user(
                username="nia", first_name="Nia Staff", is_staff=True
            )
        return keys

    monkeypatch.setattr(names, "_reserved_keys_read", read_then_other_process_commits)
    post("Fair point.", name="Warm Cache")
    monkeypatch.setattr(names, "_reserved_keys_read", real_read)

    with pytest.raises(rules.CommentRefused, match="our newsroom uses"):
        post("Official statement.", name="Nia Staff")


def test_a_staff_member_signed_in_comments_under_their_own_name(post, staff):
    from masthead.discussion.readers import Reader

    comment = post(
        "Thanks for reading.", reader=Reader(user=staff, key="staff-key", ip_hash="a"), name=""
    )
    assert comment.author_name == "Marta Kowalski"


def test_the_form_says_why_beside_the_name_and_keeps_the_comment(client, article):
    typed = "A long and careful comment about the bridge."
    response = client.post(
        f"/comments/{article.pk}/post/", form_data(body=typed, author_name="Paki")
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find(id="id_author_name_error").get_text(strip=True) == names.NAME_ABUSIVE
    assert page.find(id="id_body").get_text().strip() == typed
    assert Comment.objects.count() == 0


def test_the_api_refuses_a_reserved_name_naming_the_field(client, article):
    response = client.post(
        f"/api/v1/articles/{article.pk}/comments",
        data=json.dumps(
            {"body": "Hello", "author_name": "Moderator", "author_email": "m@example.com"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": names.NAME_RESERVED,
        "field": "author_name",
        "errors": [{"detail": names.NAME_RESERVED, "field": "author_name"}],
    }
