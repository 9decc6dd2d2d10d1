"""The patient's pages. Staff pages are in appointments.urls_staff."""

from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    # Linked from the home page and the menu: anyone may ask to be called back.
    path("request/", views.callback_request, name="request"),
    path("request/thanks/", views.callback_thanks, name="callback_thanks"),
    # The private link of a submitted intake: bound to this browser, then the pages below
    # without the token (clinic.private_links).
    path("request/<str:token>/", views.open_link, name="request_link"),
    path("request/<str:token>/cancel/", views.open_link, {"then": "cancel"}, name="cancel_link"),
    path("my-request/", views.request_for_intake, name="request_for_intake"),
    path("my-request/cancel/", views.cancel_request, name="cancel_request"),
]
