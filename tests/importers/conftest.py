# The importers bring content into the other apps: their tests use those apps' fixtures.
from tests.discussion.conftest import _shared_article, article, make_guest, post
from tests.publishing.conftest import _shared_newsroom, newsroom

__all__ = ["_shared_article", "_shared_newsroom", "article", "make_guest", "newsroom", "post"]
