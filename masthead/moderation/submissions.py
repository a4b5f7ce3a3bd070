"""What discussion hands to moderation, and what it gets back."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Submission:
    """A comment as submitted, before it is stored."""

    body: str
    author_name: str
    author_email: str
    author_url: str
    article_id: int
    reader_key: str
    ip_hash: str
    user_id: int | None = None
    parent_id: int | None = None
    parent_body: str = ""  # the text of the comment it replies to (the caller has it loaded)
    honeypot: str = ""
    seconds_to_submit: float | None = None
    # The page form's start token missing or not signed by this site (a script posting directly).
    form_token_forged: bool = False
    address_hash: str = ""  # the full address's hash, for address bans made before /64 hashes
    # An account whose address has not been confirmed yet (by the link sent at sign-up): anyone
    # can make one with any address, so it is moderated as a guest is.
    account_unconfirmed: bool = False

    @property
    def is_guest(self) -> bool:
        return self.user_id is None or self.account_unconfirmed


@dataclass(frozen=True)
class SubmissionContext:
    now: datetime
    source: str = "form"  # "form", "api", "edit"
    article: object | None = None  # the article page, for its site's settings and its own mode
    # The reader's and the address's comments within the rate window, when the caller has
    # counted them already (the comment rate limit does); otherwise moderation counts them.
    recent_by_reader: int | None = None
    recent_by_address: int | None = None


@dataclass(frozen=True)
class Verdict:
    action: str  # "publish", "hold" or "spam"
    scores: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)
    fingerprint: bytes = b""
    # What the filter itself decided, when the moderation mode changed it (pre-moderation holds
    # a comment the filter would publish); empty: the same as `action`.
    filter_action: str = ""
    # The ban that made the comment spam, if its author is banned.
    ban_id: int | None = None

    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"
