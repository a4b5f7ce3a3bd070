"""'Your account': what a signed-in reader sees and changes of their own account. Every form
posts to its own address and comes back to the page, with what was typed kept when it is refused."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead import moderation
from masthead.accounts import selectors, services, site_name_of
from masthead.accounts.forms import (
    DeleteAccountForm,
    EmailForm,
    NameForm,
    ReaderPasswordChangeForm,
)
from masthead.discussion import selectors as discussion_selectors
from masthead.discussion import services as discussion_services
from masthead.discussion.models import Subscription
from masthead.discussion.readers import request_network
from masthead.discussion.services.comments import author_name_of

COMMENTS_PER_PAGE = 20


def _profile_page(
    request, *, status: int = 200, email_error: str = "", delete_error: str = "", **forms
):
    """The account page, with any of its forms replaced by one the reader just sent (the page
    opens at its first mistake), or a refusal of the buttons beside the address."""
    user = request.user
    for form in forms.values():
        _focus_first_error(form)
    comments = Paginator(discussion_selectors.account_comments(user), COMMENTS_PER_PAGE)
    email_confirmed = selectors.email_is_confirmed(user)
    context = {
        "email_confirmed": email_confirmed,
        "confirmation_held_back": (
            services.CONFIRMATION_HELD_BACK.format(email=user.email)
            if not email_confirmed and selectors.email_confirmation_held_back(user)
            else ""
        ),
        "held_until_confirmed": not email_confirmed and moderation.holds_guests(),
        "pending_email": selectors.email_change_pending(user, now=timezone.now()),
        "no_password_here": (
            None if user.has_usable_password() else services.ADDRESS_CHANGED_BY_EDITORS
        ),
        "email_error": email_error,
        "delete_error": delete_error,
        "name_form": forms.get("name_form") or NameForm(initial={"name": author_name_of(user)}),
        "email_form": forms.get("email_form") or EmailForm(request=request),
        "delete_form": forms.get("delete_form") or DeleteAccountForm(request=request),
        "comments": comments.get_page(request.GET.get("page")),
        "followed": discussion_selectors.account_subscriptions_page(
            user, now=timezone.now(), page_number=request.GET.get("following")
        ),
        "may_delete": services.is_deletable_by_its_reader(user),
        "editors_deleted_in_admin": services.EDITORS_DELETED_IN_ADMIN,
        "awaiting_moderation": discussion_selectors.OWN_UNPUBLISHED,
        "has_errors": bool(forms or email_error or delete_error),
    }
    return render(request, "accounts/profile.html", context, status=status)


def _focus_first_error(form) -> None:
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return


def _signed_in(view):
    """login_required for the forms' own addresses, which take POSTs only: signing in again after
    the session ran out leads back to the account page, not to them."""

    @wraps(view)
    def signed_in_view(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("accounts-profile"))
        return view(request, *args, **kwargs)

    return signed_in_view


def _back_to(section: str):
    return redirect(f"{reverse('accounts-profile')}#{section}")


@never_cache
@login_required
@require_GET
def profile(request):
    return _profile_page(request)


@never_cache
@_signed_in
@require_POST
def name_change(request):
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            services.account_name_change(user=request.user, name=form.cleaned_data["name"])
        except services.AccountRefused as refusal:
            form.add_error("name", refusal.message)
            return _profile_page(request, name_form=form, status=refusal.status)
        messages.success(request, "Your comments now show the name you chose.")
        return _back_to("name")
    return _profile_page(request, name_form=form, status=400)


@never_cache
@_signed_in
@require_POST
def email_change(request):
    """Ask for a new address: a link goes to it, and the address changes when it is opened."""
    form = EmailForm(request.POST, request=request)
    if form.is_valid():
        try:
            pending = services.account_email_change_request(
                user=request.user,
                email=form.cleaned_data["email"],
                site_name=site_name_of(request),
                network=request_network(request),
            )
        except services.AccountRefused as refusal:
            form.add_error("email", refusal.message)
            return _profile_page(request, email_form=form, status=refusal.status)
        messages.success(request, _link_sent_to(pending.new_email, request.user.email))
        return _back_to("email")
    return _profile_page(request, email_form=form, status=400)


def _link_sent_to(new_email: str, email: str) -> str:
    return services.EMAIL_LINK_SENT.format(new_email=new_email, email=email)


@never_cache
@_signed_in
@require_POST
def email_change_resend(request):
    try:
        pending = services.account_email_change_resend(
            user=request.user, site_name=site_name_of(request), network=request_network(request)
        )
    except services.AccountRefused as refusal:
        return _profile_page(request, email_error=refusal.message, status=refusal.status)
    messages.success(request, _link_sent_to(pending.new_email, request.user.email))
    return _back_to("email")


@never_cache
@_signed_in
@require_POST
def email_change_cancel(request):
    services.account_email_change_cancel(user=request.user)
    messages.success(request, services.EMAIL_CHANGE_CANCELLED.format(email=request.user.email))
    return _back_to("email")


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token):
    """The link asks; only the button changes the address: mail scanners open links, they do
    not press. Whoever opens it needs no session: the link is the proof."""
    try:
        if request.method == "GET":
            user, new_email = services.account_email_change_to_confirm(token=token)
            context = {"kind": "change", "account": user, "email": new_email, "token": token}
            return render(request, "accounts/email_confirm.html", context)
        # Read before the change: the new address signs the account's sessions out
        # (accounts.session_auth_hash), this one included unless it is renewed below.
        signed_in_as = request.user.pk
        user = services.account_email_change_confirm(token=token, site_name=site_name_of(request))
    except services.AccountRefused as refusal:
        context = {"kind": "change", "error": refusal.message}
        return render(request, "accounts/email_confirm.html", context, status=refusal.status)
    if signed_in_as == user.pk:
        update_session_auth_hash(request, user)
    context = {
        "kind": "change",
        "account": user,
        "email": user.email,
        "done": True,
        "follows_discussions": discussion_selectors.account_follows_any(user, now=timezone.now()),
    }
    return render(request, "accounts/email_confirm.html", context)


@never_cache
@_signed_in
@require_POST
def email_confirmation_resend(request):
    try:
        services.account_email_confirmation_resend(
            user=request.user, site_name=site_name_of(request)
        )
    except services.AccountRefused as refusal:
        return _profile_page(request, email_error=refusal.message, status=refusal.status)
    messages.success(request, f"We sent a new link to {request.user.email}.")
    return _back_to("email")


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request, token):
    """The link sent at sign-up: as for a change, only the button confirms."""
    try:
        if request.method == "GET":
            user = services.account_email_to_confirm(token=token)
            context = {
                "kind": "address",
                "account": user,
                "email": user.email,
                "token": token,
                "done": selectors.email_is_confirmed(user),
                "was_held": moderation.holds_guests(),
            }
            return render(request, "accounts/email_confirm.html", context)
        user = services.account_email_confirm(token=token)
    except services.AccountRefused as refusal:
        context = {"kind": "address", "error": refusal.message}
        return render(request, "accounts/email_confirm.html", context, status=refusal.status)
    context = {
        "kind": "address",
        "account": user,
        "email": user.email,
        "done": True,
        "was_held": moderation.holds_guests(),
    }
    return render(request, "accounts/email_confirm.html", context)


@never_cache
@_signed_in
@require_POST
def subscription_stop(request, subscription_id):
    subscription = get_object_or_404(
        Subscription.objects.select_related("article"), pk=subscription_id, user=request.user
    )
    discussion_services.subscription_stop(subscription=subscription, account=request.user)
    messages.success(
        request,
        f"{subscription.email} will get no more e-mail about “{subscription.article.title}”.",
    )
    return _back_to("following")


@never_cache
@_signed_in
@require_POST
def account_delete(request):
    form = DeleteAccountForm(request.POST, request=request)
    if form.is_valid():
        try:
            services.account_delete(user=request.user)
        except services.AccountRefused as refusal:
            form.add_error(None, refusal.message)
            return _profile_page(request, delete_form=form, status=refusal.status)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for reading.")
        return redirect("/")
    return _profile_page(request, delete_form=form, status=400)


@never_cache
@_signed_in
@require_POST
def account_delete_link(request):
    """An account without a password asks for the link that deletes it, sent to its address."""
    try:
        email = services.account_delete_link_request(
            user=request.user, site_name=site_name_of(request)
        )
    except services.AccountRefused as refusal:
        return _profile_page(request, delete_error=refusal.message, status=refusal.status)
    messages.success(request, services.DELETE_LINK_SENT.format(email=email))
    return _back_to("delete")


@never_cache
@require_http_methods(["GET", "POST"])
def account_delete_confirm(request, token):
    """The link asks; only the button deletes: mail scanners open links, they do not press.
    Whoever opens it needs no session: the link, sent to the account's address, is the proof."""
    try:
        if request.method == "GET":
            account = services.account_to_delete(token=token)
            context = {"account": account, "token": token}
            return render(request, "accounts/account_delete_confirm.html", context)
        # Read before the delete: a session of the deleted account would find no user after.
        signed_in_as = request.user.pk
        deleted = services.account_delete_by_link(token=token)
    except services.AccountRefused as refusal:
        context = {"error": refusal.message}
        return render(
            request, "accounts/account_delete_confirm.html", context, status=refusal.status
        )
    if signed_in_as == deleted:
        logout(request)
    messages.success(request, "Your account is deleted. Thank you for reading.")
    return redirect("/")


class ReaderPasswordChangeView(PasswordChangeView):
    """Django's view: the reader stays signed in here, and is signed out everywhere else."""

    template_name = "accounts/password_change.html"
    form_class = ReaderPasswordChangeForm
    success_url = reverse_lazy("accounts-profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response
