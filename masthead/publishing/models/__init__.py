from masthead.publishing.models.drafts import AutosavedDraft
from masthead.publishing.models.images import CreditedImage, CreditedRendition
from masthead.publishing.models.info_pages import InfoPage
from masthead.publishing.models.pages import (
    ArticlePage,
    ArticlePageAuthor,
    ArticlePageTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    SectionPinnedArticle,
)
from masthead.publishing.models.settings import ContentVersion, SiteIdentity

__all__ = [
    "ArticlePage",
    "ArticlePageAuthor",
    "ArticlePageTag",
    "AuthorIndexPage",
    "AuthorPage",
    "AutosavedDraft",
    "ContentVersion",
    "CreditedImage",
    "CreditedRendition",
    "HomePage",
    "InfoPage",
    "SectionPage",
    "SectionPinnedArticle",
    "SiteIdentity",
]
