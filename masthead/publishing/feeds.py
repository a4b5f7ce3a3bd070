"""RSS 2.0 and Atom feeds for the whole site, for each section, tag and author."""

import logging
import mimetypes
import uuid
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from wagtail.models import Site

from masthead.links import canonical_root
from masthead.publishing import selectors
from masthead.publishing.models import SiteIdentity
from masthead.templatetags.masthead_tags import xml_text

FEED_LENGTH = 30
# The featured image's size that feed readers get: the link previews' one, made ahead by the
# worker (publishing.renditions).
FEED_IMAGE = "fill-1200x630"

logger = logging.getLogger(__name__)


def article_guid(article) -> str:
    """The article's lasting name in feeds (RSS guid, Atom id), which feed readers remember to
    tell new articles from seen ones. Not its address: a move to a new domain, to https or a new
    slug would show every article as new again. Not its publish date either: editors may correct
    that. Its page id, unique on this site, and its page's random key (Wagtail's translation key,
    set when the page is made and never changed), so that no other site's article shares it."""
    return uuid.uuid5(article.translation_key, f"article:{article.pk}").urn


def feed_view(feed_class: type[Feed]):
    """A view answering each request with a feed of its own. A Feed keeps the request it answers
    (its site, its address) on itself: one instance shared by the URL patterns would answer
    concurrent requests of a threaded server with each other's."""

    def view(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    return view


class SiteFeed(Feed):
    """The newest articles of the whole site, newest first. Make one per request (see feed_view)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.site = Site.find_for_request(request)
        self.identity = SiteIdentity.for_site(self.site) if self.site else None
        return kwargs.get("section")

    def title(self, section=None):
        name = self.identity.name if self.identity else "Masthead"
        return xml_text(f"{section.title} – {name}" if section else name)

    # Every address in a feed is on the site's own host (links.canonical_root), as the sitemaps
    # and the pages' canonical links name them, whichever host the feed was fetched from.
    def link(self, section=None):
        return section.get_full_url(self.request) if section else canonical_root(self.request) + "/"

    def feed_url(self, section=None):
        return canonical_root(self.request) + self.request.path

    def description(self, section=None):
        if section and section.description:
            return xml_text(section.description)
        return xml_text(self.identity.tagline if self.identity else "")

    def items(self, section=None):
        root = section or (self.site.root_page if self.site else None)
        return selectors.feed_articles(selectors.live_articles(root), limit=FEED_LENGTH)

    def item_title(self, article):
        return xml_text(article.title)

    def item_description(self, article):
        # Feed readers take RSS descriptions and Atom html summaries as HTML; a standfirst is text.
        return escape(xml_text(article.standfirst))

    def item_link(self, article):
        return article.get_full_url(self.request)

    def item_guid(self, article):
        return article_guid(article)

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published

    def item_updateddate(self, article):
        return article.last_published_at

    def item_author_name(self, article):
        return xml_text(", ".join(author.name for author in article.authors))

    def item_enclosures(self, article):
        """The featured image, which feed readers show beside the headline (RSS <enclosure>,
        Atom rel="enclosure"); none if its file cannot be read."""
        if article.featured_image is None:
            return []
        rendition = article.featured_image.get_rendition(FEED_IMAGE)
        try:
            length = rendition.file.size
        except OSError:
            logger.warning("Feed image of article %s cannot be read", article.pk, exc_info=True)
            return []
        mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        url = urljoin(canonical_root(self.request) + "/", rendition.url)
        return [Enclosure(url, str(length), mime_type)]

    def item_categories(self, article):
        return [xml_text(tag.name) for tag in article.tags.all()]


class PerPersonAtom1Feed(Atom1Feed):
    """Atom with one <author> per person (RFC 4287: an atom:author is a Person construct, one
    name each), from the item's "authors" [(name, uri or None)]. Django's writes the one
    author_name it is given: the byline's names joined into a single "Ada, Bo" person."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for name, uri in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if uri:
                handler.addQuickElement("uri", uri)
            handler.endElement("author")


class AtomFeedMixin:
    """The Atom variant of an article feed: its description as the subtitle, and each author as a
    person of their own, with their page where readers can reach it."""

    feed_type = PerPersonAtom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)

    def items(self, obj=None):
        articles = list(super().items(obj))
        # Only pages readers can open are linked: not a draft's, nor one behind a password or
        # sign-in (feed readers show the link to everyone).
        self.linkable_author_ids = selectors.public_author_ids(
            author for article in articles for author in article.authors
        )
        return articles

    def item_extra_kwargs(self, article):
        return {
            "authors": [
                (
                    xml_text(author.name),
                    author.get_full_url(self.request)
                    if author.pk in self.linkable_author_ids
                    else None,
                )
                for author in article.authors
            ]
        }


class AtomSiteFeed(AtomFeedMixin, SiteFeed):
    pass


class SectionFeed(SiteFeed):
    """A section's own feed, at /<section>/feed/ (called from SectionPage's route)."""


class AtomSectionFeed(AtomFeedMixin, SectionFeed):
    pass


class TagFeed(SiteFeed):
    """The articles with one tag, at /tags/<tag>/feed/ (called from HomePage's route)."""

    def get_object(self, request, *args, **kwargs):
        super().get_object(request)
        self.home = kwargs["home"]
        return kwargs["tag"]

    def title(self, tag):
        return xml_text(f"{tag.name} – {super().title()}")

    def link(self, tag):
        tag_page = self.home.reverse_subpage("tag", kwargs={"tag_slug": tag.slug})
        return self.home.get_full_url(self.request) + tag_page

    def description(self, tag):
        return xml_text(f"Articles tagged “{tag.name}”.")

    def items(self, tag):
        return selectors.feed_articles(
            selectors.tag_articles(home=self.home, tag=tag), limit=FEED_LENGTH
        )


class AtomTagFeed(AtomFeedMixin, TagFeed):
    pass


class AuthorFeed(SiteFeed):
    """One author's articles, at /<authors>/<author>/feed/ (called from AuthorPage's route)."""

    def get_object(self, request, *args, **kwargs):
        super().get_object(request)
        return kwargs["author"]

    def title(self, author):
        return xml_text(f"{author.name} – {super().title()}")

    def link(self, author):
        return author.get_full_url(self.request)

    def description(self, author):
        return xml_text(f"Articles by {author.name}.")

    def items(self, author):
        return selectors.feed_articles(selectors.author_articles(author), limit=FEED_LENGTH)


class AtomAuthorFeed(AtomFeedMixin, AuthorFeed):
    pass
