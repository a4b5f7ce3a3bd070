"""Reader funding in the Wagtail admin: campaigns, donations (with manual entry), the ledger,
Stripe events and reports, under one "Reader funding" menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from masthead.funding import admin_views, selectors
from masthead.funding.admin_forms import CampaignForm
from masthead.funding.admin_panels import CampaignPanel
from masthead.funding.models import Campaign, Donation, LedgerEntry, StripeEvent
from masthead.funding.money import format_money


class MoneyColumn(Column):
    """An amount (a Money) in the site's money style, as the goal bar shows it: "$2,500" or
    "2,500 $"."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        amount = self.get_value(instance)
        style = selectors.money_style_for_request(parent_context.get("request"))
        context["value"] = format_money(amount.amount_minor, amount.currency, style=style)
        return context


class RelatedColumnsViewSet(ModelViewSet):
    """A listing whose columns show related rows (a donation's campaign) fetches them with its
    own rows: `list_select_related` names them, instead of one query per row and column."""

    list_select_related: tuple[str, ...] = ()

    def get_index_view_kwargs(self, **kwargs):
        if self.list_select_related:
            kwargs.setdefault(
                "queryset", self.model._default_manager.select_related(*self.list_select_related)
            )
        return super().get_index_view_kwargs(**kwargs)


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Donations are never deleted, whoever asks: ledger rows point at them, and a gift entered
    by mistake is reversed (a negative row), so the totals keep their history."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


class CampaignPermissionPolicy(ModelPermissionPolicy):
    """A campaign that donations or ledger rows point at is never deleted (they protect it)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and selectors.campaign_has_records(instance):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class CampaignViewSet(ModelViewSet):
    model = Campaign
    name = "funding_campaign"
    url_prefix = "funding/campaigns"
    icon = "pick"
    menu_label = _("Campaigns")
    index_view_class = admin_views.CampaignIndexView
    edit_view_class = admin_views.CampaignEditView
    delete_view_class = admin_views.CampaignDeleteView
    copy_view_enabled = False
    list_display = [
        "name",
        "slug",
        "currency",
        MoneyColumn("goal", label=_("Monthly goal")),
        # A tick or a cross, as Wagtail's own listings show a yes/no, not the words True/False.
        BooleanColumn("active", label=_("Active"), sort_key="active"),
    ]
    search_fields = ["name", "slug"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
            FieldRowPanel([FieldPanel("currency"), FieldPanel("goal")]),
            FieldPanel("marks"),
            FieldPanel("presets"),
            FieldPanel("intro"),
            FieldPanel("thank_you"),
            FieldPanel("active"),
        ],
        base_form_class=CampaignForm,
    )

    @property
    def permission_policy(self):
        return CampaignPermissionPolicy(self.model)


class DonationViewSet(RelatedColumnsViewSet):
    model = Donation
    name = "funding_donation"
    url_prefix = "funding/donations"
    icon = "form"
    menu_label = _("Donations")
    add_view_class = admin_views.ManualDonationCreateView
    edit_view_class = admin_views.DonationEditView
    inspect_view_class = admin_views.DonationInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "campaign",
        MoneyColumn("amount", label=_("Amount")),
        "frequency",
        "method",
        "status",
        "public_name",
        DateColumn("created_at", label=_("Date")),
    ]
    list_filter = ["campaign", "status", "frequency", "method"]
    list_select_related = ("campaign",)
    search_fields = ["public_name", "note", "donor__email", "stripe_checkout_session_id"]
    form_fields = ["public_name", "note"]
    inspect_view_fields = [
        "campaign",
        "amount",
        "frequency",
        "method",
        "status",
        "public_name",
        "donor",
        "article",
        "note",
        "stripe_checkout_session_id",
        "stripe_subscription_id",
        "created_at",
        "completed_at",
        "cancelled_at",
        "recorded_by",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("reverse/<int:pk>/", admin_views.donation_reverse, name="reverse"),
        ]

    @property
    def permission_policy(self):
        return NoDeletePermissionPolicy(self.model)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only listing and inspecting, for whoever may view (or change) the model."""

    def user_has_permission(self, user, action):
        if action not in ("view", "inspect"):
            return False
        return super().user_has_permission(user, "view") or super().user_has_permission(
            user, "change"
        )


class LedgerViewSet(RelatedColumnsViewSet):
    """The ledger is read-only: rows come from webhooks and manual entries, never edited."""

    model = LedgerEntry
    name = "funding_ledger"
    url_prefix = "funding/ledger"
    icon = "list-ul"
    menu_label = _("Ledger")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = []
    list_display = [
        DateColumn("occurred_at", label=_("When")),
        "campaign",
        "kind",
        "source",
        MoneyColumn("amount", label=_("Amount")),
        "stripe_id",
    ]
    list_filter = ["campaign", "kind", "source"]
    list_select_related = ("campaign",)
    search_fields = ["stripe_id", "payment_intent"]

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


class StripeEventViewSet(LedgerViewSet):
    model = StripeEvent
    name = "funding_stripe_event"
    url_prefix = "funding/stripe-events"
    icon = "warning"
    menu_label = _("Stripe events")
    list_display = [
        DateColumn("received_at", label=_("Received")),
        "type",
        "outcome",
        "message",
        "event_id",
    ]
    list_filter = ["type", "outcome"]
    list_select_related = ()
    search_fields = ["event_id", "type", "message"]


class FundingGroup(ViewSetGroup):
    menu_label = _("Reader funding")
    menu_icon = "pick"
    menu_order = 250
    items = (CampaignViewSet, DonationViewSet, LedgerViewSet, StripeEventViewSet)


@hooks.register("register_admin_viewset")
def register_funding_viewsets():
    return FundingGroup()


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("funding/reports/", admin_views.ReportsView.as_view(), name="funding_reports")]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(_("Funding"), reverse("funding_reports"), icon_name="pick", order=900)


@hooks.register("construct_homepage_panels")
def campaign_panel(request, panels):
    if admin_views.can_see_reports(request.user):
        panels.append(CampaignPanel())
