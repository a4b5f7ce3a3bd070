from django.urls import path

from masthead.discussion import views
from masthead.discussion.feeds import site_comments_feed

app_name = "discussion"

urlpatterns = [
    path("feed/", site_comments_feed, name="feed"),
    path("<int:article_id>/", views.thread, name="thread"),
    path("<int:article_id>/post/", views.post_comment, name="post"),
    path("<int:article_id>/sort/", views.sort, name="sort"),
    path("<int:article_id>/updates/", views.updates, name="updates"),
    path("<int:article_id>/stream/", views.stream, name="stream"),
    path("<int:article_id>/subscribe/", views.subscribe, name="subscribe"),
    path("<int:article_id>/unfollow/", views.unfollow, name="unfollow"),
    path("comment/<int:comment_id>/", views.comment_link, name="comment"),
    path("comment/<int:comment_id>/vote/", views.vote, name="vote"),
    path("comment/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comment/<int:comment_id>/delete/", views.delete, name="delete"),
    path(
        "subscriptions/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription-confirm",
    ),
    path(
        "subscriptions/<str:token>/unsubscribe/",
        views.subscription_unsubscribe,
        name="subscription-unsubscribe",
    ),
]
