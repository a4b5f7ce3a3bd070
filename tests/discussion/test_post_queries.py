"""What one comment costs its reader in queries: a guard against the posting path growing again
(a guest's post through the page's form was 30 queries, then 23 with the site and its settings
read up to 4 times each, and 22 before that; a reply two more)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.discussion.models import Comment
from tests.discussion.test_views import form_data

pytestmark = pytest.mark.django_db

# A guest's post through the form once the site's caches are warm (its first post also makes
# the thread's counters and reads what the caches keep): the article, its discussion and
# moderation settings, the turn, the rate counts, the filter's reads, the comment, its verdict,
# the thread's counts and the comment's place for the redirect.
GUEST_POST_QUERIES = 17
# The version of the newsroom's names, where the shared "limits" store is a table (no
# REDIS_URL): a staff member made in one web process or by a command has their name refused in
# every process at once.
if "DatabaseCache" in settings.CACHES["limits"]["BACKEND"]:
    GUEST_POST_QUERIES += 1
# PostgreSQL takes the reader's and the network's turn with an advisory lock each, where SQLite
# has one writer at a time anyway.
if connection.vendor == "postgresql":
    GUEST_POST_QUERIES += 2
REPLY_QUERIES = GUEST_POST_QUERIES + 2  # the comment answered, and its place in the thread


def _form_post(client, article, **fields):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/comments/{article.pk}/post/", form_data(**fields))
    assert response.status_code == 302
    return [query["sql"] for query in queries.captured_queries]


def test_a_guest_comment_and_a_reply_cost_a_fixed_number_of_queries(
    client, article, django_assert_max_num_queries
):
    _form_post(client, article, body="The first comment under the article.")
    with django_assert_max_num_queries(GUEST_POST_QUERIES):
        _form_post(client, article, body="A second, with the caches warm.")
    parent = Comment.objects.order_by("pk").first()
    with django_assert_max_num_queries(REPLY_QUERIES):
        _form_post(client, article, body="A reply.", parent_id=str(parent.pk))


def test_the_newsrooms_names_are_read_once_for_many_guests_posts(client, article, post):
    """Every guest's name is checked against the staff's, the authors' and the sites' names:
    read for the first post, then kept (forgotten when one of them changes: test_names)."""
    newsroom_tables = (
        'FROM "auth_user"',
        'FROM "publishing_authorpage"',
        '"publishing_siteidentity"',
    )

    def reads_of_names(queries):
        return [sql for sql in queries if any(table in sql for table in newsroom_tables)]

    assert reads_of_names(_form_post(client, article, body="First, with the names read."))
    assert reads_of_names(_form_post(client, article, body="Second, with them kept.")) == []
    with CaptureQueriesContext(connection) as queries:
        post("Third, through the service.", name="Robin")
    assert reads_of_names(query["sql"] for query in queries.captured_queries) == []


def test_a_post_reads_its_sites_settings_once(client, article):
    """The article's site is found in Wagtail's cached root paths, and its discussion and
    moderation settings are read once each, however many steps of the post need them."""
    _form_post(client, article, body="The first comment under the article.")
    queries = _form_post(client, article, body="A second, with the caches warm.")

    def reads_of(table):
        return [sql for sql in queries if f'FROM "{table}"' in sql]

    assert reads_of("wagtailcore_site") == []
    assert len(reads_of("discussion_discussionsettings")) == 1
    assert len(reads_of("moderation_moderationsettings")) == 1
