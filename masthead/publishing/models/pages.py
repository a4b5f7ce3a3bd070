import logging

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from masthead.discussion import conf as discussion_conf
from masthead.discussion.models import SortOrder
from masthead.discussion.panels import CommentSettingsOverrideNotice
from masthead.discussion.selectors import COMMENT_CURSOR, COMMENT_ID, VOTES_MARK
from masthead.publishing.author_chooser import author_chooser_viewset
from masthead.publishing.blocks import ArticleBodyBlock, HomePromoBlock
from masthead.publishing.forms import (
    ArticlePageForm,
    CopyFormClearOfParentRoutes,
    HomePageForm,
    PageFormClearOfParentRoutes,
    SectionPageForm,
)

IMAGE_MODEL = "publishing.CreditedImage"
logger = logging.getLogger(__name__)
# A listing's `?page=` as its links write it ("2", never "02"); a page past the end is a 404.
PAGE_NUMBER = r"[1-9][0-9]*"


class ScheduledPublishingMixin:
    """A scheduled revision that cannot be published is unscheduled and logged, not raised:
    Wagtail's publish_scheduled stops at the first exception, and every page due after it (an
    embargoed story) would stay unpublished, the run failing again each minute. Such a revision
    was valid when scheduled; a sibling may have taken its slug since, or a rule come in."""

    def publish_check(self, revision) -> None:
        """Raise ValidationError if `revision` may not go live (a page type's own rule)."""

    def publish(self, revision, *args, **kwargs):
        try:
            self.publish_check(revision)
            return super().publish(revision, *args, **kwargs)
        except ValidationError as refusal:
            if kwargs.get("log_action") != "wagtail.publish.scheduled":
                raise
            logger.error(
                "Scheduled revision not published, %s: %s", "; ".join(refusal.messages), revision
            )
            revision.approved_go_live_at = None
            revision.save(update_fields=["approved_go_live_at"])
            return None


class CachedPageMixin:
    """Serve readers without a personal view from the page cache (see page_cache)."""

    # A function of the page id whose value is part of the cache key (None: the page alone).
    page_cache_variant_source: str | None = None
    # Cookies that make the page differ from reader to reader (besides a session or sign-in).
    page_cache_personal_cookies: tuple[str, ...] = ()
    # A function (request, page id) -> bool: whether such a cookie gives this request a view of
    # its own of the page (None: it always does).
    page_cache_personal_view: str | None = None
    # Query parameters the page reads, each with a pattern of the values worth a cache entry.
    page_cache_query: dict[str, str] = {}
    # Cookies holding a reader's choice that the page follows (same form as page_cache_query).
    page_cache_cookies: dict[str, str] = {}
    # The page's routes that answer a feed, which reads none of the page's query parameters.
    feed_routes: tuple[str, ...] = ()
    # The variant source of those feeds when they show less than the page (None: the page's).
    feed_cache_variant_source: str | None = None

    def _answers_a_feed(self, request) -> bool:
        match = getattr(request, "routable_resolver_match", None)
        return match is not None and match.url_name in self.feed_routes

    def page_cache_query_values(self, request) -> dict[str, str]:
        """The query parameters this request's view reads: a feed reads none (storing them would
        keep a copy of the feed for every `?page=` number or comment order)."""
        return {} if self._answers_a_feed(request) else self.page_cache_query

    def serve(self, request, *args, **kwargs):
        from masthead.publishing.page_cache import serve_cached

        variant_source = self.page_cache_variant_source
        if self.feed_cache_variant_source and self._answers_a_feed(request):
            variant_source = self.feed_cache_variant_source
        return serve_cached(
            request,
            self,
            lambda: super(CachedPageMixin, self).serve(request, *args, **kwargs),
            variant_source=variant_source,
        )


class ArticleListingMixin:
    """A page that lists articles a page at a time (`?page=N`): a page number that names no
    page leads to the first page (see views.unreadable_page_redirect), before the cache is
    asked. Before CachedPageMixin among the bases."""

    page_cache_query = {"page": PAGE_NUMBER}

    def serve(self, request, *args, **kwargs):
        from masthead.publishing.views import unreadable_page_redirect

        if "page" in self.page_cache_query_values(request):  # not a section's feed
            first_page = unreadable_page_redirect(request)
            if first_page is not None:
                return first_page
        return super().serve(request, *args, **kwargs)


class RoutesBeforeChildrenMixin(RoutablePageMixin):
    """A page with routes of its own, which Wagtail tries before the page's children: a child
    whose slug is the first part of a route would be hidden behind it (see route_slugs)."""

    @classmethod
    def route_slugs(cls) -> frozenset[str]:
        """The first part of each address the page answers itself, which no child may take as
        its slug: a section's "feed" (feed/, feed/atom/), the front page's "tags" (tags/<tag>/,
        which would answer every address below a section slugged "tags")."""
        first_parts = (str(url.pattern).split("/", 1)[0] for url in cls.get_subpage_urls())
        return frozenset(part for part in first_parts if part and "<" not in part)


class SlugClearOfParentRoutesMixin:
    """A page whose slug may not be one of its parent's routes (RoutesBeforeChildrenMixin):
    refused however the page comes there, whether created, edited, copied (copy_form_class)
    or moved (see wagtail_hooks.refuse_a_move_behind_a_route) in the admin, or added by code."""

    copy_form_class = CopyFormClearOfParentRoutes

    def clean_fields(self, exclude=None):
        # A field check, so that Django skips it when the editor's form refused the slug already
        # (see PageFormClearOfParentRoutes): one message, not two.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "slug" not in (exclude or ()) and "slug" not in errors:
            clash = self._slug_route_clash()
            if clash:
                errors["slug"] = [clash]
        if errors:
            raise ValidationError(errors)

    def minimal_clean(self):
        # What Wagtail checks when it saves a draft (live=False), in place of full_clean.
        super().minimal_clean()
        clash = self._slug_route_clash()
        if clash:
            raise ValidationError({"slug": [clash]})

    def _slug_route_clash(self) -> str:
        if not self.path:
            return ""  # not in the tree yet: its form checks it, and saving it checks it again
        from masthead.publishing.selectors import slug_route_clash

        return slug_route_clash(parent=self.get_parent(update=True), slug=self.slug, page=self)


class HomePage(
    ScheduledPublishingMixin,
    ArticleListingMixin,
    CachedPageMixin,
    RoutesBeforeChildrenMixin,
    Page,
):
    """The front page: the lead story, the latest articles and each section's newest."""

    tagline = models.CharField(
        max_length=255,
        blank=True,
        help_text=_(
            "The front page's description in link previews; empty: the site's tagline "
            "(Settings → Site identity)."
        ),
    )
    lead_article = models.ForeignKey(
        "publishing.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to lead with the newest article."),
    )
    promos = StreamField(
        HomePromoBlock(),
        blank=True,
        use_json_field=True,
        help_text=_("Blocks shown under the lead story, e.g. the funding goal bar."),
    )

    base_form_class = HomePageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        PageChooserPanel("lead_article", "publishing.ArticlePage"),
        FieldPanel("promos"),
    ]
    subpage_types = [
        "publishing.SectionPage",
        "publishing.AuthorIndexPage",
        "publishing.InfoPage",
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    feed_routes = ("tag_feed", "tag_feed_atom")

    @classmethod
    def route_slugs(cls) -> frozenset[str]:
        """Its own ("tags"), and the first part of each of the site's own addresses ("feed",
        "donate", "search", "accounts", "admin", "media"…: see site_route_slugs), which Django
        answers before Wagtail looks for a page below the front page. Every front page's, not
        only a site's root's: there is one (max_count), the root of the site or about to be,
        and a class's rule holds where no page is at hand (the WordPress import's sections)."""
        from masthead.publishing.site_routes import site_route_slugs  # it reads the URLconf

        return super().route_slugs() | site_route_slugs()

    def get_context(self, request, *args, **kwargs):
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        route = getattr(request, "routable_resolver_match", None)
        if route is None or route.url_name == "front":
            # Not for a tag page, which lists its own articles in place of these.
            context.update(selectors.front_page(home=self, page_number=request.GET.get("page")))
        return context

    @path("")
    def front(self, request):
        if "p" in request.GET or "page_id" in request.GET:
            # A post's or a page's address on a WordPress site moved in (/?p=123, its shortlink;
            # /?page_id=7): the front page answers it, so Wagtail's redirects, which act on "not
            # found", never do.
            from masthead.publishing import selectors

            target = selectors.redirect_link(request.get_full_path())
            if target:
                return HttpResponsePermanentRedirect(target)
        return self.render(request)

    # Not <slug:>: taggit keeps letters such as é or 日本 in a tag's slug, which that refuses.
    @path("tags/<str:tag_slug>/")
    def tag(self, request, tag_slug):
        from masthead.publishing import selectors

        tag = tag_or_404(tag_slug)
        return self.render(
            request,
            template="publishing/tag_page.html",
            context_overrides={
                "tag": tag,
                **selectors.article_listing(
                    selectors.tag_articles(home=self, tag=tag),
                    page_number=request.GET.get("page"),
                ),
            },
        )

    @path("tags/<str:tag_slug>/feed/")
    def tag_feed(self, request, tag_slug):
        from masthead.publishing.feeds import TagFeed

        return TagFeed()(request, home=self, tag=tag_or_404(tag_slug))

    @path("tags/<str:tag_slug>/feed/atom/")
    def tag_feed_atom(self, request, tag_slug):
        from masthead.publishing.feeds import AtomTagFeed

        return AtomTagFeed()(request, home=self, tag=tag_or_404(tag_slug))


def tag_or_404(slug: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404(f"No tag {slug!r}")
    return tag


class SectionPage(
    ScheduledPublishingMixin,
    SlugClearOfParentRoutesMixin,
    ArticleListingMixin,
    CachedPageMixin,
    RoutesBeforeChildrenMixin,
    Page,
):
    """A desk of the newsroom (World, Business…): its articles live below it."""

    base_form_class = SectionPageForm

    description = models.TextField(
        blank=True, help_text=_("One or two sentences shown under the section name.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        # The label names one entry: "Pinned article 1", "Add Pinned article".
        InlinePanel(
            "pinned_articles",
            label=_("Pinned article"),
            heading=_("Pinned articles"),
            help_text=_(
                "Shown first on this section's page and in its part of the front page, in this "
                "order, while they are live; the others follow, newest first. Publish the "
                "section to pin or unpin. Articles keep their dates."
            ),
        ),
    ]
    parent_page_types = ["publishing.HomePage"]
    subpage_types = ["publishing.ArticlePage"]
    # A copy pins its own articles only: the original's pins name the original's articles, which
    # are not the copy's children (a copy with its children re-pins their copies: see
    # services.section_copy_pins).
    exclude_fields_in_copy = ["pinned_articles"]

    search_fields = [*Page.search_fields, index.SearchField("description")]
    feed_routes = ("feed", "feed_atom")

    def with_content_json(self, content):
        # A revision keeps the pins chosen when it was saved: see drop_pins_of_other_sections.
        section = super().with_content_json(content)
        section.drop_pins_of_other_sections()
        return section

    def drop_pins_of_other_sections(self) -> None:
        """Forget (in memory, until the section is saved) the pins of articles that are no longer
        this section's own. A story moved to another section since it was pinned would show in
        the section's editor and be refused when the editor publishes (see SectionPageForm), or
        come back when an old revision is published again; the listing ignores it already."""
        own = set(ArticlePage.objects.child_of(self).values_list("pk", flat=True))
        pins = list(self.pinned_articles.all())
        if any(pin.article_id not in own for pin in pins):
            self.pinned_articles = [pin for pin in pins if pin.article_id in own]

    def get_context(self, request, *args, **kwargs):
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.article_listing(
                selectors.section_articles(self), page_number=request.GET.get("page")
            )
        )
        return context

    @path("")
    def listing(self, request):
        return self.render(request)

    @path("feed/")
    def feed(self, request):
        from masthead.publishing.feeds import SectionFeed

        return SectionFeed()(request, section=self)

    @path("feed/atom/")
    def feed_atom(self, request):
        from masthead.publishing.feeds import AtomSectionFeed

        return AtomSectionFeed()(request, section=self)


class AuthorIndexPage(
    ScheduledPublishingMixin, SlugClearOfParentRoutesMixin, CachedPageMixin, Page
):
    """The list of everyone who writes for the site."""

    base_form_class = PageFormClearOfParentRoutes

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publishing.HomePage"]
    subpage_types = ["publishing.AuthorPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context["authors"] = (
            selectors.public_pages(AuthorPage.objects.child_of(self).live())
            .select_related("photo")
            .order_by("title")
        )
        return context


class AuthorPage(
    ScheduledPublishingMixin, ArticleListingMixin, CachedPageMixin, RoutablePageMixin, Page
):
    """A writer or photographer: name (the page title), role, biography and photo."""

    role = models.CharField(
        max_length=120, blank=True, help_text=_("E.g. “Environment correspondent”.")
    )
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    photo = models.ForeignKey(
        IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]
    parent_page_types = ["publishing.AuthorIndexPage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("bio")]
    feed_routes = ("feed", "feed_atom")

    @property
    def name(self) -> str:
        return self.title

    def get_context(self, request, *args, **kwargs):
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.article_listing(
                selectors.author_articles(self), page_number=request.GET.get("page")
            )
        )
        return context

    @path("feed/")
    def feed(self, request):
        from masthead.publishing.feeds import AuthorFeed

        return AuthorFeed()(request, author=self)

    @path("feed/atom/")
    def feed_atom(self, request):
        from masthead.publishing.feeds import AtomAuthorFeed

        return AtomAuthorFeed()(request, author=self)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "publishing.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class BylineMissing(ValidationError):
    """An article's revision names no author, so it may not go live."""

    def __init__(self, revision):
        self.page_id = revision.object_id
        headline = revision.content.get("title") or revision.object_str
        super().__init__(
            f"“{headline}” was not published: add an author to its byline, then publish it."
        )


class ArticlePage(
    ScheduledPublishingMixin,
    SlugClearOfParentRoutesMixin,
    CachedPageMixin,
    RoutablePageMixin,
    Page,
):
    """A news article. Its section is its parent page; its publish date is `first_published_at`."""

    base_form_class = ArticlePageForm

    standfirst = models.TextField(
        max_length=600,
        help_text=_("The summary under the headline; also the description in feeds and search."),
    )
    featured_image = models.ForeignKey(
        IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    featured_image_caption = models.CharField(
        max_length=500, blank=True, help_text=_("Leave empty to use the image's default caption.")
    )
    body = StreamField(ArticleBodyBlock(), use_json_field=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    # The values are moderation's modes; empty follows the site's setting.
    comment_moderation = models.CharField(
        _("comment moderation"),
        max_length=12,
        blank=True,
        choices=[
            ("", _("As the site's moderation setting says")),
            ("post", _("Publish unless the filter holds a comment")),
            ("pre_all", _("Hold every comment for review")),
            ("pre_guests", _("Hold comments by guests")),
            ("pre_first", _("Hold a reader's first comment")),
        ],
        help_text=_("E.g. hold every comment under a story likely to draw abuse."),
    )
    comments_open = models.BooleanField(
        default=True,
        help_text=_("Readers may comment (the site may also close threads after some days)."),
    )

    content_panels = [
        TitleFieldPanel(
            "title",
            heading=_("Headline"),
            placeholder=_("Headline*"),
            help_text=_("The headline readers see; it also names the page's address."),
        ),
        FieldPanel("standfirst"),
        # The label names one entry: "Author 1", "Author 2", "Add Author".
        InlinePanel("article_authors", label=_("Author"), heading=_("Byline"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("featured_image"), FieldPanel("featured_image_caption")],
            heading=_("Featured image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    settings_panels = [
        FieldPanel(
            "first_published_at",
            heading=_("Publish date"),
            help_text=_("Shown to readers. Leave empty to use the moment the article goes live."),
        ),
        MultiFieldPanel(
            [
                CommentSettingsOverrideNotice(),
                FieldPanel("comments_open"),
                FieldPanel("comment_moderation"),
            ],
            heading=_("Comments"),
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["publishing.SectionPage"]
    subpage_types = []
    # The comment section is part of the page: a new comment or vote makes a new page.
    page_cache_variant_source = "masthead.discussion.selectors.thread_version"
    # A guest who took part in the discussion sees their own comments awaiting moderation, their
    # votes and reports; any other guest sees the page as anonymous readers do.
    page_cache_personal_cookies = (discussion_conf.READER_COOKIE,)
    page_cache_personal_view = "masthead.discussion.selectors.has_own_view"
    # The comment section's links without JavaScript: sort, "view all", "Reply" and "load more"
    # (a thread position: the last top-level comment shown, and the newest when the reader came;
    # on a page of the whole thread, the reply a long conversation goes on after; most voted
    # first, the moment of the scores whose order the next pages keep).
    # The section stores a reply target or position only if it names this thread's comments.
    page_cache_query = {
        "comments_sort": "|".join(SortOrder.values),
        "comments": "all",
        "reply_to": COMMENT_ID,
        "comments_after": COMMENT_CURSOR,
        "comments_snapshot": COMMENT_ID,
        "comments_replies_after": COMMENT_CURSOR,
        "comments_votes_at": VOTES_MARK,
    }
    # The comment order a reader chose last time.
    page_cache_cookies = {discussion_conf.SORT_COOKIE: "|".join(SortOrder.values)}
    # Its comments feed is cached like its thread: a new, approved or removed comment makes a
    # new one; a vote does not, as the feed shows no scores.
    feed_routes = ("comments_feed",)
    feed_cache_variant_source = "masthead.discussion.selectors.thread_feed_version"

    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        # The admin's page search looks in autocomplete fields only (the title, by default):
        # editors find a story by a word of its standfirst or by its writer, as in WordPress.
        index.AutocompleteField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        # The byline: readers search for a writer by name. Renaming an author re-indexes their
        # articles (see publishing.search_index).
        index.RelatedFields(
            "article_authors",
            [
                index.RelatedFields(
                    "author", [index.SearchField("title"), index.AutocompleteField("title")]
                )
            ],
        ),
        index.FilterField("first_published_at"),
    ]

    class Meta:
        verbose_name = _("article")

    def publish_check(self, revision) -> None:
        """Refuse a revision whose byline names no author (BylineMissing, nothing changed). The
        editor's form requires one to publish, but a draft may leave it empty (autosave), and
        bulk publishing, approving a workflow and code publish a revision without the form (one
        scheduled before bylines were checked is unscheduled: ScheduledPublishingMixin)."""
        if not revision_names_an_author(revision):
            raise BylineMissing(revision)

    # As WordPress had a post's comments feed: a site moved in keeps its readers' subscriptions.
    @path("feed/")
    def comments_feed(self, request):
        from masthead.discussion import selectors as discussion_selectors
        from masthead.discussion.feeds import ArticleCommentsFeed

        # Not for an article behind a password or sign-in, even to a reader who passed it: feed
        # readers show its comments to everyone.
        if not discussion_selectors.is_open_article(self.pk):
            raise Http404("No comments feed for this article.")
        return ArticleCommentsFeed()(request, article=self)

    @property
    def headline(self) -> str:
        return self.title

    @property
    def published(self):
        return self.first_published_at or self.go_live_at or self.latest_revision_created_at

    @property
    def is_pinned(self) -> bool:
        """Pinned to the top of the listing it was read for (a section's own, with its pins)."""
        return getattr(self, "pinned_position", None) is not None

    @cached_property
    def section(self):
        return self.get_parent().specific

    @cached_property
    def tag_list(self) -> list:
        """The article's tags, read once for its page's meta tags, tag links and JSON-LD (a
        preview's are the editor's, not yet saved)."""
        return list(self.tags.all())

    @cached_property
    def authors(self) -> list["AuthorPage"]:
        credits = self.article_authors.all()
        if "article_authors" not in getattr(self, "_prefetched_objects_cache", {}):
            credits = credits.select_related("author")  # listings prefetch them already
        return [credit.author for credit in credits]

    @cached_property
    def linkable_author_ids(self) -> set[int]:
        """Those of its authors whose page readers can open, read once for its byline and its
        NewsArticle data (see selectors.public_author_ids)."""
        from masthead.publishing.selectors import public_author_ids

        return public_author_ids(self.authors)

    @property
    def caption(self) -> str:
        if self.featured_image is None:
            return ""
        return self.featured_image_caption or self.featured_image.caption


class SectionPinnedArticle(Orderable):
    """An article pinned to the top of its section, in the order editors set. A row of the section
    page (an inline of its editor), not a field of the article: pinning is the section editor's
    choice of what leads the section, and neither makes a new revision of the article nor touches
    its dates."""

    page = ParentalKey(SectionPage, on_delete=models.CASCADE, related_name="pinned_articles")
    article = models.ForeignKey(
        ArticlePage,
        on_delete=models.CASCADE,
        related_name="section_pins",
        verbose_name=_("article"),
    )

    panels = [PageChooserPanel("article", "publishing.ArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("pinned article")


def revision_names_an_author(revision) -> bool:
    return any(entry.get("author") for entry in revision.content.get("article_authors", []))


class ArticlePageAuthor(Orderable):
    """One name in an article's byline, in the order editors set."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(AuthorPage, on_delete=models.CASCADE, related_name="article_credits")

    # Wagtail's page chooser cannot add an author; this one can (see publishing.author_chooser).
    panels = [FieldPanel("author", widget=author_chooser_viewset.widget_class)]
