"""The articles API: GET /api/v1/articles."""

from datetime import datetime

from django.core.validators import slug_unicode_re
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from masthead.discussion import selectors as discussion_selectors
from masthead.discussion.services.comments import comments_are_open, discussion_settings_for_request
from masthead.publishing import selectors
from masthead.schemas import Error

router = Router(tags=["articles"])


class ArticleOut(Schema):
    id: int
    title: str
    url: str = Field(description="Absolute URL of the article page")
    published: datetime | None
    section: str = Field(description="The section's name")
    section_slug: str
    standfirst: str
    authors: list[str]
    comment_count: int = Field(description="Published comments")
    comments_open: bool


class ArticleFilters(Schema):
    section: str | None = Field(None, description="Only this section (its slug)")
    limit: int = Field(20, ge=1, le=100)
    # SQLite refuses an OFFSET past 64 bits (a 500); no site has 2**31 articles.
    offset: int = Field(0, ge=0, le=2**31 - 1)


def article_out(article, request, *, comment_count: int = 0, comments_open: bool = True) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_full_url(request),
        "published": article.published,
        "section": article.section.title,
        "section_slug": article.section.slug,
        "standfirst": article.standfirst,
        "authors": [author.name for author in article.authors],
        "comment_count": comment_count,
        "comments_open": comments_open,
    }


@router.get(
    "/articles",
    response={200: list[ArticleOut], 404: Error},
    summary="Published articles, newest first",
)
def list_articles(request: HttpRequest, response: HttpResponse, filters: Query[ArticleFilters]):
    """The newest published articles. The total is in the `X-Total-Count` header."""
    articles = selectors.live_articles()
    if filters.section:
        articles = articles.filter(path__startswith=_section_path(filters.section))
    response["X-Total-Count"] = str(articles.count())
    page = selectors.attach_sections(articles[filters.offset : filters.offset + filters.limit])
    counts = discussion_selectors.comment_counts(article.pk for article in page)
    discussion_selectors.comment_settings_overrides_attach(page)  # for comments_are_open
    options = discussion_settings_for_request(request)
    return [
        article_out(
            article,
            request,
            comment_count=counts.get(article.pk, 0),
            comments_open=comments_are_open(article, options=options),
        )
        for article in page
    ]


def _section_path(slug: str) -> str:
    from masthead.publishing.models import SectionPage

    # Not a slug (a NUL character makes PostgreSQL refuse the query): no such section either.
    section = (
        SectionPage.objects.live().filter(slug=slug).only("path").first()
        if slug_unicode_re.match(slug)
        else None
    )
    if section is None:
        raise HttpError(404, f"No section with the slug {slug!r}.")
    return section.path
