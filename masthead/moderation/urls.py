from django.urls import path

from masthead.moderation import views

app_name = "moderation"

urlpatterns = [
    path("comment/<int:comment_id>/report/", views.report, name="report"),
]
