from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.discussion.readers import Reader
from masthead.discussion.services import comment_post
from masthead.publishing.models import ArticlePage
from tests.factories import make_article, make_home, make_section
from tests.shared_data import SHARED_DATA_BUILDERS, shared_data


def build_article() -> ArticlePage:
    make_home()
    section = make_section(title="World")
    return make_article(
        section=section,
        title="Harbour council votes on the new bridge",
        body_text="The council voted seven to two. The bridge will open in spring. Residents asked for a footpath.",
    )


SHARED_DATA_BUILDERS["_shared_article"] = build_article


@pytest.fixture
def _shared_article():
    """Asks for build_article()'s data (see tests/shared_data.py)."""


@pytest.fixture
def article(request, _shared_article, db):
    """An open article on a small site, built once for consecutive tests (tests/shared_data.py)."""
    return shared_data(request, "_shared_article")


_readers = iter(range(1, 10_000))


def guest(key=None, ip_hash="address-1") -> Reader:
    return Reader(user=None, key=key or f"g-reader-{next(_readers)}", ip_hash=ip_hash)


@pytest.fixture
def make_guest():
    return guest


@pytest.fixture
def post(article):
    """Post a comment as a fresh guest (unless a reader is given), a minute apart by default."""
    clock = {"now": timezone.now() - timedelta(hours=1)}

    def _post(
        body="A thoughtful comment.",
        *,
        reader=None,
        name="Alex",
        email="alex@example.com",
        on=None,
        **kwargs,
    ):
        clock["now"] += timedelta(minutes=1)
        kwargs.setdefault("now", clock["now"])
        return comment_post(
            article=on or article,
            reader=reader or guest(),
            body=body,
            author_name=name,
            author_email=email,
            **kwargs,
        )

    return _post
