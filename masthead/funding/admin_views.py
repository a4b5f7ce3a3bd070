"""The publisher's reports (totals per month, one-time vs monthly, donors, articles; CSV) and the
manual-entry views. Wired into the admin by wagtail_hooks.py."""

import csv
from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import Site

from masthead.funding import selectors, services
from masthead.funding.admin_forms import (
    DonationEditForm,
    ManualDonationForm,
    campaign_currency_refusal,
    campaign_schedule_refusal,
)
from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.funding.money import CURRENCIES, MoneyError, format_money, to_major

REPORT_PERMISSION = "funding.view_donation"
CAMPAIGN_HAS_RECORDS = _(
    "This campaign cannot be deleted: donations and ledger entries point at it, and the ledger "
    "is the record of money. Untick “active” to stop collecting for it."
)
NEXT_CAMPAIGN_NOT_DELETED = _(
    "“%(name)s” is the next campaign in Settings → Reader funding, taking over on %(date)s, so "
    "it was not deleted. Choose another next campaign there, or clear it, first."
)
NEXT_CAMPAIGN_TOOK_OVER_NOT_DELETED = _(
    "“%(name)s” is the next campaign in Settings → Reader funding and took over on %(date)s: "
    "readers give to it now, so it was not deleted. Choose another next campaign there, or "
    "clear it, first."
)
INACTIVE_NEXT_CAMPAIGN_NOT_DELETED = _(
    "“%(name)s” is inactive, so it does not take over from %(date)s, where an older schedule in "
    "Settings → Reader funding still names it as the next campaign: readers give to the current "
    "campaign. It was not deleted, as that would change the schedule without a word. In Settings "
    "→ Reader funding, which no longer offer it, leave the next campaign and its month empty and "
    "save; then delete it."
)


# The month's donations for the books. Amounts are signed (refunds and chargebacks negative), in
# major units of their own currency; the donor's name and e-mail are the ones they gave Stripe.
DONATIONS_CSV_COLUMNS = [
    "date",
    "time",
    "type",
    "method",
    "frequency",
    "amount",
    "currency",
    "campaign",
    "donation_id",
    "stripe_reference",
    "donor_name",
    "donor_email",
    "public_name",
    "note",
    "recorded_by",
]

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text a reader typed, made inert for a spreadsheet: a leading quote keeps it a string."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def amount_for_request(donation: Donation, request) -> str:
    """A donation's amount in the money style of the site the admin is serving."""
    style = selectors.money_style_for_request(request)
    return format_money(donation.amount_minor, donation.currency, style=style)


def can_see_reports(user) -> bool:
    """Whoever may view donations (the Fundraisers group; superusers hold every permission)."""
    return user.has_perm(REPORT_PERMISSION)


class ManualDonationCreateView(CreateView):
    """ "Record a donation": the form of a manual gift, saved through the ledger service."""

    page_title = _("Record a donation")
    submit_button_label = _("Record donation")
    success_message = _("Donation of %(object)s recorded.")

    def get_form_class(self):
        return ManualDonationForm

    def get_initial(self):
        # The campaign readers are giving to: a cheque or transfer is most often for it.
        site = Site.find_for_request(self.request)
        current = selectors.campaign_at(site=site, now=timezone.now())
        return {**super().get_initial(), **({"campaign": current.pk} if current else {})}

    def save_instance(self):
        data = self.form.cleaned_data
        try:
            donation = services.donation_record_manual(
                campaign=data["campaign"],
                amount_minor=data["amount_minor"],
                currency=data["campaign"].currency,
                method=data["method"],
                frequency=data["frequency"],
                received_at=data["received_at"],
                public_name=data.get("public_name", ""),
                note=data.get("note", ""),
                article=data.get("article"),
                recorded_by=self.request.user,
            )
        except MoneyError as error:  # pragma: no cover (the form checks the same rules first)
            raise PermissionDenied(str(error)) from error
        log(instance=donation, action="wagtail.create", content_changed=True)
        return donation

    def get_success_message(self, instance):
        return _("Donation of %(amount)s recorded for %(campaign)s.") % {
            "amount": amount_for_request(instance, self.request),
            "campaign": instance.campaign,
        }


class DonationEditView(EditView):
    """Only the wording changes after the fact; a manual gift can be reversed from here."""

    template_name = "funding/admin/donation_edit.html"

    def get_form_class(self):
        return DonationEditForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        donation = self.object
        context["amount"] = amount_for_request(donation, self.request)
        context["can_reverse"] = donation.is_manual and donation.status != Donation.Status.REFUNDED
        context["reverse_url"] = reverse("funding_donation:reverse", args=[donation.pk])
        return context


class CampaignIndexView(IndexView):
    """The campaigns, offering "Delete" only for those no donation or ledger row points at."""

    @cached_property
    def campaign_ids_with_records(self) -> set[int]:
        return selectors.campaign_ids_with_records()

    def get_delete_url(self, instance):
        if instance.pk in self.campaign_ids_with_records:
            return None
        return super().get_delete_url(instance)


class CampaignEditView(EditView):
    """Saves a new currency only if no money came in since the form was checked: the campaign is
    locked meanwhile, as webhooks and manual gifts lock it to record money in its currency."""

    def form_valid(self, form):
        with transaction.atomic():
            saved = Campaign.objects.select_for_update().get(pk=self.object.pk)
            refusal = campaign_currency_refusal(saved, form.cleaned_data["currency"])
            if refusal is None:
                return super().form_valid(form)
        form.add_error("currency", refusal)
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


class CampaignDeleteView(DeleteView):
    """Deletes a campaign created by mistake; one that money points at is refused, with a
    message saying what to do instead."""

    def dispatch(self, request, *args, **kwargs):
        if self.user_has_permission("delete") and not self.user_has_permission_for_instance(
            "delete", self.object
        ):
            return self.refused()
        if self.user_has_permission("delete"):
            # Deleting would clear the schedule (on_delete=SET_NULL) without a word.
            scheduled = campaign_schedule_refusal(
                self.object,
                NEXT_CAMPAIGN_NOT_DELETED,
                NEXT_CAMPAIGN_TOOK_OVER_NOT_DELETED,
                INACTIVE_NEXT_CAMPAIGN_NOT_DELETED,
            )
            if scheduled:
                return self.refused(scheduled)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        # A gift arrived between the confirmation page and the click. Wagtail refuses it without
        # a reason when its reference index knows of the gift, else the database does.
        if self.usage and self.usage.is_protected:
            return self.refused()
        try:
            return super().form_valid(form)
        except ProtectedError:
            return self.refused()

    def refused(self, message=CAMPAIGN_HAS_RECORDS):
        messages.error(self.request, message)
        return redirect(reverse(self.edit_url_name, args=[self.object.pk]))


class DonationInspectView(InspectView):
    def get_amount_display_value(self):
        return amount_for_request(self.object, self.request)


def donation_reverse(request, pk):
    """POST: take a manual gift recorded by mistake back out of the totals."""
    if request.method != "POST" or not request.user.has_perm("funding.change_donation"):
        raise PermissionDenied
    donation = get_object_or_404(Donation, pk=pk)
    try:
        services.donation_reverse_manual(
            donation=donation, now=timezone.now(), recorded_by=request.user
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The gift was reversed; the total no longer counts it."))
    return redirect(reverse("funding_donation:edit", args=[pk]))


class ReportsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "funding/admin/reports.html"
    page_title = _("Funding reports")
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def campaign(self):
        return selectors.campaign_by_slug(self.request.GET.get("campaign", ""))

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export == "months":
            return self.months_csv()
        if export == "ledger":
            return self.ledger_csv()
        if export == "donations":
            return self.donations_csv()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        campaign = self.campaign()
        months = selectors.report_months(campaign=campaign, now=now)
        articles = selectors.report_articles(campaign=campaign, since=now - timedelta(days=365))
        style = selectors.money_style_for_request(self.request)
        for row in articles:
            row["net"] = format_money(row["net_minor"], row["currency"], style=style)
        currency_lines = Counter(report.month.key for report in months)
        return {
            **super().get_context_data(**kwargs),
            "campaigns": Campaign.objects.all(),
            "campaign": campaign,
            "months": [
                {
                    "report": report,
                    "other_currencies_too": currency_lines[report.month.key] > 1,
                    **{
                        name: format_money(
                            getattr(report, f"{name}_minor"), report.currency, style=style
                        )
                        for name in ("one_time", "monthly", "manual", "refunds", "net")
                    },
                }
                for report in months
            ],
            "active_monthly_donors": selectors.active_monthly_donors(campaign=campaign),
            "this_month": selectors.Month.of(now).key,
            "articles": articles,
        }

    def _csv(self, filename):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response, csv.writer(response)

    def months_csv(self):
        campaign = self.campaign()
        response, writer = self._csv(f"funding-months-{campaign.slug if campaign else 'all'}.csv")
        writer.writerow(
            ["month", "currency", "one_time", "monthly", "manual", "refunds", "net", "gifts"]
        )
        for report in selectors.report_months(campaign=campaign, now=timezone.now(), months=36):
            writer.writerow(
                [
                    report.month.key,
                    report.currency,
                    *(
                        to_major(getattr(report, f"{name}_minor"), report.currency)
                        for name in ("one_time", "monthly", "manual", "refunds", "net")
                    ),
                    report.gifts,
                ]
            )
        return response

    def donations_csv(self):
        """One month's money, a row per payment, refund or dispute, for the newsroom's books: a
        signed amount in its own currency, how it came (method, reference) and what the donor
        gave us of themselves (a name, an e-mail address, the name to thank); nothing else."""
        campaign = self.campaign()
        month = selectors.Month.from_text(self.request.GET.get("month", ""))
        month = month or selectors.Month.of(timezone.now())
        # A month's line in one currency downloads that currency's money; without one, all of it.
        currency = self.request.GET.get("currency", "").upper()
        currency = currency if currency in CURRENCIES else None
        name = "-".join(filter(None, [month.key, campaign.slug if campaign else "all", currency]))
        response, writer = self._csv(f"donations-{name}.csv")
        writer.writerow(DONATIONS_CSV_COLUMNS)
        rows = selectors.month_money_movements(campaign=campaign, month=month, currency=currency)
        for entry in rows.iterator(chunk_size=500):
            donation = entry.donation
            donor = donation.donor if donation else None
            writer.writerow(
                [
                    timezone.localtime(entry.occurred_at).date().isoformat(),
                    timezone.localtime(entry.occurred_at).strftime("%H:%M"),
                    entry.get_kind_display(),
                    donation.get_method_display() if donation else "",
                    donation.get_frequency_display() if donation else "",
                    to_major(entry.amount_minor, entry.currency),
                    entry.currency,
                    entry.campaign.name,
                    donation.pk if donation else "",
                    # The Stripe object's own id: a refund's row is keyed "ch_…:refunded:<total>".
                    (entry.stripe_id or "").split(":")[0],
                    spreadsheet_text(donor.name) if donor else "",
                    spreadsheet_text(donor.email) if donor else "",
                    spreadsheet_text(donation.public_name) if donation else "",
                    spreadsheet_text(donation.note) if donation else "",
                    entry.recorded_by.get_username() if entry.recorded_by else "",
                ]
            )
        return response

    def ledger_csv(self):
        campaign = self.campaign()
        response, writer = self._csv(f"funding-ledger-{campaign.slug if campaign else 'all'}.csv")
        writer.writerow(
            [
                "date",
                "campaign",
                "kind",
                "source",
                "frequency",
                "method",
                "amount",
                "currency",
                "stripe_id",
                "article_id",
                "article",
                "public_name",
            ]
        )
        rows = LedgerEntry.objects.select_related("campaign", "donation__article").order_by(
            "occurred_at", "pk"
        )
        if campaign:
            rows = rows.filter(campaign=campaign)
        for entry in rows.iterator(chunk_size=500):
            donation = entry.donation
            article = donation.article if donation else None
            writer.writerow(
                [
                    timezone.localtime(entry.occurred_at).isoformat(),
                    entry.campaign.slug,
                    entry.kind,
                    entry.source,
                    donation.frequency if donation else "",
                    donation.method if donation else "",
                    to_major(entry.amount_minor, entry.currency),
                    entry.currency,
                    entry.stripe_id or "",
                    article.pk if article else "",
                    article.title if article else "",
                    spreadsheet_text(donation.public_name) if donation else "",
                ]
            )
        return response
