import pytest

from tests.factories import make_article, make_author, make_home, make_image, make_section
from tests.shared_data import SHARED_DATA_BUILDERS, shared_data


def build_newsroom() -> dict:
    """A home page, two sections, two authors and a handful of articles, newest first by name."""
    home = make_home()
    world = make_section(title="World")
    science = make_section(title="Science")
    ada = make_author(name="Ada Reporter", photo=make_image(title="Ada"))
    bo = make_author(name="Bo Writer")
    photo = make_image(
        title="Harbour at dawn",
        caption="Boats at dawn",
        credit="Jo Lens / Agency",
        width=1600,
        height=1000,
    )
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    articles = {
        "ferry": make_article(
            section=world,
            title="Ferry service extended",
            body_text="Islanders welcomed the winter timetable.",
            authors=[ada, bo],
            tags=["transport"],
            published=now - timedelta(hours=1),
            featured_image=photo,
        ),
        "telescope": make_article(
            section=science,
            title="New telescope opens",
            body_text="Astronomers saw distant nebulae.",
            authors=[bo],
            tags=["space"],
            published=now - timedelta(hours=5),
        ),
        "election": make_article(
            section=world,
            title="Council election results",
            body_text="Turnout rose sharply.",
            authors=[ada],
            tags=["politics", "transport"],
            published=now - timedelta(days=3),
        ),
    }
    return {
        "home": home,
        "world": world,
        "science": science,
        "ada": ada,
        "bo": bo,
        "articles": articles,
        "photo": photo,
    }


SHARED_DATA_BUILDERS["_shared_newsroom"] = build_newsroom


@pytest.fixture
def _shared_newsroom():
    """Asks for build_newsroom()'s data (see tests/shared_data.py)."""


@pytest.fixture
def newsroom(request, _shared_newsroom, db):
    """build_newsroom()'s site, built once for consecutive tests (tests/shared_data.py)."""
    return shared_data(request, "_shared_newsroom")
