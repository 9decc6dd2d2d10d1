"""The patient's pages. Staff pages are in appointments.urls_staff."""

from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    # Linked from the home page and the menu: anyone may ask to be called back.
    path("request/", views.callback_request, name="request"),
    path("request/thanks/", views.callback_thanks, name="callback_thanks"),
    # The private link of a submitted intake.
    path("request/<str:token>/", views.request_for_intake, name="request_for_intake"),
    path("request/<str:token>/cancel/", views.cancel_request, name="cancel_request"),
]
