"""'Your account': what a signed-in reader sees and changes of their own account. Every form
posts to its own address and comes back to the page, with what was typed kept when it is refused."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from masthead.accounts import services, site_name_of
from masthead.accounts.forms import (
    DeleteAccountForm,
    EmailForm,
    NameForm,
    ReaderPasswordChangeForm,
)
from masthead.discussion import selectors as discussion_selectors
from masthead.discussion import services as discussion_services
from masthead.discussion.models import Subscription
from masthead.discussion.services.comments import author_name_of

COMMENTS_PER_PAGE = 20


def _profile_page(request, *, status: int = 200, **forms):
    """The account page, with any of its forms replaced by one the reader just sent (the page
    opens at its first mistake)."""
    user = request.user
    for form in forms.values():
        _focus_first_error(form)
    comments = Paginator(discussion_selectors.account_comments(user), COMMENTS_PER_PAGE)
    context = {
        "name_form": forms.get("name_form") or NameForm(initial={"name": author_name_of(user)}),
        "email_form": forms.get("email_form") or EmailForm(request=request),
        "delete_form": forms.get("delete_form") or DeleteAccountForm(request=request),
        "comments": comments.get_page(request.GET.get("page")),
        "followed": discussion_selectors.account_subscriptions(user, now=timezone.now()),
        "may_delete": services.is_deletable_by_its_reader(user),
        "editors_deleted_in_admin": services.EDITORS_DELETED_IN_ADMIN,
        "awaiting_moderation": discussion_selectors.OWN_UNPUBLISHED,
        "has_errors": bool(forms),
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
    form = EmailForm(request.POST, request=request)
    if form.is_valid():
        site_name = site_name_of(request)
        try:
            services.account_email_change(
                user=request.user, email=form.cleaned_data["email"], site_name=site_name
            )
        except services.AccountRefused as refusal:
            form.add_error("email", refusal.message)
            return _profile_page(request, email_form=form, status=refusal.status)
        message = f"Your e-mail address is now {request.user.email}."
        if discussion_selectors.account_subscriptions(request.user, now=timezone.now()):
            message += (
                " Discussions you already follow are still e-mailed to the address you followed"
                " them with."
            )
        messages.success(request, message)
        return _back_to("email")
    return _profile_page(request, email_form=form, status=400)


@never_cache
@_signed_in
@require_POST
def subscription_stop(request, subscription_id):
    subscription = get_object_or_404(
        Subscription.objects.select_related("article"), pk=subscription_id, user=request.user
    )
    discussion_services.subscription_stop(subscription=subscription)
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
