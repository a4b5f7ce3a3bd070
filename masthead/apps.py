from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig

_cache_tables_made: set[str] = set()


def _create_cache_tables(*, using="default", **kwargs):
    """After `migrate`: the table of the database cache behind the abuse limits
    (settings.CACHES["limits"]). Sent once per app; done once per database."""
    if using in _cache_tables_made:
        return
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
    _cache_tables_made.add(using)


class MastheadConfig(AppConfig):
    """The project itself: site-wide templates, static files and the `demo`, `serve` commands."""

    name = "masthead"
    verbose_name = "Masthead"
    default = True  # this module holds another app's config too (WagtailUsersConfig, below)

    def import_models(self):
        # The site's tasks are imported with the models (masthead.models imports the accounts'),
        # and django-tasks refuses a task the backend would refuse as it is declared, saying only
        # "Backend does not support setting priority of tasks.": the checks would never run. This
        # app comes first in INSTALLED_APPS, so its models are imported first.
        from django.core.exceptions import ImproperlyConfigured

        from masthead.checks import task_settings_errors

        errors = task_settings_errors()
        if errors:
            raise ImproperlyConfigured("\n".join(f"{error.msg} {error.hint}" for error in errors))
        super().import_models()

    def ready(self):
        from django.db.models.signals import post_migrate

        from masthead import checks  # noqa: F401 (registers the system checks)

        # Listened to for every app (the table is made once per database): this app had no
        # models when it was written, and post_migrate is sent only for apps with models.
        post_migrate.connect(_create_cache_tables, dispatch_uid="masthead-cache-table")
        _sessions_follow_the_address()
        _reserved_names_follow_the_newsroom()


def _sessions_follow_the_address():
    """A session stays signed in while the account keeps its password and its e-mail address
    (masthead.accounts.session_auth_hash). The user model is Django's own, whose hash covers the
    password only: this is its one hook for what a session is checked against."""
    from django.contrib.auth import get_user_model

    from masthead import accounts

    user_model = get_user_model()
    user_model.get_session_auth_hash = accounts.session_auth_hash
    user_model.get_session_auth_fallback_hash = accounts.session_auth_fallback_hashes


def _reserved_names_follow_the_newsroom():
    """The names readers may not take (masthead.accounts.names) are cached: forgotten when a
    staff member's, an author's or a site's name may have changed, or who is staff."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import Site

    from masthead.accounts.names import reserved_names_forget
    from masthead.publishing.models import AuthorPage, SiteIdentity

    user_model = get_user_model()
    for model in (user_model, AuthorPage, Site, SiteIdentity):
        for signal in (post_save, post_delete):
            signal.connect(
                reserved_names_forget,
                sender=model,
                dispatch_uid=f"masthead-reserved-names-{model._meta.label}-{id(signal)}",
            )
    for relation in (user_model.groups, user_model.user_permissions, Group.permissions):
        m2m_changed.connect(
            reserved_names_forget,
            sender=relation.through,
            dispatch_uid=f"masthead-reserved-names-{relation.through._meta.label}",
        )


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with the user forms of masthead.accounts.admin_users."""

    user_viewset = "masthead.accounts.admin_users.UserViewSet"

    def ready(self):
        super().ready()
        from wagtail.admin.views import account
        from wagtail.admin.views.account import NameEmailSettingsPanel

        from masthead.accounts.admin_account import ThrottledChangePasswordPanel
        from masthead.accounts.admin_users import OwnNameForm

        # An editor's own name in their account settings: Wagtail's panel, which no hook replaces.
        NameEmailSettingsPanel.form_class = OwnNameForm
        # Their password, likewise: AccountView builds the panel by this module-level name.
        account.ChangePasswordPanel = ThrottledChangePasswordPanel
