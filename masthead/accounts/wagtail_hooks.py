"""A reader's account edited or deleted in the admin (Settings → Users) changes what the site
shows of them as the reader's own change would, from the account page (a single delete: see
admin_users.UserDeleteView); an editor's own address changes in their account settings as a
reader's does (admin_account). Found through
masthead/wagtail_hooks.py: accounts is part of the `masthead` app, not an app of its own."""

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.urls import path
from wagtail import hooks

from masthead.accounts import admin_account, services


@hooks.register("register_account_settings_panel")
def email_settings_panel(request, user, profile):
    return admin_account.EmailSettingsPanel(request, user, profile)


@hooks.register("register_admin_urls")
def email_change_urls():
    return [
        path(
            "account/email/resend/",
            admin_account.email_change_resend,
            name="masthead_account_email_resend",
        ),
        path(
            "account/email/cancel/",
            admin_account.email_change_cancel,
            name="masthead_account_email_cancel",
        ),
    ]


@hooks.register("before_edit_user")
def remember_the_address_before_the_edit(request, user):
    # Read by show_the_edit_on_the_readers_comments: by then the user has the new address.
    request.account_email_before_edit = user.email


@hooks.register("after_edit_user")
def show_the_edit_on_the_readers_comments(request, user):
    services.account_edited_in_admin(
        user=user, old_email=getattr(request, "account_email_before_edit", user.email)
    )
    # A new address signs the account out elsewhere (accounts.session_auth_hash), not here. (An
    # administrator's own address does not change here: see admin_users.UserEditNamesOptionalForm.)
    if request.user.pk == user.pk:
        update_session_auth_hash(request, user)


@hooks.register("before_bulk_action")
def erase_what_the_accounts_deleted_together_hold(request, action_type, objects, action):
    # In the bulk action's transaction: if deleting fails, nothing is erased either.
    if action_type == "delete" and issubclass(action.model, get_user_model()):
        for user in objects:
            services.account_erase(user=user)
