"""The forms of "Your account". The rules of each change are the services'; these collect what
the reader typed, and check the password where a change asks for it."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied

from masthead.accounts import TOO_MANY_ATTEMPTS, password_is_right
from masthead.discussion import conf as discussion_conf

# A message, not a password.
PASSWORD_NOT_RIGHT = "That is not your password. Please type the one you sign in with."  # noqa: S105


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
