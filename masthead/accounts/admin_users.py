"""The admin's users (Settings > Users): forms with the names optional, and a delete that erases.

Wagtail requires a first and a last name. A reader has one name, the one shown with their
comments (kept in `first_name`, see services.account_rename), and an account made with
`createsuperuser` may have none: an administrator changing such an account's address would
otherwise have to invent a last name, which would then show with the reader's comments.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.forms.account import NameEmailForm
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

EMAIL_IN_USE = "Another account has this e-mail address."
NAME_LABEL = "Name (shown with their comments)"
OWN_NAME_LABEL = "Name (shown with your comments)"
OWN_EMAIL_IN_ACCOUNT_SETTINGS = (
    'Your own address and password change in your <a href="{url}">account settings</a>, which '
    "ask for your current password (and send a link to a new address)."
)


class EmailOfItsOwn:
    """No two accounts share an address, whatever its case (selectors.email_in_use): for the
    admin's user forms, which Wagtail leaves unchecked. (An editor's own account settings ask
    through services.account_email_change_allowed, which checks it too.)"""

    def clean_email(self):
        from masthead.accounts.selectors import email_in_use

        email = self.cleaned_data.get("email", "")
        if email_in_use(email, other_than=self.instance):
            raise ValidationError(EMAIL_IN_USE, code="unique")
        return email


class _NamesOptional(EmailOfItsOwn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = False
        self.fields["first_name"].label = NAME_LABEL
        self.fields["last_name"].required = False


class UserEditNamesOptionalForm(_NamesOptional, UserEditForm):
    """An administrator's own address and password are not changed here but in their account
    settings (admin_account), which ask for the current password, and for a new address send a
    link to it, as anyone else's own account does: this form changed them at once, so whoever
    had a moment at an administrator's unlocked session could give the account their own address
    or password and take it over, and an administrator without a password could give themselves
    one. Another account's address and password still change at once: moving a reader who lost
    their old address is an administrator's job, and asking them to open a link would not prove
    more."""

    def __init__(self, *args, editing_self=False, **kwargs):
        self.editing_self = editing_self  # before Wagtail's __init__, which asks password_enabled
        super().__init__(*args, editing_self=editing_self, **kwargs)
        if editing_self:
            self.fields["first_name"].label = OWN_NAME_LABEL
            self.fields["email"].disabled = True
            self.fields["email"].help_text = own_email_changed_elsewhere(self.instance)

    @property
    def password_enabled(self):
        # Off for oneself: Wagtail then drops both password fields, and sets no password from
        # a form that sends them anyway.
        return not self.editing_self and super().password_enabled

    def clean_email(self):
        # A disabled field keeps the account's address whatever is sent: a form sent with
        # another one (from a page loaded before the field was disabled) is told why, not saved
        # as though it had changed.
        typed = (self.data.get(self.add_prefix("email")) or "").strip()
        if self.editing_self and typed and typed.lower() != (self.instance.email or "").lower():
            raise ValidationError(own_email_changed_elsewhere(self.instance), code="own_email")
        return super().clean_email()


def own_email_changed_elsewhere(user) -> str:
    from masthead.accounts.services import ADDRESS_CHANGED_BY_AN_ADMINISTRATOR

    if not user.has_usable_password():
        return ADDRESS_CHANGED_BY_AN_ADMINISTRATOR
    return format_html(OWN_EMAIL_IN_ACCOUNT_SETTINGS, url=reverse("wagtailadmin_account"))


class UserCreationNamesOptionalForm(_NamesOptional, UserCreationForm):
    pass


class OwnNameForm(_NamesOptional, NameEmailForm):
    """An editor's own name in the admin's account settings (Wagtail's panel, which no hook
    replaces: see apps.WagtailUsersConfig), held to the users' forms' rules, and shown with the
    editor's comments once saved, as a reader's new name is. Wagtail's form required a last name,
    which a reader made editor, or an account made with `createsuperuser`, does not have: the
    whole settings page, the e-mail panel with it, could not be saved without inventing one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].label = OWN_NAME_LABEL

    def clean(self):
        from masthead.accounts.names import name_refusal

        cleaned = super().clean()
        # As comments show it (author_name_of): the first and last names together.
        shown = f"{cleaned.get('first_name') or ''} {cleaned.get('last_name') or ''}".strip()
        refusal = name_refusal(shown, user=self.instance)
        if refusal:
            self.add_error("first_name", refusal)
        return cleaned

    def save(self, commit=True):
        from masthead.accounts import services

        user = super().save(commit=commit)
        if commit:  # in the settings page's transaction
            services.account_edited_in_admin(user=user, old_email=user.email)
        return user


class UserDeleteView(WagtailUserDeleteView):
    """Deleting a reader erases what their account holds, as deleting it from the account page
    does (services.account_erase), in the same transaction as the delete: if the delete fails,
    their comments, votes and subscriptions are left as they were."""

    def delete_action(self):
        from masthead.accounts import services

        with transaction.atomic():
            services.account_erase(user=self.object)
            super().delete_action()


class UserViewSet(WagtailUserViewSet):
    delete_view_class = UserDeleteView

    def get_form_class(self, for_update=False):
        return UserEditNamesOptionalForm if for_update else UserCreationNamesOptionalForm
