"""Reads for the goal bar, the donate page, donors, the API and the reports. No side effects.

Months are calendar months in the site's time zone (settings.TIME_ZONE): a payment at 23:30 UTC
on 31 October is in November for a site in Europe. `now` is always an argument.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from django.core.cache import cache
from django.core.validators import slug_re
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone, translation
from wagtail.models import Site

from masthead.funding import conf
from masthead.funding.models import Campaign, Donation, Donor, FundingSettings, LedgerEntry
from masthead.funding.money import DEFAULT_STYLE, Money, format_money, to_major, to_minor
from masthead.publishing.page_cache import content_version

# Stripe's Checkout Session ids: "cs_test_…" or "cs_live_…", letters, digits and underscores.
CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,252}")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in the site's time zone."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> "Month":
        local = timezone.localtime(moment, timezone.get_default_timezone())
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, key: str) -> "Month":
        year, month = key.split("-")
        return cls(int(year), int(month))

    @classmethod
    def from_text(cls, text: str) -> "Month | None":
        """A month typed in an address ("2026-11"), or None for anything else."""
        if not re.fullmatch(r"\d{4}-\d{2}", text or ""):
            return None
        month = cls.parse(text)
        return month if 1 <= month.month <= 12 and month.year >= 1 else None

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=timezone.get_default_timezone())

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)


@dataclass(frozen=True)
class MonthProgress:
    """What a campaign raised in one month (net of refunds), in minor units of its currency."""

    slug: str
    name: str
    currency: str
    period: str
    goal_minor: int
    raised_minor: int
    marks_minor: tuple[int, ...]
    # Net sums of the month in other currencies than the campaign's, which the bar leaves out.
    other_currencies: tuple[Money, ...] = ()

    @property
    def percent(self) -> float:
        """How full the bar is, 0–100 (a month with more refunds than gifts shows empty)."""
        if self.goal_minor <= 0:
            return 0.0
        return max(0.0, min(100.0, 100 * self.raised_minor / self.goal_minor))


@dataclass(frozen=True)
class Mark:
    amount_minor: int
    label: str
    position: float  # percent of the bar's width
    # Where its label fits beside its neighbours': "" everywhere, "wide" only on wide screens
    # (the tick is drawn everywhere); "none": too close to another label for any screen.
    shown: str = ""


# Bars are at least this wide (px) on phones (320 px) and from 900 px screens on (the donate
# page's column); labels are .78rem of tabular digits, about 7 px a character, 8 px apart.
NARROW_BAR_PX = 280
WIDE_BAR_PX = 440
LABEL_CHAR_PX = 7.2
LABEL_GAP_PX = 8


def _labels_that_fit(
    marks: list[tuple[str, float]], bar_px: int, among: set[int] | None = None
) -> set[int]:
    """The indexes of the marks (of those `among`, if given) whose labels fit on a bar `bar_px`
    wide without touching, from the left: the first label starts at the bar's start, the last
    ends at its end, and both are always kept; every other is centred on its tick."""
    if not marks:
        return set()

    def width(label: str) -> float:
        return 100 * (len(label) * LABEL_CHAR_PX + LABEL_GAP_PX) / bar_px

    last = len(marks) - 1
    last_starts = 100 - width(marks[last][0])
    kept, right_edge = {0, last}, width(marks[0][0])
    for index in range(1, last):
        if among is not None and index not in among:
            continue
        label, position = marks[index]
        half = width(label) / 2
        if position - half >= right_edge and position + half <= last_starts:
            kept.add(index)
            right_edge = position + half
    return kept


@dataclass(frozen=True)
class GoalBar:
    """The goal bar as a reader sees it: every number already formatted for the locale."""

    progress: MonthProgress
    month_label: str
    raised_label: str
    goal_label: str
    marks: tuple[Mark, ...] = field(default_factory=tuple)
    # The month's money in other currencies, which the bar leaves out: for the editor's eyes.
    other_currency_labels: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        return self.progress.percent

    @property
    def aria_valuemax(self) -> str:
        """The goal in major units, as aria-valuemax (numbers unlocalised, as ARIA wants)."""
        return _plain(self.progress.goal_minor, self.progress.currency)

    @property
    def aria_valuenow(self) -> str:
        raised = max(0, min(self.progress.raised_minor, self.progress.goal_minor))
        return _plain(raised, self.progress.currency)

    @property
    def width(self) -> str:
        return f"{self.percent:.2f}%"

    @property
    def text(self) -> str:
        return f"{self.raised_label} raised of the {self.goal_label} goal for {self.month_label}"


def _plain(amount_minor: int, currency: str) -> str:
    return f"{to_major(amount_minor, currency).normalize():f}"


def cache_generation() -> str:
    """A token that changes whenever money or campaign settings change; part of every cache key.

    It is the site's content version, kept in the database, so that a donation confirmed in one
    process (or the task worker) is seen by every web process, whatever the cache backend.
    """
    return str(content_version())


def funding_settings(site: Site | None) -> FundingSettings | None:
    if site is None:
        return None
    return FundingSettings.for_site(site)


def money_style_for_request(request) -> str:
    """How amounts read on the site serving this request; the admin shows them the same way.

    The settings are cached on the request, so a listing asks once, not once per row."""
    if request is None or Site.find_for_request(request) is None:
        return DEFAULT_STYLE
    return FundingSettings.for_request(request).money_style


def default_money_style() -> str:
    """How amounts read on the default site, for text written with no request (a task, a shell).

    Cached under the cache generation, which a change of the funding settings moves on."""
    key = f"funding:default-money-style:{cache_generation()}"
    style = cache.get(key)
    if style is None:
        settings = funding_settings(Site.objects.filter(is_default_site=True).first())
        style = settings.money_style if settings else DEFAULT_STYLE
        cache.set(key, style, conf.BAR_CACHE_SECONDS)
    return style


# Set for the length of a request by funding.middleware.MoneyStyleMiddleware.
_request_money_style: ContextVar[Callable[[], str] | None] = ContextVar(
    "funding_request_money_style", default=None
)


@contextmanager
def money_style_of(request) -> Iterator[None]:
    """Within the block, current_money_style() answers for the site serving `request`."""
    token = _request_money_style.set(partial(money_style_for_request, request))
    try:
        yield
    finally:
        _request_money_style.reset(token)


def current_money_style() -> str:
    """The money style for text built where no request is at hand (a donation's str): that of
    the site serving the current request, else the default site's.

    Within a request it costs no query after the request's first look at the funding settings
    (cached on the request), so an admin listing may call it once per row."""
    style_of_request = _request_money_style.get()
    return style_of_request() if style_of_request is not None else default_money_style()


def campaign_at(*, site: Site | None, now: datetime) -> Campaign | None:
    """The campaign the site collects for at `now`: the next campaign from midnight (site's time
    zone) on the first day of its month, else the current one; None without an active one.

    Every reader-facing page, the API, the dashboard and the admin's defaults choose it here (or
    through FundingSettings.campaign_at, which holds the rule, when they have the settings)."""
    settings = funding_settings(site)
    return settings.campaign_at(now) if settings else None


def campaign_paid_towards(*, given_to: Campaign, currency: str, paid_at: datetime) -> Campaign:
    """The campaign a monthly gift's renewal counts towards: the one the site collected for at
    the moment it was paid (campaign_at(paid_at), so the scheduled switch counts from midnight
    on the first of its month), whose bar holds that month's money; the gift's own campaign when
    the site collected for none then, or for one in another currency (whose bar would leave the
    payment out).

    The site is the one whose settings name `given_to` as current or next campaign (the default
    site first), else the default site. The settings are read as they stand now: an invoice paid
    before an editor picked another campaign and delivered after it counts for the new one."""
    naming = FundingSettings.objects.filter(
        Q(current_campaign=given_to) | Q(next_campaign=given_to)
    ).select_related("current_campaign", "next_campaign")
    settings = naming.order_by("-site__is_default_site", "pk").first() or funding_settings(
        Site.objects.filter(is_default_site=True).first()
    )
    running = settings.campaign_at(paid_at) if settings else None
    if running is None or running.currency != currency:
        return given_to
    return running


def campaign_scheduled_as_next(campaign: Campaign) -> FundingSettings | None:
    """The settings (of the default site first) that name `campaign` as the next campaign, to
    take over, or that already took over, on the first of its month; None if none do."""
    return (
        FundingSettings.objects.filter(next_campaign=campaign, next_campaign_starts__isnull=False)
        .order_by("-site__is_default_site", "pk")
        .first()
    )


def campaign_by_slug(slug: str) -> Campaign | None:
    """The campaign with this slug; None for anything that is not a slug (PostgreSQL refuses a
    query with a NUL character in it)."""
    return Campaign.objects.filter(slug=slug).first() if slug_re.match(slug) else None


def campaign_has_records(campaign: Campaign) -> bool:
    """Whether donations or ledger rows point at the campaign: the ledger is the record of money,
    so such a campaign is never deleted (an editor makes it inactive instead)."""
    return (
        Donation.objects.filter(campaign=campaign).exists()
        or LedgerEntry.objects.filter(campaign=campaign).exists()
    )


def campaign_ids_with_records() -> set[int]:
    """The ids of every campaign that campaign_has_records, in one query (for a listing)."""
    donations = Donation.objects.filter(campaign=OuterRef("pk"))
    ledger = LedgerEntry.objects.filter(campaign=OuterRef("pk"))
    with_records = Campaign.objects.filter(Exists(donations) | Exists(ledger))
    return set(with_records.values_list("pk", flat=True))


def campaign_currencies_taken(campaign: Campaign) -> set[str]:
    """The currencies of the money a campaign has taken: of its ledger rows, and of its
    donations that count or counted (a pending, abandoned or failed checkout took nothing)."""
    ledger = LedgerEntry.objects.filter(campaign=campaign).values_list("currency").order_by()
    donations = (
        Donation.objects.filter(campaign=campaign)
        .exclude(
            status__in=[Donation.Status.PENDING, Donation.Status.EXPIRED, Donation.Status.FAILED]
        )
        .values_list("currency")
        .order_by()
    )
    return {currency for (currency,) in ledger.union(donations)}


def donation_for_checkout_session(session_id: str) -> Donation | None:
    """The donation started with this Stripe Checkout Session (`cs_…`, as Stripe's return
    address carries it), with its campaign; None for anything else."""
    if not CHECKOUT_SESSION_ID.fullmatch(session_id):
        return None
    return (
        Donation.objects.select_related("campaign")
        .filter(stripe_checkout_session_id=session_id)
        .first()
    )


def payment_returned_minor(payment: LedgerEntry) -> int:
    """How much of a payment went back to the reader: its refunds and chargebacks, less what a
    won dispute brought back; from 0 to the payment's amount, in its minor units."""
    moved = payment.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0
    return min(max(-moved, 0), payment.amount_minor)


@dataclass(frozen=True)
class CheckoutReturn:
    """What the thank-you page may truthfully tell a reader back from Stripe Checkout. Only the
    webhook learns from Stripe whether they paid: until it has, the payment is pending."""

    UNKNOWN = "unknown"  # no donation started with this session: no promise of a receipt
    PENDING = "pending"  # not confirmed by the webhook yet: the receipt follows once it is
    CONFIRMED = "confirmed"  # counted: the receipt is sent (to the donor, if Stripe gave one)
    NOT_PAID = "not_paid"  # the payment failed or the checkout ended unpaid: nothing charged
    RETURNED = "returned"  # refunded or charged back in full: no receipt

    state: str
    donation: Donation | None = None


# A donation without a payment in the ledger whose webhook may still come.
AWAITING_PAYMENT = (Donation.Status.PENDING, Donation.Status.COMPLETED, Donation.Status.ACTIVE)


def checkout_return(session_id: str) -> CheckoutReturn:
    """Where the donation started with this Checkout Session stands, from the database alone
    (no call to Stripe); UNKNOWN for an id that is not one of ours. The first payment decides:
    a monthly gift's later months do not change what its checkout did."""
    donation = donation_for_checkout_session(session_id)
    if donation is None:
        return CheckoutReturn(CheckoutReturn.UNKNOWN)
    payment = (
        donation.ledger.filter(kind=LedgerEntry.Kind.PAYMENT).order_by("occurred_at", "pk").first()
    )
    if payment is None:
        waiting = donation.status in AWAITING_PAYMENT
        return CheckoutReturn(
            CheckoutReturn.PENDING if waiting else CheckoutReturn.NOT_PAID, donation
        )
    if payment_returned_minor(payment) >= payment.amount_minor:
        return CheckoutReturn(CheckoutReturn.RETURNED, donation)
    return CheckoutReturn(CheckoutReturn.CONFIRMED, donation)


def campaign_month_progress(*, campaign: Campaign, now: datetime) -> MonthProgress:
    """The campaign's net total for the month containing `now`, straight from the ledger, in
    its currency; what it took in others (gifts started before its currency changed, monthly
    gifts begun in the old one) is kept apart, per currency, never added to it."""
    month = Month.of(now)
    totals = (
        LedgerEntry.objects.filter(
            campaign=campaign, occurred_at__gte=month.start, occurred_at__lt=month.end
        )
        .values("currency")
        .annotate(net=Sum("amount_minor"))
        .order_by("currency")
    )
    by_currency = {row["currency"]: row["net"] or 0 for row in totals}
    raised = by_currency.pop(campaign.currency, 0)
    return MonthProgress(
        slug=campaign.slug,
        name=campaign.name,
        currency=campaign.currency,
        period=month.key,
        goal_minor=campaign.goal_minor,
        raised_minor=raised,
        marks_minor=tuple(campaign.marks),
        other_currencies=tuple(
            Money(net, currency) for currency, net in by_currency.items() if net
        ),
    )


def cached_month_progress(*, campaign: Campaign, now: datetime) -> MonthProgress:
    """campaign_month_progress, cached under a key holding the month and the cache generation."""
    key = f"funding:progress:{campaign.pk}:{Month.of(now).key}:{cache_generation()}"
    progress = cache.get(key)
    if progress is None:
        progress = campaign_month_progress(campaign=campaign, now=now)
        cache.set(key, progress, conf.BAR_CACHE_SECONDS)
    return progress


def goal_bar_for(*, campaign: Campaign, now: datetime, style: str = DEFAULT_STYLE) -> GoalBar:
    from babel.dates import format_date

    from masthead.funding.money import babel_locale

    progress = cached_month_progress(campaign=campaign, now=now)
    month = Month.parse(progress.period)
    currency = progress.currency

    def money(minor: int) -> str:
        return format_money(minor, currency, style=style)

    top = max([progress.goal_minor, *progress.marks_minor])
    placed = [
        (money(minor), round(100 * minor / top, 2) if top else 0.0)
        for minor in progress.marks_minor
    ]
    # Phones show some of the labels wide screens show, so that neither shows two that touch.
    on_wide_screens = _labels_that_fit(placed, WIDE_BAR_PX)
    on_phones = _labels_that_fit(placed, NARROW_BAR_PX, among=on_wide_screens)
    marks = tuple(
        Mark(
            minor,
            label,
            position,
            "" if index in on_phones else "wide" if index in on_wide_screens else "none",
        )
        for index, (minor, (label, position)) in enumerate(
            zip(progress.marks_minor, placed, strict=True)
        )
    )
    return GoalBar(
        progress=progress,
        month_label=format_date(month.first_day, "LLLL y", locale=babel_locale()),
        # A month that opens with refunds of last month's gifts has raised nothing yet, not a
        # negative amount; the API and the reports keep the net figure.
        raised_label=money(max(0, progress.raised_minor)),
        goal_label=money(progress.goal_minor),
        marks=marks,
        other_currency_labels=tuple(
            format_money(other.amount_minor, other.currency, style=style)
            for other in progress.other_currencies
        ),
    )


@dataclass(frozen=True)
class SiteFunding:
    """What every article shows about funding: the bar and the "Support us" wording."""

    bar: GoalBar | None
    header_text: str
    support_heading: str
    support_text: str
    support_button: str
    money_style: str
    # The campaign scheduled to take over and its first day, while that is still to come: not
    # shown to readers, but the dashboard reads it here so as to read the settings only once.
    next_campaign_name: str = ""
    next_campaign_starts: date | None = None


def site_funding(*, site: Site | None, now: datetime) -> SiteFunding | None:
    """The site's funding panel, or None without a current campaign.

    Cached per site, month, language and cache generation: a warm article page makes no query."""
    if site is None:
        return None
    language = translation.get_language() or "en"
    key = f"funding:site:{site.pk}:{Month.of(now).key}:{language}:{cache_generation()}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    settings = funding_settings(site)
    campaign = settings.campaign_at(now)
    panel = None
    if campaign is not None:
        panel = SiteFunding(
            bar=goal_bar_for(campaign=campaign, now=now, style=settings.money_style),
            header_text=settings.header_text,
            support_heading=settings.support_heading,
            support_text=settings.support_text,
            support_button=settings.support_button,
            money_style=settings.money_style,
            **_switch_to_come(settings, now),
        )
    cache.set(key, panel or False, conf.BAR_CACHE_SECONDS)
    return panel


def _switch_to_come(settings: FundingSettings, now: datetime) -> dict:
    """The next campaign's name and first day, if it is active and its month is still to come."""
    if settings.next_campaign_starts is None or settings.next_campaign_has_started(now):
        return {}
    if settings.next_campaign is None or not settings.next_campaign.active:
        return {}
    return {
        "next_campaign_name": settings.next_campaign.name,
        "next_campaign_starts": settings.next_campaign_starts,
    }


@dataclass(frozen=True)
class AmountChoice:
    amount_minor: int
    value: str  # what the form posts, in major units
    label: str


def preset_choices(campaign: Campaign, *, style: str = DEFAULT_STYLE) -> list[AmountChoice]:
    """The preset amounts the donate page offers, smallest first."""
    presets = campaign.presets_minor or [
        to_minor(amount, campaign.currency) for amount in conf.DEFAULT_PRESETS
    ]
    return [
        AmountChoice(
            minor,
            f"{to_major(minor, campaign.currency).normalize():f}",
            format_money(minor, campaign.currency, style=style),
        )
        for minor in sorted(int(p) for p in presets)
    ]


def recent_supporters(campaign: Campaign, *, limit: int = conf.RECENT_SUPPORTERS) -> list[str]:
    """Public names of the latest completed or running gifts (anonymous ones are left out)."""
    names = (
        Donation.objects.filter(
            campaign=campaign,
            status__in=[Donation.Status.COMPLETED, Donation.Status.ACTIVE],
        )
        .exclude(public_name="")
        .order_by("-completed_at", "-pk")
        .values_list("public_name", flat=True)[:limit]
    )
    return list(names)


def donor_donations(donor: Donor) -> QuerySet[Donation]:
    """A donor's gifts with their ledger rows, newest first (for the self-service page)."""
    return (
        Donation.objects.filter(donor=donor)
        .exclude(status__in=[Donation.Status.PENDING, Donation.Status.EXPIRED])
        .select_related("campaign")
        .prefetch_related("ledger")
        .order_by("-created_at", "-pk")
    )


# Reports -------------------------------------------------------------------------------------


@dataclass
class MonthReport:
    month: Month
    currency: str
    one_time_minor: int = 0
    monthly_minor: int = 0
    manual_minor: int = 0
    refunds_minor: int = 0
    gifts: int = 0

    @property
    def net_minor(self) -> int:
        return self.one_time_minor + self.monthly_minor + self.manual_minor + self.refunds_minor


def _ledger_in_range(campaign: Campaign | None, start: datetime, end: datetime):
    rows = LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    return rows.filter(campaign=campaign) if campaign else rows


def report_months(
    *, campaign: Campaign | None, now: datetime, months: int = 12
) -> list[MonthReport]:
    """Totals per month (newest first) for the last `months` months, split by kind of gift.

    Refunds and disputes count in the month they happen, so a closed month's figures never
    change; disputes are reported with the refunds."""
    newest = Month.of(now)
    oldest = newest
    for _step in range(months - 1):
        oldest = oldest.previous()
    reports: dict[tuple[str, str], MonthReport] = {}
    rows = _ledger_in_range(campaign, oldest.start, newest.end).values_list(
        "occurred_at", "currency", "kind", "source", "donation__frequency", "amount_minor"
    )
    for occurred_at, currency, kind, source, frequency, amount in rows.iterator():
        month = Month.of(occurred_at)
        report = reports.setdefault((month.key, currency), MonthReport(month, currency))
        if kind in (LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE):
            report.refunds_minor += amount
            continue
        report.gifts += 1
        if source == LedgerEntry.Source.MANUAL:
            report.manual_minor += amount
        elif frequency == Donation.Frequency.MONTHLY:
            report.monthly_minor += amount
        else:
            report.one_time_minor += amount
    return sorted(reports.values(), key=lambda r: (r.month.key, r.currency), reverse=True)


def month_money_movements(
    *, campaign: Campaign | None, month: Month, currency: str | None = None
) -> QuerySet[LedgerEntry]:
    """Every movement of money in `month` (site's time zone), in `currency` only if given, oldest
    first, with its donation, donor, campaign and the staff member who recorded it: a month's
    page of the books. Refunds and disputes are in the month they happened, as the reports count
    them."""
    rows = _ledger_in_range(campaign, month.start, month.end)
    if currency:
        rows = rows.filter(currency=currency)
    return rows.select_related("campaign", "donation__donor", "recorded_by").order_by(
        "occurred_at", "pk"
    )


def _active_monthly_donations() -> QuerySet[Donation]:
    return Donation.objects.filter(
        frequency=Donation.Frequency.MONTHLY, status=Donation.Status.ACTIVE
    )


def active_monthly_donors(*, campaign: Campaign | None) -> int:
    donations = _active_monthly_donations()
    if campaign:
        donations = donations.filter(campaign=campaign)
    return donations.count()


def _monthly_donors_paying_towards(site: Site, running: MonthProgress) -> int:
    """Active monthly gifts whose next month counts towards the site's running campaign, as
    campaign_paid_towards places a renewal: those given to it, and those in its currency given to
    a campaign that the settings of the site name as current or next or, on the default site,
    that no other site's settings name. A gift to an earlier month's campaign pays towards this
    one, so counting only the campaign's own gifts would show no monthly donors after a switch.

    Sites whose settings name the same campaign are left to the default site, as there."""

    def named_by(settings: QuerySet[FundingSettings]) -> Q:
        # Without the NULLs, which would make "NOT IN" match nothing.
        current = settings.filter(current_campaign__isnull=False).values("current_campaign")
        following = settings.filter(next_campaign__isnull=False).values("next_campaign")
        return Q(campaign__in=current) | Q(campaign__in=following)

    here = named_by(FundingSettings.objects.filter(site=site))
    if site.is_default_site:
        here |= ~named_by(FundingSettings.objects.exclude(site=site))
    donations = _active_monthly_donations().filter(
        Q(campaign__slug=running.slug) | (Q(currency=running.currency) & here)
    )
    return donations.count()


@dataclass(frozen=True)
class DashboardFunding:
    """The admin dashboard's "Reader funding" panel."""

    bar: GoalBar | None  # None while no campaign runs
    monthly_donors: int
    next_campaign_name: str = ""
    next_campaign_starts: date | None = None


def dashboard_funding(*, site: Site | None, now: datetime) -> DashboardFunding | None:
    """The site's goal bar as readers see it, its campaign's active monthly donors and the
    campaign scheduled to take over (while its month is to come). Without a current campaign,
    no bar, but still the campaign to come if one is scheduled; None if none is either.

    The campaign is the one of the cached site panel (site_funding), so the funding settings are
    read once, and only when that panel is not cached (or no campaign runs)."""
    funding = site_funding(site=site, now=now)
    if funding is None or funding.bar is None:
        switch = _switch_to_come(funding_settings(site), now) if site is not None else {}
        return DashboardFunding(bar=None, monthly_donors=0, **switch) if switch else None
    return DashboardFunding(
        bar=funding.bar,
        monthly_donors=_monthly_donors_paying_towards(site, funding.bar.progress),
        next_campaign_name=funding.next_campaign_name,
        next_campaign_starts=funding.next_campaign_starts,
    )


def report_articles(*, campaign: Campaign | None, since: datetime, limit: int = 20) -> list[dict]:
    """Which articles readers gave from: net money and number of gifts per article."""
    rows = LedgerEntry.objects.filter(occurred_at__gte=since, donation__article__isnull=False)
    if campaign:
        rows = rows.filter(campaign=campaign)
    return list(
        rows.values("donation__article_id", "donation__article__title", "currency")
        .annotate(
            net_minor=Sum("amount_minor"),
            gifts=Count("pk", filter=Q(kind=LedgerEntry.Kind.PAYMENT)),
        )
        .order_by("-net_minor")[:limit]
    )
