# The importers bring content into the other apps: their tests use those apps' fixtures.
from tests.discussion.conftest import article, make_guest, post
from tests.publishing.conftest import newsroom

__all__ = ["article", "make_guest", "newsroom", "post"]
