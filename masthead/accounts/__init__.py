"""Reader accounts: sign up, sign in and out, and reset a forgotten password, for readers who
comment under a name of their own. "Your account" (name, address, password, comments,
subscriptions, deletion) is in `views`, `forms` and `services` beside this module.

This module keeps its place: the backend's dotted path is stored in every session and the reset
task's in queued tasks, so they stay `masthead.accounts.…`.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import (
    LoginView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

# One by one: once anything imports masthead.accounts.forms, the name `forms` in this module is
# that submodule, not django.forms.
from django.forms import CharField, EmailField, EmailInput, TextInput, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.views.decorators.http import require_http_methods
from django_tasks import task

from masthead import limits, task_queues
from masthead.links import absolute_url
from masthead.mail import sender

# Wrong passwords allowed for one username from one network address, and from one address
# whatever the username, before sign-in stops answering for a while.
LOGIN_ATTEMPTS_PER_ACCOUNT = 5
LOGIN_ATTEMPTS_PER_ADDRESS = 30
LOGIN_LOCKOUT = timedelta(minutes=15)
TOO_MANY_ATTEMPTS = (
    "Too many wrong passwords from your network. Please wait 15 minutes and try again, or reset "
    "your password."
)
# Sign-up forms one network address may send an hour (each could create an account, or ask
# whether an e-mail address has one).
SIGNUPS_PER_ADDRESS_PER_HOUR = 20
TOO_MANY_SIGNUPS = "Too many sign-ups from your network in the last hour. Please try again later."
# Password reset requests: per network address (each sends mail to whoever the address names),
# and e-mails per account address, so that nobody can fill a reader's inbox with reset links.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 10
PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR = 3
TOO_MANY_RESET_REQUESTS = (
    "Too many password reset requests from your network in the last hour. Please try again later."
)


def counter_key(name: str) -> str:
    """A username or address as a limit's counter names it: whatever its case, and unreadable."""
    return hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


def site_name_of(request) -> str:
    """The name of the site serving the request, for e-mails sent on its behalf."""
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    return SiteIdentity.name_for(Site.find_for_request(request))


def _failure_keys(request, username) -> list[str]:
    from masthead.discussion.readers import request_network

    address = request_network(request)
    account = counter_key(str(username or ""))
    return [f"login-failures:{account}:{address}", f"login-failures:*:{address}"]


class ThrottledModelBackend(ModelBackend):
    """Django's own backend for readers and editors alike (the site's and the admin's sign-in),
    which stops trying passwords for a username after LOGIN_ATTEMPTS_PER_ACCOUNT wrong ones from
    one network address (or LOGIN_ATTEMPTS_PER_ADDRESS for any usernames) for LOGIN_LOCKOUT.

    The account's e-mail address may be typed instead of its username, as on WordPress; an
    address that several accounts share (only those that shared it before addresses were made
    unique can) signs nobody in: guessing which one was meant would try the password on someone
    else's account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        names = usernames_for_sign_in(username)
        if request is None:  # a management command or a test: no address to count against
            return self._first_to_authenticate(request, names, password, **kwargs)
        keys = _failure_keys(request, names[0])
        allowed = (LOGIN_ATTEMPTS_PER_ACCOUNT, LOGIN_ATTEMPTS_PER_ADDRESS)
        failures = limits.counts(keys)
        if any(failures.get(key, 0) >= most for key, most in zip(keys, allowed, strict=True)):
            request.login_throttled = True
            raise PermissionDenied(TOO_MANY_ATTEMPTS)
        user = self._first_to_authenticate(request, names, password, **kwargs)
        if user is None:
            for key in keys:
                limits.count(key, int(LOGIN_LOCKOUT.total_seconds()))
        else:
            limits.forget(keys[0])
        return user

    def _first_to_authenticate(self, request, names, password, **kwargs):
        for name in names:
            user = super().authenticate(request, name, password, **kwargs)
            if user is not None:
                return user
        return None


def usernames_for_sign_in(typed) -> list:
    """The usernames of the accounts a sign-in may name, to try in turn: the one typed, and the
    account's whose e-mail address it is, if exactly one has it. Both when an account's username
    is another account's address: whoever took a reader's address as a username must not keep
    that reader from signing in with it (the password tells them apart)."""
    if not isinstance(typed, str) or "@" not in typed:
        return [typed]
    accounts = get_user_model()._default_manager
    username_field = get_user_model().USERNAME_FIELD
    names = list(
        accounts.filter(email__iexact=typed.strip()).values_list(username_field, flat=True)[:2]
    )
    by_address = names[0] if len(names) == 1 else None
    if accounts.filter(**{username_field: typed}).exists():
        return [typed] if by_address in (None, typed) else [typed, by_address]
    return [by_address or typed]


SESSION_HASH_SALT = "masthead.accounts.session_auth_hash"


def session_auth_hash(user, *, secret=None) -> str:
    """What a session keeps of the account it signed in to (User.get_session_auth_hash, set in
    MastheadConfig.ready): its password and its e-mail address. Django signs out every other
    session when the password changes; a new address does the same, since password reset links
    go to it (whoever took over the address could otherwise stay signed in, unseen)."""
    signed = f"{user.password}\n{(user.email or '').strip().lower()}"
    return salted_hmac(SESSION_HASH_SALT, signed, secret=secret, algorithm="sha256").hexdigest()


def session_auth_fallback_hashes(user):
    """Other hashes a session may hold, for Django to renew as it does after a SECRET_KEY
    rotation: those of SECRET_KEY_FALLBACKS, and Django's own (the password alone), held by
    sessions signed in before the address counted. Those are renewed on their next request and
    expire with their sessions (SESSION_COOKIE_AGE); until then an address change does not sign
    out one left unused since."""
    from django.contrib.auth.base_user import AbstractBaseUser

    for secret in settings.SECRET_KEY_FALLBACKS:
        yield session_auth_hash(user, secret=secret)
    yield AbstractBaseUser.get_session_auth_hash(user)
    yield from AbstractBaseUser.get_session_auth_fallback_hash(user)


def password_is_right(request, password: str) -> bool:
    """Whether `password` is the signed-in user's, asked of ThrottledModelBackend as a sign-in
    would be: a session left open somewhere must not let anyone guess the password without limit.
    Raises PermissionDenied(TOO_MANY_ATTEMPTS) while the account is locked for this network."""
    user = authenticate(request, username=request.user.get_username(), password=password or "")
    if getattr(request, "login_throttled", False):
        raise PermissionDenied(TOO_MANY_ATTEMPTS)
    return user is not None and user.pk == request.user.pk


class ReaderLoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        typed = self.fields["username"]
        typed.label = "Username or e-mail address"
        typed.max_length = typed.widget.attrs["maxlength"] = 254  # an address's longest

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "login_throttled", False):
                raise ValidationError(TOO_MANY_ATTEMPTS, code="throttled") from None
            raise


def safe_next(request, fallback: str = "/") -> str:
    """The `next` address if it stays on this site, else the fallback."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


USERNAME_TAKEN = "A user with that username already exists."
EMAIL_HAS_AN_ACCOUNT = "An account with this e-mail address exists already; sign in instead."


class SignupForm(UserCreationForm):
    email = EmailField(
        label="E-mail",
        help_text="For notifications you ask for; never shown.",
        widget=EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = CharField(
        label="Name shown with your comments",
        max_length=80,
        widget=TextInput(attrs={"autocomplete": "name"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email")

    def clean_first_name(self):
        from masthead.accounts.services import AccountRefused, account_name_checked

        try:
            return account_name_checked(self.cleaned_data["first_name"])
        except AccountRefused as refusal:
            raise ValidationError(refusal.message, code="name") from None

    def clean_email(self):
        from masthead.accounts.selectors import email_in_use

        email = self.cleaned_data["email"].strip().lower()
        if email_in_use(email):
            raise ValidationError(EMAIL_HAS_AN_ACCOUNT)
        return email


class ReaderLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = ReaderLoginForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    from masthead.discussion.readers import request_network

    if (
        request.method == "POST"
        and limits.count(f"signups:{request_network(request)}", 3600) > SIGNUPS_PER_ADDRESS_PER_HOUR
    ):
        typed = {name: request.POST.get(name, "") for name in ("username", "first_name", "email")}
        context = {
            "form": SignupForm(initial=typed),  # what was typed stays, except the passwords
            "error": TOO_MANY_SIGNUPS,
            "next": safe_next(request, ""),
        }
        return render(request, "accounts/signup.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        from masthead.accounts.selectors import email_in_use
        from masthead.accounts.services import CONFIRMATION_NOT_SENT, account_signed_up

        try:
            with transaction.atomic():
                user = form.save()
                link_sent = account_signed_up(user=user, site_name=site_name_of(request))
        except IntegrityError:
            # The same username or address signed up at the same moment (the unique indexes).
            taken = "email" if email_in_use(form.cleaned_data["email"]) else "username"
            error = EMAIL_HAS_AN_ACCOUNT if taken == "email" else USERNAME_TAKEN
            form.add_error(taken, error)
            context = {"form": form, "next": safe_next(request, "")}
            return render(request, "accounts/signup.html", context, status=400)
        login(request, user, backend="masthead.accounts.ThrottledModelBackend")
        if not link_sent:
            messages.warning(request, CONFIRMATION_NOT_SENT.format(email=user.email))
        return redirect(safe_next(request))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "POST":
        logout(request)
        return redirect(safe_next(request))
    return render(request, "accounts/logout.html", {"next": safe_next(request, "")})


class ReaderPasswordResetForm(PasswordResetForm):
    email = EmailField(
        label="E-mail", max_length=254, widget=EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *, site_name: str) -> None:
        """Queues a reset e-mail for each account with this address. Sending it in the
        background keeps the answer as quick for an address with an account as for one without,
        so its timing tells nobody who reads the site."""
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                lambda user_id=user.pk: send_password_reset.enqueue(user_id, site_name)
            )


@task(**task_queues.READER_FACING)
def send_password_reset(user_id: int, site_name: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    link = reverse(
        "accounts-password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "username": user.get_username(),
        "site_name": site_name,
        # The address readers use (MASTHEAD_BASE_URL), not the Host header of whoever asked.
        "reset_url": absolute_url(link),
        "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    body = render_to_string("accounts/emails/password_reset.txt", context)
    send_mail(f"Reset your password on {site_name}", body, sender(site_name), [user.email])
    return True


class ReaderPasswordResetView(PasswordResetView):
    """Asks for the account's e-mail address and sends a link to choose a new password. The next
    page is the same whether or not an account has that address."""

    template_name = "accounts/password_reset.html"
    form_class = ReaderPasswordResetForm
    success_url = reverse_lazy("accounts-password-reset-sent")

    def post(self, request, *args, **kwargs):
        from masthead.discussion.readers import request_network

        network = request_network(request)
        if limits.count(f"password-resets:{network}", 3600) > PASSWORD_RESETS_PER_ADDRESS_PER_HOUR:
            form = self.get_form_class()(initial={"email": request.POST.get("email", "")})
            context = self.get_context_data(form=form, error=TOO_MANY_RESET_REQUESTS)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        account = counter_key(form.cleaned_data["email"])
        sent = limits.count(f"password-reset-emails:{account}", 3600)
        if sent <= PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR:  # beyond it, earlier links work
            form.save(site_name=site_name_of(self.request))
        return redirect(self.success_url)


class ReaderPasswordResetSentView(PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class ReaderPasswordResetConfirmView(PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts-password-reset-complete")
    post_reset_login = True
    post_reset_login_backend = "masthead.accounts.ThrottledModelBackend"


class ReaderPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
