"""An editor's own e-mail address in the admin's account settings (/admin/account/): changed as
a reader changes theirs on the account page, with the password and a link sent to the new
address (services.account_email_change_request), never at once. An address changed at once
would let whoever has a moment at an unlocked session, or its cookie, give the account their
own address and take it over with a password reset.

Wagtail's "Name and Email" panel, which changes the address at once, is limited to the name
(WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False); this panel takes its place for the address
(registered in wagtail_hooks)."""

import functools

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin.forms.auth import PasswordChangeForm as WagtailPasswordChangeForm
from wagtail.admin.views.account import BaseSettingsPanel, ChangePasswordPanel

from masthead.accounts import selectors, services, site_name_of
from masthead.accounts.forms import AdminEmailForm, ReaderPasswordChangeForm
from masthead.discussion.readers import request_network


class EmailSettingsPanel(BaseSettingsPanel):
    name = "email"
    title = "Email"
    order = 150  # after Wagtail's name panel (100), before the profile picture (300)
    template_name = "accounts/admin_email_panel.html"
    form_class = AdminEmailForm

    def get_form(self):
        # Wagtail builds a panel's form several times a request (to check the page, then to
        # show it): one form, so that a password is tried and a change counted once. Bound only
        # when an address is typed, so that the page's other settings save without a password.
        form = getattr(self.request, "_admin_email_form", None)
        if form is None:
            typed = (
                self.request.method == "POST"
                and self.user.has_usable_password()
                and self.request.POST.get(f"{self.name}-email")
            )
            data = self.request.POST if typed else None
            form = self.form_class(data, prefix=self.name, request=self.request)
            self.request._admin_email_form = form
        return form

    def get_context_data(self):
        return {
            **super().get_context_data(),
            "email": self.user.email,
            "pending": selectors.email_change_pending(self.user, now=timezone.now()),
            "changed_by_an_administrator": (
                None
                if self.user.has_usable_password()
                else services.ADDRESS_CHANGED_BY_AN_ADMINISTRATOR
            ),
        }


def _back_to_the_panel():
    return redirect("wagtailadmin_account")


@require_POST
def email_change_resend(request):
    try:
        pending = services.account_email_change_resend(
            user=request.user, site_name=site_name_of(request), network=request_network(request)
        )
    except services.AccountRefused as refusal:
        messages.error(request, refusal.message)
        return _back_to_the_panel()
    sent = services.EMAIL_LINK_SENT.format(new_email=pending.new_email, email=request.user.email)
    messages.success(request, sent)
    return _back_to_the_panel()


@require_POST
def email_change_cancel(request):
    services.account_email_change_cancel(user=request.user)
    messages.success(request, services.EMAIL_CHANGE_CANCELLED.format(email=request.user.email))
    return _back_to_the_panel()


class ThrottledPasswordChangeForm(ReaderPasswordChangeForm, WagtailPasswordChangeForm):
    """Wagtail's form for the Password panel, with the current password checked as the e-mail
    panel and the reader's page check it (ReaderPasswordChangeForm): Django's own check let a
    session left open guess the password without limit, then set another one."""


class ThrottledChangePasswordPanel(ChangePasswordPanel):
    """Wagtail's Password panel (which no hook replaces: see apps.WagtailUsersConfig), with its
    form given the request, which the throttle counts by."""

    @property
    def form_class(self):
        return functools.partial(ThrottledPasswordChangeForm, request=self.request)
