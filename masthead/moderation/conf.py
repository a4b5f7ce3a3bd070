"""Moderation tunables that are deployment settings (editors' choices live in ModerationSettings)."""

from django.conf import settings

# A comment form sent sooner than this after the page was made is likely a bot's (seconds).
MIN_SECONDS_TO_SUBMIT = 3.0
# Recently published comments compared with a new one for near-duplicates (copy-paste spam).
RECENT_FINGERPRINTS = 500
RECENT_FINGERPRINT_DAYS = 3
# Moderator decisions whose fingerprints steer near-identical comments at once.
LABELLED_FINGERPRINTS = 2000
LABELLED_FINGERPRINT_DAYS = 90
# Retraining: the newest share of decisions kept aside to judge a new filter, and the least
# number of decisions worth training on.
HELD_OUT_SHARE = 0.2
MIN_HELD_OUT = 10
# The fewest decisions of each kind (approved, spam, abuse) among those kept aside: if the newest
# have fewer (a bulk action makes them all one kind), the newest older ones of that kind join them.
MIN_HELD_OUT_PER_KIND = 3
MIN_TRAINING_DECISIONS = 20
# After a retraining that learnt nothing (too few decisions, or too few of both kinds),
# the next automatic one waits for this many new decisions (or the site's threshold, if smaller).
RETRY_AFTER_SKIPPED = 10
# How strongly the starter model holds when the site's decisions disagree with it (a larger
# prior keeps the starter; the site's own decisions count SITE_WEIGHT times each).
ADAPT_PRIOR = 1.0
SITE_WEIGHT = 5.0
# Where retrained filters are kept.
FILTERS_DIR = "moderation/filters"
# The labelled public data sets, if this server has them: retraining then refits on them plus
# the site's decisions instead of adapting the starter model (MASTHEAD_MODERATION_DATA).
TRAINING_DATA_DIR = getattr(settings, "MASTHEAD_MODERATION_DATA", None)
# Process-local memory of which filter is current, re-read this often (seconds).
CURRENT_FILTER_RECHECK_SECONDS = 30
# How long a retraining holds its turn at most (a run that died keeps it until then).
RETRAINING_LOCK_SECONDS = 3600
