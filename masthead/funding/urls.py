from django.urls import path

from masthead.funding import views

app_name = "funding"

urlpatterns = [
    path("", views.donate, name="donate"),
    path("thanks/", views.thanks, name="thanks"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("manage/<str:token>/", views.donor_page, name="donor"),
    path("manage/<str:token>/cancel/<int:donation_id>/", views.donor_cancel, name="donor-cancel"),
]
