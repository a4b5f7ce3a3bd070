"""The forms of "Your account". The rules of each change are the services'; these collect what
the reader typed, and check the password where a change asks for it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied

from masthead.accounts import TOO_MANY_ATTEMPTS, password_is_right, services, site_name_of
from masthead.discussion import conf as discussion_conf
from masthead.discussion.readers import request_network

# Messages, not passwords.
PASSWORD_NOT_RIGHT = "That is not your password. Please type the one you sign in with."  # noqa: S105
PASSWORD_NEEDED = "Please type your password to change your address."  # noqa: S105


def _password_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _check_password(request, password: str) -> str:
    try:
        right = password_is_right(request, password)
    except PermissionDenied:
        raise forms.ValidationError(TOO_MANY_ATTEMPTS, code="throttled") from None
    if not right:
        raise forms.ValidationError(PASSWORD_NOT_RIGHT, code="password_incorrect")
    return password


class NameForm(forms.Form):
    # Neither required nor limited here: the service's messages say what is wrong with a name.
    name = forms.CharField(
        label="Name shown with your comments",
        required=False,
        help_text="Your comments, old and new, show this name.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "name",
                "maxlength": discussion_conf.COMMENT_NAME_MAX_LENGTH,
                "required": True,
            }
        ),
    )


class PasswordConfirmedForm(forms.Form):
    """A change the reader confirms with their password."""

    password = _password_field("Your password")

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        return _check_password(self.request, self.cleaned_data["password"])


class EmailForm(PasswordConfirmedForm):
    """A new address, asked for with the password: it becomes the account's (and password reset
    links go to it) once the link sent to it is opened."""

    email = forms.CharField(
        label="New e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "password"]


class DeleteAccountForm(PasswordConfirmedForm):
    prefix = "delete"  # its password field is not the e-mail form's, on the same page


class ReaderPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked through the throttled backend (Django's own
    check would let a session left open guess it without limit)."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        return _check_password(self.request, self.cleaned_data["old_password"])


class AdminEmailForm(EmailForm):
    """The e-mail panel of an editor's own account settings in the admin, which change an
    address as the reader's account page does: with the password, and once the link sent to the
    new address is opened. Checked with the rest of the page, and the link sent only once the
    whole page is saved (`save`, in the page's transaction)."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.fields["email"].help_text = (
            "We send a link to it; your address changes when the link is opened, and your "
            "current address is told of the change."
        )
        # Asked for only when an address is typed (admin_account.EmailSettingsPanel binds the
        # form then): the page's other settings save without them.
        self.fields["email"].required = False
        self.fields["password"].required = False
        self.fields["password"].help_text = "Needed to change the address."

    def clean_password(self):
        if not self.cleaned_data.get("password"):  # not a wrong password: nothing to count
            raise forms.ValidationError(PASSWORD_NEEDED, code="required")
        return super().clean_password()

    def clean(self):
        cleaned = super().clean()
        if self.errors:  # a wrong password tells nothing of the address, nor counts a change
            return cleaned
        try:
            cleaned["email"] = services.account_email_change_allowed(
                user=self.request.user,
                email=cleaned["email"],
                network=request_network(self.request),
            )
        except services.AccountRefused as refusal:
            self.add_error("email", refusal.message)
        return cleaned

    def save(self):
        user = self.request.user
        pending = services.account_email_change_send(
            user=user, email=self.cleaned_data["email"], site_name=site_name_of(self.request)
        )
        # Wagtail's own message says only that the settings were saved.
        sent = services.EMAIL_LINK_SENT.format(new_email=pending.new_email, email=user.email)
        messages.info(self.request, sent)
        return pending
