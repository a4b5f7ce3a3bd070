from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead import accounts, views
from masthead.accounts import views as account_views
from masthead.api import api, unknown_path
from masthead.publishing import page_chooser
from masthead.publishing import views as publishing_views
from masthead.publishing.feeds import AtomSiteFeed, SiteFeed, feed_view
from masthead.publishing.sitemaps import news_sitemap, sitemap

urlpatterns = [
    # Before Wagtail's own: its page chooser with the title column named for the pages listed.
    path("admin/", include(page_chooser.urlpatterns)),
    # Wagtail's reset form mails any account, as often as it is posted and while the request
    # waits (so its timing tells whether an address has an account): its "Forgotten password?"
    # leads to the site's own, which is limited per network and inbox and mails in the background.
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="accounts-password-reset"),
        name="admin-password-reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's own: its password forms of protected pages and documents, limited.
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        publishing_views.document_password,
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        publishing_views.page_password,
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", unknown_path),
    path("search/", publishing_views.search, name="search"),
    path("donate/", include("masthead.funding.urls")),
    path("feed/", feed_view(SiteFeed), name="feed"),
    path("feed/atom/", feed_view(AtomSiteFeed), name="feed-atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("robots.txt", publishing_views.robots_txt, name="robots-txt"),
    # Browsers and feed readers ask for it whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path("comments/", include("masthead.discussion.urls")),
    path("moderation/", include("masthead.moderation.urls")),
    path("accounts/", account_views.profile, name="accounts-profile"),
    path("accounts/name/", account_views.name_change, name="accounts-name"),
    path("accounts/email/", account_views.email_change, name="accounts-email"),
    path("accounts/email/resend/", account_views.email_change_resend, name="accounts-email-resend"),
    path("accounts/email/cancel/", account_views.email_change_cancel, name="accounts-email-cancel"),
    path(
        "accounts/email/change/<str:token>/",
        account_views.email_change_confirm,
        name="accounts-email-change-confirm",
    ),
    path(
        "accounts/email/confirm/resend/",
        account_views.email_confirmation_resend,
        name="accounts-email-confirmation-resend",
    ),
    path(
        "accounts/email/confirm/<str:token>/",
        account_views.email_confirm,
        name="accounts-email-confirm",
    ),
    path(
        "accounts/subscriptions/<int:subscription_id>/stop/",
        account_views.subscription_stop,
        name="accounts-subscription-stop",
    ),
    path("accounts/delete/", account_views.account_delete, name="accounts-delete"),
    path("accounts/delete/link/", account_views.account_delete_link, name="accounts-delete-link"),
    path(
        "accounts/delete/<str:token>/",
        account_views.account_delete_confirm,
        name="accounts-delete-confirm",
    ),
    path(
        "accounts/password/change/",
        account_views.ReaderPasswordChangeView.as_view(),
        name="accounts-password-change",
    ),
    path("accounts/login/", accounts.ReaderLoginView.as_view(), name="accounts-login"),
    path("accounts/logout/", accounts.logout_view, name="accounts-logout"),
    path("accounts/signup/", accounts.signup, name="accounts-signup"),
    path(
        "accounts/password/reset/",
        accounts.ReaderPasswordResetView.as_view(),
        name="accounts-password-reset",
    ),
    path(
        "accounts/password/reset/sent/",
        accounts.ReaderPasswordResetSentView.as_view(),
        name="accounts-password-reset-sent",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.ReaderPasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.ReaderPasswordResetCompleteView.as_view(),
        name="accounts-password-reset-complete",
    ),
]

if settings.MASTHEAD_SERVE_MEDIA:
    # Uploaded images for the embedded install; behind a proxy, serve MEDIA_ROOT from the proxy
    # (all but its documents folder: see serve_media).
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", views.serve_media, name="media"))

urlpatterns.append(path("", include(wagtail_urls)))

handler404 = "masthead.views.page_not_found"
handler500 = "masthead.views.server_error"
