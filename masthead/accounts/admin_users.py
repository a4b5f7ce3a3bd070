"""The admin's users (Settings > Users): forms with the names optional, and a delete that erases.

Wagtail requires a first and a last name. A reader has one name, the one shown with their
comments (kept in `first_name`, see services.account_rename), and an account made with
`createsuperuser` may have none: an administrator changing such an account's address would
otherwise have to invent a last name, which would then show with the reader's comments.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.admin.forms.account import NameEmailForm
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

EMAIL_IN_USE = "Another account has this e-mail address."


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
        self.fields["first_name"].label = "Name (shown with their comments)"
        self.fields["last_name"].required = False


class UserEditNamesOptionalForm(_NamesOptional, UserEditForm):
    pass


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
        self.fields["first_name"].label = "Name (shown with your comments)"

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
