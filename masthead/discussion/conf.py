"""Discussion tunables that are deployment settings (site editors' choices live in DiscussionSettings)."""

from django.conf import settings

from masthead.config import Rate, parse_rate

# The longest comment accepted, in characters of Markdown.
COMMENT_MAX_LENGTH = getattr(settings, "MASTHEAD_COMMENT_MAX_LENGTH", 5000)
# The longest name shown with a comment.
COMMENT_NAME_MAX_LENGTH = 80
# A reader's comment rate, "N/s", "N/m", "N/h" or "N/d" (MASTHEAD_COMMENT_RATE_LIMIT in the environment).
COMMENT_RATE_LIMIT = getattr(settings, "MASTHEAD_COMMENT_RATE_LIMIT", "5/m")
# One network address may post this many times the reader limit (several readers share an office or
# a mobile network's address, but a spammer clearing cookies is still slowed down).
COMMENT_RATE_LIMIT_PER_ADDRESS_FACTOR = 3
# Votes (or changes of vote) one reader may make a minute: each recounts the comment and makes
# every cached page of its thread stale, so a script flipping one vote would re-render them all.
VOTES_PER_READER_PER_MINUTE = 30
# New guests' votes one network address may make a minute (a guest is made by their first
# vote), as a multiple of one reader's: a script that drops its cookie is a new reader at each
# vote, whom the reader's limit never slows down.
GUEST_VOTES_PER_ADDRESS_FACTOR = 3
# At most one notification e-mail per subscriber and article in this many minutes (a digest of the rest).
NOTIFICATION_DIGEST_MINUTES = getattr(settings, "MASTHEAD_NOTIFICATION_DIGEST_MINUTES", 10)
# How long a link to confirm a subscription stays valid.
SUBSCRIPTION_CONFIRM_DAYS = 7
# Confirmation e-mails go to addresses readers type in, so anyone could aim them at a stranger:
# asking again for the same thread within this many minutes sends nothing new, and one address
# gets at most this many confirmation e-mails a day.
SUBSCRIPTION_RESEND_MINUTES = 15
SUBSCRIPTION_CONFIRMATIONS_PER_DAY = 5
# ...and one network address may ask for this many an hour, whatever the addresses.
SUBSCRIPTION_CONFIRMATIONS_PER_NETWORK_PER_HOUR = 20
# Readers who keep a page open learn of new comments by polling this often (seconds), or by a
# server-sent event stream when REDIS_URL is set.
LIVE_POLL_SECONDS = getattr(settings, "MASTHEAD_LIVE_POLL_SECONDS", 20)
# How long an event stream stays open before the browser reconnects (seconds).
LIVE_STREAM_SECONDS = getattr(settings, "MASTHEAD_LIVE_STREAM_SECONDS", 300)
# Streams one network address may hold open at once, counted across web processes (each is an open
# socket and a little memory in a server): readers behind one address (an office, a campus, a
# mobile carrier) open one per article tab. Pages refused one (a 429) poll instead.
LIVE_STREAMS_PER_NETWORK = getattr(settings, "MASTHEAD_LIVE_STREAMS_PER_NETWORK", 20)
# Cookie names: the guest reader's signed identity and their chosen sort order.
READER_COOKIE = "masthead_reader"
SORT_COOKIE = "masthead_comment_sort"
# A guest's name, e-mail and website, kept only when they tick "Save my name..." on the form. Not
# a personal cookie of the page cache: the page's script fills the form from it (see
# readers.remember_commenter), so pages stay the same for every reader.
COMMENTER_COOKIE = "masthead_commenter"
# A form submitted faster than this after it was shown was not typed by a person.
MIN_SECONDS_TO_SUBMIT = 2
# The most featured comments ("Editors' picks") shown above a thread, the latest picks first;
# older picks keep their "Featured" badge in the thread.
FEATURED_COMMENTS_SHOWN = 10
# The most replies a page of the thread shows below one top-level comment, the earliest first;
# "Show more replies" leads to the whole thread ("view all"), which shows every one. The same
# bound holds below each comment of a passage's panel, and below each top-level comment of the
# API's listing (whose more_replies_url pages the rest like "view all").
REPLIES_SHOWN = 10
# The most comments a page of the whole thread ("view all") shows: whole conversations one after
# another in the reader's order, each with every reply, and a link to the next page. A conversation
# longer than that goes on over the next pages (its top-level comment repeated at their top).
VIEW_ALL_PAGE_COMMENTS = 200
# A reader paging through the most voted comments goes on in the order of the moment they opened
# the first page, for this long (hours): the changes votes make to scores are kept this long to
# rebuild that order, then deleted. A reader who pages on later sees the order of the moment.
MOST_VOTED_ORDER_KEPT_HOURS = 24
# The most comments on one passage its panel lists, the newest first (with their replies); the
# panel says when a passage has more, and links to the whole thread.
PASSAGE_PANEL_COMMENTS = 100

__all__ = ["Rate", "comment_rate", "parse_rate"]


def comment_rate() -> Rate:
    return parse_rate(getattr(settings, "MASTHEAD_COMMENT_RATE_LIMIT", COMMENT_RATE_LIMIT))
