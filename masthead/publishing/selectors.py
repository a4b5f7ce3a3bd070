"""Reads for the reader-facing pages, feeds and API. No side effects."""

import functools
import itertools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.paginator import EmptyPage, Paginator
from django.core.paginator import Page as ListingPage
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.http import Http404
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Revision, Site
from wagtail.query import PageQuerySet
from wagtail.search.query import And, Phrase, PlainText, SearchQuery

from masthead.links import canonical_root, canonical_url
from masthead.publishing import search_ranking
from masthead.publishing.forms import SLUG_NAMES_A_ROUTE
from masthead.publishing.models import (
    ArticlePage,
    ArticlePageAuthor,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    InfoPage,
    SectionPage,
    SectionPinnedArticle,
    SiteIdentity,
)
from masthead.publishing.models.pages import revision_names_an_author

ARTICLES_PER_PAGE = 12
# Past the end of any listing (no site has 2**31 articles), and far short of the OFFSET that
# SQLite or PostgreSQL refuse (a 500 for ?page=99999999999999999999).
LAST_LISTED_POSITION = 2**31 - 1
SECTION_TEASERS = 4
# Old systems' page addresses that end in a file name (Blogger, static sites): the slug is
# the name without it.
PAGE_EXTENSIONS = (".html", ".htm", ".php", ".aspx")
# How much of a reader's search is searched (see search_terms): more words than anyone types.
SEARCH_MAX_TERMS = 32
SEARCH_MAX_LENGTH = 500
# C0 and C1 control characters (Unicode category Cc): DEL, and the tab and line breaks among them.
_CONTROL_AS_SPACE = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")


def public_pages(pages: PageQuerySet, *, below_restricted: Q | None = None) -> PageQuerySet:
    """`pages` without those a reader must give a password or sign in to see, as Wagtail's
    `public()` leaves them. That one adds conditions to the query for every restriction on the
    site, and an imported WordPress site has one for each protected post: at about a thousand,
    SQLite refuses the query ("Expression tree is too large") and every listing fails. Here the
    pages restricted themselves are one subquery, and only restrictions on pages with pages below
    them (a section: a few at most) add conditions. The search backends accept it as a filter.
    `below_restricted`: those conditions when the caller has read them already."""
    pages = pages.exclude(path__in=PageViewRestriction.objects.values("page__path"))
    if below_restricted is None:
        below_restricted = below_restricted_pages()
    return pages.exclude(below_restricted) if below_restricted else pages


def below_restricted_pages() -> Q:
    """The pages below a restricted page (empty where no page with pages below it is restricted).

    Every listing, and every request of the comments API, asks: the paths are read once per
    content version, which a restriction's change, a page's move, deletion or publication bumps
    (publishing.apps), and kept in the cache as the pages that show them are."""
    from django.core.cache import cache

    from masthead.publishing.page_cache import PAGE_CACHE_SECONDS, content_version

    def restricted_paths() -> list[str]:
        above = PageViewRestriction.objects.filter(page__numchild__gt=0)
        return list(above.values_list("page__path", flat=True).distinct())

    key = f"below-restricted:{content_version()}"
    below_restricted = Q()
    for path in cache.get_or_set(key, restricted_paths, PAGE_CACHE_SECONDS):
        below_restricted |= Q(path__startswith=path)
    return below_restricted


def live_articles(
    root: Page | None = None, *, below_restricted: Q | None = None
) -> QuerySet[ArticlePage]:
    """Published, public articles, newest first, with what a listing shows already fetched."""
    articles = public_pages(ArticlePage.objects.live(), below_restricted=below_restricted)
    if root is not None:
        articles = articles.descendant_of(root)
    return (
        articles.select_related("featured_image")
        .prefetch_related(*_listing_prefetches())
        .order_by("-first_published_at", "-pk")
    )


def _listing_prefetches() -> tuple:
    """What a listing shows of each article besides its page: its picture's sizes, its authors."""
    return (
        "featured_image__renditions",
        Prefetch(
            "article_authors",
            queryset=ArticlePageAuthor.objects.select_related("author").order_by("sort_order"),
        ),
    )


def feed_articles(articles: QuerySet[ArticlePage], *, limit: int) -> QuerySet[ArticlePage]:
    """The newest `limit` of a listing's articles (live_articles, tag_articles, author_articles),
    with their tags (a feed lists each one's)."""
    return articles.prefetch_related("tags")[:limit]


def article_for_link(link: str) -> ArticlePage | None:
    """The article an address of the old site meant: the one at the same path on this site,
    else the only article whose slug is the path's last segment (None if none or several)."""
    segments = [unquote(part) for part in urlsplit(link.strip()).path.split("/") if part]
    if not segments:
        return None
    paths = [
        site.root_page.url_path + "/".join(segments) + "/"
        for site in Site.objects.select_related("root_page")
    ]
    at_path = ArticlePage.objects.filter(url_path__in=paths).first()
    if at_path is not None:
        return at_path
    slug = segments[-1]
    for extension in PAGE_EXTENSIONS:
        slug = slug.removesuffix(extension)
    return article_with_slug(slug)


def article_with_slug(slug: str) -> ArticlePage | None:
    """The article with this slug, live or not; None if there is none or there are several
    (slugs are unique among a section's pages only)."""
    with_slug = list(ArticlePage.objects.filter(slug=slug)[:2]) if slug else []
    return with_slug[0] if len(with_slug) == 1 else None


def article_slug_free(slug: str) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`… that no article in any section has, live or
    not (so that a link's last part still names one article), within a slug's 255 letters, and
    that names none of a section's own addresses (SectionPage.route_slugs: "feed")."""
    max_length = ArticlePage._meta.get_field("slug").max_length
    taken = set(
        ArticlePage.objects.filter(slug__startswith=slug[: max_length - 12]).values_list(
            "slug", flat=True
        )
    )
    taken |= SectionPage.route_slugs()
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = slug[: max_length - len(suffix)] + suffix
    return candidate


def article_public(article: ArticlePage) -> bool:
    """Whether the article, live or not, is open to every reader (no password or sign-in
    asked for)."""
    return public_pages(ArticlePage.objects.filter(pk=article.pk)).exists()


def article_redirected_from(old_path: str) -> ArticlePage | None:
    """The article an old address (a path, as Wagtail's redirects keep it) redirects to."""
    redirect = Redirect.objects.filter(old_path=Redirect.normalise_path(old_path)).first()
    if redirect is None or redirect.redirect_page_id is None:
        return None
    return ArticlePage.objects.filter(pk=redirect.redirect_page_id).first()


def redirect_link(old_path: str) -> str:
    """Where an old address (a path with its query string) redirects to, or "". Wagtail's
    redirects answer only addresses that are not found; this serves those the front page would
    take (WordPress's `/?p=123`)."""
    redirect = Redirect.objects.filter(old_path=Redirect.normalise_path(old_path)).first()
    return (redirect.link or "") if redirect is not None else ""


def section_with_slug(*, home: HomePage, slug: str) -> SectionPage | None:
    """The front page's section with this slug, if there is one."""
    return SectionPage.objects.child_of(home).filter(slug=slug).first()


def author_index(*, home: HomePage) -> AuthorIndexPage | None:
    """The front page's list of authors ("Our journalists"), if there is one yet."""
    return AuthorIndexPage.objects.child_of(home).first()


def author_with_name(name: str) -> AuthorPage | None:
    """The author page with this name, whatever its letter case (as author_page_ensure finds it)."""
    return AuthorPage.objects.filter(title__iexact=name).first()


def newsroom_names() -> set[str]:
    """The names the newsroom publishes under: its authors' (drafts too: an author page may be
    made before its first byline) and its sites'."""
    names = set(AuthorPage.objects.values_list("title", flat=True))
    names.add(SiteIdentity.name_for(None))
    unnamed = SiteIdentity._meta.get_field("name").default  # what a site without one is called
    for site_name, identity_name in Site.objects.values_list("site_name", "siteidentity__name"):
        names.update((site_name, unnamed if identity_name is None else identity_name))
    return {name for name in names if name}


def tag_page_url(*, home: HomePage, name: str) -> str:
    """The address of the page listing the articles with this tag, or "" for no such tag."""
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        return ""
    return home.url + home.reverse_subpage("tag", kwargs={"tag_slug": tag.slug})


def article_by_id(article_id: int) -> ArticlePage | None:
    """The article with this page id, live or not."""
    return ArticlePage.objects.filter(pk=article_id).first()


def page_site_settings(setting_model, page):
    """The `setting_model` (a Wagtail site setting) of the page's site, the default site's for a
    page outside every site (or no page); made with its defaults on first use, as for_site does.

    The site is found as Page.get_site finds it, in Wagtail's cached site root paths, but by its
    id alone: get_site reads the Site row each time, and a comment's post asked for it 4 times."""
    url_parts = page.get_url_parts() if page is not None else None
    if url_parts is not None:
        site_id = url_parts[0]
    else:
        site_id = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    if site_id is None:
        raise setting_model.DoesNotExist(f"{setting_model.__name__} does not exist for site None.")
    return setting_model.base_queryset().get_or_create(site_id=site_id)[0]


def home_page() -> HomePage | None:
    """The site's front page, if there is one yet."""
    return HomePage.objects.first()


def pinned_position(section_path) -> Subquery:
    """An article's place among those pinned to the section at `section_path` (a path, or an
    expression of one), None if it is not pinned there. The section's rows are those of its live
    version: Wagtail writes them when the section is published, and a draft keeps them in its
    revision. A pin left behind when an article moved to another section pins it nowhere."""
    pins = SectionPinnedArticle.objects.filter(page__path=section_path, article=OuterRef("pk"))
    # A row saved by code rather than by the editor's form may have no sort_order: still pinned.
    position = Coalesce("sort_order", Value(0))
    return Subquery(pins.annotate(position=position).order_by("position").values("position")[:1])


def pinned_first(order: list) -> list:
    """`order` with the articles pinned to their section before the others (see pinned_position)."""
    return [F("pinned_position").asc(nulls_last=True), *order]


def section_articles(section: SectionPage) -> QuerySet[ArticlePage]:
    """The section's live articles: those its editors pinned first, in their order, then the
    others, newest first. Each is listed once; a pinned article is listed only while it is live
    and public, as any other. In the same one query as an unpinned listing (with its count)."""
    return (
        live_articles(section)
        .annotate(pinned_position=pinned_position(section.path))
        .order_by(*pinned_first(["-first_published_at", "-pk"]))
    )


def public_author_ids(authors: Iterable[AuthorPage]) -> set[int]:
    """The ids of those of `authors` whose page every reader can open (live, and asking no
    password or sign-in): the ones a byline, a feed or the NewsArticle data may link to. One
    query for all of them."""
    ids = {author.pk for author in authors}
    if not ids:
        return set()
    pages = public_pages(AuthorPage.objects.live().filter(pk__in=ids))
    return set(pages.values_list("pk", flat=True))


def author_articles(author: AuthorPage) -> QuerySet[ArticlePage]:
    return live_articles().filter(article_authors__author=author)


def tag_articles(*, home: HomePage, tag: Tag) -> QuerySet[ArticlePage]:
    """The front page's live articles with this tag, newest first (its tag page and feeds)."""
    return live_articles(home).filter(tags=tag)


def attach_sections(articles, *, known_sections=()) -> list[ArticlePage]:
    """Give each article its section with one query for all of them (instead of one each), or
    none when `known_sections` (sections the caller has read already) hold them all."""
    articles = list(articles)
    sections = {section.path: section for section in known_sections}
    parent_paths = {article.path[: -Page.steplen] for article in articles} - set(sections)
    if parent_paths:
        sections.update(
            (section.path, section) for section in SectionPage.objects.filter(path__in=parent_paths)
        )
    for article in articles:
        section = sections.get(article.path[: -Page.steplen])
        if section is not None:
            article.__dict__["section"] = section
    return articles


def paginate(items, *, page_number, per_page: int = ARTICLES_PER_PAGE):
    """One page of `items`; a page number that is not a number or out of range is a 404.

    The page's rows are read first, with one more: a page with none after it (a listing of one
    page, or the last page of one) knows the total from them, and only a page with more after
    it counts `items` for its "Page 1 of N"."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):
        raise Http404("No such page") from None
    start = (number - 1) * per_page
    if number < 1 or start > LAST_LISTED_POSITION:
        raise Http404("No such page")
    rows = list(items[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page")
    if len(rows) <= per_page:
        paginator.count = start + len(rows)  # a cached_property: no COUNT query
    try:
        paginator.validate_number(number)
    except EmptyPage:
        raise Http404("No such page") from None
    return ListingPage(rows[:per_page], number, paginator)


def listing_page_count(*, page: Page, view: str = "", kwargs: dict | None = None) -> int | None:
    """How many pages the article listing at this page (and route of it) has, None if it is no
    listing: a section's, an author's, a tag's or the front page's (whose lead story is above
    its list). For an old address of a further page, sent to the last one when there are fewer."""
    page = page.specific_deferred
    if isinstance(page, SectionPage) and view in ("", "listing"):
        articles = section_articles(page)
    elif isinstance(page, AuthorPage):
        articles = author_articles(page)
    elif isinstance(page, HomePage) and view == "tag":
        tag = Tag.objects.filter(slug=(kwargs or {}).get("tag_slug")).first()
        articles = tag_articles(home=page, tag=tag) if tag else ArticlePage.objects.none()
    elif isinstance(page, HomePage) and view in ("", "front"):
        count = live_articles(page).count()
        return max(1, -(-(count - 1) // ARTICLES_PER_PAGE))
    else:
        return None
    return max(1, -(-articles.count() // ARTICLES_PER_PAGE))


def article_listing(articles: QuerySet[ArticlePage], *, page_number) -> dict:
    page = paginate(articles, page_number=page_number)
    return {"page_obj": page, "articles": attach_sections(page.object_list)}


def front_page(*, home: HomePage, page_number) -> dict:
    """The lead story, the latest list (paginated) and every section with its newest articles.

    The restrictions below sections are read once, and so are the sections: the teasers' give
    every article of the page its section. The pictures and authors of every article shown (the
    lead, the latest, the sections') are read together, two queries for the whole page."""
    below_restricted = below_restricted_pages()
    articles = live_articles(home, below_restricted=below_restricted).prefetch_related(None)
    lead = None
    if home.lead_article_id:
        lead = articles.filter(pk=home.lead_article_id).first()
    if lead is None:
        lead = articles.first()
    latest = articles.exclude(pk=lead.pk) if lead else articles
    page = paginate(latest, page_number=page_number)
    listed = [*([lead] if lead else []), *page.object_list]
    sections = []
    if page.number == 1:
        sections = section_teasers(home, below_restricted=below_restricted, with_listing=False)
    attach_sections(listed, known_sections=[section for section, _ in sections])
    teasers = [article for _, section_articles in sections for article in section_articles]
    prefetch_related_objects([*listed, *teasers], *_listing_prefetches())
    return {
        "lead": lead,
        "sections": sections,
        "page_obj": page,
        "articles": listed[1:] if lead else listed,
    }


def section_teasers(
    home: HomePage,
    *,
    per_section: int = SECTION_TEASERS,
    below_restricted: Q | None = None,
    with_listing: bool = True,
) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """Each live section of the home page, in menu order, with its articles as its own page
    lists them (pinned ones first, then the newest; sections without any left out), in the same
    few queries however many sections there are. Without `with_listing`, the articles' pictures
    and authors are left for the caller to fetch with the rest of its page's."""
    if below_restricted is None:
        below_restricted = below_restricted_pages()
    sections = list(
        public_pages(
            SectionPage.objects.child_of(home).live(), below_restricted=below_restricted
        ).order_by("path")
    )
    if not sections:
        return []
    # The sections are all children of the home page: one depth, one length of path prefix.
    section_path = Substr("path", 1, sections[0].depth * Page.steplen)
    listing_order = pinned_first([F("first_published_at").desc(), F("pk").desc()])
    articles = live_articles(home, below_restricted=below_restricted)
    if not with_listing:
        articles = articles.prefetch_related(None)
    ranked = (
        articles.annotate(section_path=section_path)
        .filter(section_path__in=[section.path for section in sections])
        .annotate(pinned_position=pinned_position(OuterRef("section_path")))
        .annotate(rank=Window(RowNumber(), partition_by=section_path, order_by=listing_order))
        .filter(rank__lte=per_section)
        .order_by("section_path", "rank")
    )
    teasers: dict[str, list[ArticlePage]] = {}
    for article in attach_sections(ranked, known_sections=sections):
        teasers.setdefault(article.section_path, []).append(article)
    return [(section, teasers[section.path]) for section in sections if section.path in teasers]


def related_articles(article: ArticlePage, *, limit: int = 4) -> list[ArticlePage]:
    """The section's other newest articles, for "More from …" under an article."""
    parent = article.get_parent()
    return attach_sections(live_articles(parent).exclude(pk=article.pk)[:limit])


@dataclass(frozen=True)
class SiteMenus:
    sections: list[Page]  # in the header, in their order under the front page
    footer_pages: list[Page]  # information pages editors chose for the footer, in order


def site_menus(site: Site | None) -> SiteMenus:
    """The header's sections and the footer's information pages: the live pages under the front
    page with "Show in menus" ticked, read as plain pages (a title and an address is all the
    menus show) in one query, and kept in the cache until the site's content changes, which
    publishing, unpublishing, moving or reordering any of them does."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from masthead.publishing.page_cache import version_and_month

    if site is None:
        return SiteMenus(sections=[], footer_pages=[])
    key = f"site-menus:{site.pk}:{version_and_month()}"
    menus = cache.get(key)
    if menus is None:
        kinds = ContentType.objects.get_for_models(SectionPage, InfoPage)
        pages = list(
            Page.objects.child_of(site.root_page)
            .live()
            .in_menu()
            .filter(content_type__in=kinds.values())
            .order_by("path")
        )
        menus = SiteMenus(
            sections=[page for page in pages if page.content_type_id == kinds[SectionPage].pk],
            footer_pages=[page for page in pages if page.content_type_id == kinds[InfoPage].pk],
        )
        cache.set(key, menus, 600)
    return menus


def search_info_pages(terms: "SearchTerms", *, limit: int = 5) -> list[InfoPage]:
    """The public information pages that match a search, most relevant first (a reader looking
    for "corrections" or "contact" wants the policy, not every article that uses the word)."""
    return list(public_pages(InfoPage.objects.live()).search(terms.query)[:limit])


def info_page_schema(page: InfoPage, request) -> dict:
    """schema.org data for an information page: an AboutPage, a ContactPage or a WebPage, of the
    newsroom that publishes the site."""
    site = Site.find_for_request(request)
    identity = SiteIdentity.for_request(request) if site else None  # the read the template shares
    url = page.get_full_url(request)  # as the page's canonical link names it
    schema = {
        "@context": "https://schema.org",
        "@type": page.schema_type,
        "name": page.seo_title or page.title,
        "url": url,
    }
    if page.description:
        schema["description"] = page.description
    if page.last_published_at:
        schema["dateModified"] = page.last_published_at.isoformat()
    if identity:
        organisation = {
            "@type": "NewsMediaOrganization",
            "name": identity.name,
            "url": canonical_root(request) + "/",
        }
        schema["about" if page.schema_type != "WebPage" else "publisher"] = organisation
    return schema


@dataclass(frozen=True)
class SearchTerms:
    """What a reader's search asks the backend for, and its text as the page shows it."""

    query: SearchQuery
    text: str  # the reader's own text, or the part of it searched
    shortened: bool  # words or phrases past the limits were left out


def search_text(query: str) -> str:
    """A reader's search as it is searched and shown back: each control character (a NUL or a
    U+0001 from a mangled link, a tab, a line break) as a space. SQLite's FTS5 refuses a NUL
    as an unterminated string, and the others would reach the page's title, its search boxes and
    its results heading as they came."""
    return query.translate(_CONTROL_AS_SPACE)


def search_terms(query: str) -> SearchTerms | None:
    """A reader's words, all required; text in double quotes is a phrase. None without words.

    Only the first SEARCH_MAX_TERMS words and phrases of the first SEARCH_MAX_LENGTH characters
    are searched: the backends nest one condition per word or phrase, and compiling a few
    hundred of them overflows Python's stack (a 500). The quotes never reach the backend:
    SQLite's FTS5 refuses an unpaired one as a syntax error. An unpaired quote opens a phrase
    that runs to the end. `query` is search_text's (without control characters).
    """
    shortened = len(query) > SEARCH_MAX_LENGTH
    if shortened:
        # The word the limit falls in is left out rather than searched for as its first half.
        query = re.sub(r"(?<=\s)\S*$", "", query[: SEARCH_MAX_LENGTH + 1])
    terms: list[tuple[str, bool]] = []  # (text, whether it is a phrase)
    for position, text in enumerate(query.split('"')):
        if position % 2:
            if text.strip():
                terms.append((text.strip(), True))
        else:
            terms += [(word, False) for word in text.split()]
    if not terms:
        return None
    shortened = shortened or len(terms) > SEARCH_MAX_TERMS
    terms = terms[:SEARCH_MAX_TERMS]
    parts = []
    for is_phrase, run in itertools.groupby(terms, key=lambda term: term[1]):
        texts = [text for text, _ in run]
        if is_phrase:
            parts += [Phrase(text) for text in texts]
        else:
            parts.append(PlainText(" ".join(texts), operator="and"))
    searched = " ".join(f'"{text}"' if is_phrase else text for text, is_phrase in terms)
    return SearchTerms(
        query=parts[0] if len(parts) == 1 else And(parts),
        text=searched if shortened else query.strip(),
        shortened=shortened,
    )


def search_articles(query: str, *, page_number) -> dict:
    """Full-text search over live articles (Wagtail's database backend: SQLite FTS5 or PostgreSQL),
    and the information pages that match (About us, the corrections policy…). `query` is
    search_text's. The query given back is the reader's, or the part of it searched if it was
    too long."""
    terms = search_terms(query or "")
    if terms is None:
        return {
            "query": (query or "").strip(),
            "page_obj": None,
            "articles": [],
            "info_pages": [],
            "found": 0,
        }
    searched = public_pages(ArticlePage.objects.live())
    results = searched.search(terms.query)
    # Most relevant first however many match: PostgreSQL's backend reads each match once (2,000
    # matches: 70 ms); on SQLite, search_ranking does what its backend does in the square.
    ranked = search_ranking.ranked_ids(results)
    if ranked is not None:
        page = paginate(ranked, page_number=page_number)
        found_ids = list(page.object_list)
    else:
        page = paginate(results, page_number=page_number)
        found_ids = [article.pk for article in page.object_list]
    fetched = {article.pk: article for article in live_articles().filter(pk__in=found_ids)}
    articles = attach_sections(fetched[pk] for pk in found_ids if pk in fetched)
    info_pages = search_info_pages(terms)
    return {
        "query": terms.text,
        "query_shortened": terms.shortened,
        "page_obj": page,
        "articles": articles,
        # Above the articles, on the first page of results only.
        "info_pages": info_pages if page.number == 1 else [],
        # What the results' heading counts, on every page: the articles and the pages found.
        "found": page.paginator.count + len(info_pages),
    }


def article_share_image(article: ArticlePage, *, identity: SiteIdentity | None):
    """The picture that stands for the article in social cards and its NewsArticle data: the
    featured image, else the first picture of the body (an image, a gallery's photo, a video's
    poster), else the site's default share image (`identity.share_image`), else None. A photo
    story often has no featured image, and shared without a picture it shows as a bare link;
    search engines want one for their article results."""
    if article.featured_image:
        return article.featured_image
    for block in article.body:
        if block.block_type == "image":
            pictures = [block.value["image"]]
        elif block.block_type == "gallery":
            pictures = [photo["image"] for photo in block.value["photos"]]
        elif block.block_type == "video":
            pictures = [block.value["poster"]]
        else:
            continue
        for picture in pictures:
            if picture is not None:
                return picture
    return identity.share_image if identity else None


def news_article_schema(article: ArticlePage, request) -> dict:
    """schema.org NewsArticle for search engines (rendered as JSON-LD in the article's head)."""
    site = Site.find_for_request(request)
    identity = SiteIdentity.for_request(request) if site else None  # the read the template shares
    # The site's own scheme and host, as in the page's canonical link.
    article_url = article.get_full_url(request)
    linkable_authors = article.linkable_author_ids
    schema = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.search_description or article.standfirst,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article_url},
        "url": article_url,
        "datePublished": article.published.isoformat() if article.published else None,
        "dateModified": (article.last_published_at or article.published).isoformat()
        if article.published
        else None,
        "author": [
            {"@type": "Person", "name": author.name}
            | ({"url": author.get_full_url(request)} if author.pk in linkable_authors else {})
            for author in article.authors
        ],
        "articleSection": article.section.title,
        "keywords": [tag.name for tag in article.tag_list],
    }
    share_image = article_share_image(article, identity=identity)
    if share_image:
        image_urls = [
            canonical_url(request, rendition.url)
            for rendition in share_image.get_renditions(
                "fill-1200x675", "fill-1200x900", "fill-1200x1200"
            ).values()
        ]
        schema["image"] = image_urls
    if identity:
        publisher = {
            "@type": "NewsMediaOrganization",
            "name": identity.name,
            "url": canonical_root(request) + "/",
        }
        if identity.publisher_logo:
            logo = identity.publisher_logo.get_rendition("max-600x60")
            publisher["logo"] = {
                "@type": "ImageObject",
                "url": canonical_url(request, logo.url),
                "width": logo.width,
                "height": logo.height,
            }
        schema["publisher"] = publisher
    return schema


def free_child_slug(*, parent: Page, slug: str, page: Page | None = None) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`… that no child of `parent` other than `page`
    holds (drafts count: Wagtail refuses a slug any sibling has), nor `parent` answers itself
    (a section's "feed", the front page's "tags": see route_slugs)."""
    siblings = parent.get_children()
    if page is not None and page.pk is not None:
        siblings = siblings.not_page(page)
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
    taken |= route_slugs_of(parent)
    candidate, suffix = slug, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{slug}-{suffix}"
    return candidate


def route_slugs_of(parent: Page) -> frozenset[str]:
    """The slugs no child of `parent` may have: the first parts of its own routes."""
    route_slugs = getattr(parent.specific_class, "route_slugs", None)
    return route_slugs() if route_slugs is not None else frozenset()


def slug_route_clash(
    *, parent: Page | None, slug: str, page: Page | None = None, message: str = SLUG_NAMES_A_ROUTE
) -> str:
    """Why `page` (None: a new page) may not have `slug` under `parent`, which answers that
    address itself (a section's "feed", the front page's "tags": see route_slugs), with a free
    slug to take instead, in the words of `message`; empty if it may."""
    if parent is None or not slug or slug not in route_slugs_of(parent):
        return ""
    return message.format(
        title=page.title if page is not None else "",
        slug=slug,
        parent=parent.specific_deferred.title,
        path=f"{parent.url or ''}{slug}/",
        suggestion=free_child_slug(parent=parent, slug=slug, page=page),
    )


def articles_without_author(pages: Iterable[Page]) -> list[Page]:
    """The articles among `pages` that ArticlePage.publish would refuse, in the order given: the
    latest revision, the one bulk publishing publishes, names no author in its byline (an
    article never saved as a revision, as an import may leave it: its byline as stored)."""
    articles = [page for page in pages if issubclass(page.specific_class, ArticlePage)]
    revisions = Revision.objects.in_bulk(
        [article.latest_revision_id for article in articles if article.latest_revision_id]
    )
    never_revised = [article.pk for article in articles if not article.latest_revision_id]
    bylined_never_revised = set(
        ArticlePageAuthor.objects.filter(page__in=never_revised).values_list("page_id", flat=True)
    )
    return [
        article
        for article in articles
        if not (
            revision_names_an_author(revisions[article.latest_revision_id])
            if article.latest_revision_id
            else article.pk in bylined_never_revised
        )
    ]


def draft_descendants(pages: Iterable[Page]) -> PageQuerySet:
    """The pages not live below any of `pages`, in tree order: what bulk publishing "with
    subpages" publishes. Not aliases: one goes live when the page it copies is published."""
    below = [Page.objects.descendant_of_q(page) for page in pages]
    if not below:
        return Page.objects.none()
    return (
        Page.objects.filter(functools.reduce(operator.or_, below))
        .not_live()
        .filter(alias_of__isnull=True)
    )
