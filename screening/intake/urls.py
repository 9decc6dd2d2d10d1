"""The patient intake. Everything after the welcome page is reached through a private link:
/intake/r/<token>/..., where the token is the only key (see screening.intake.views)."""

from django.urls import path

from screening.intake import notices
from screening.intake import views as intake

app_name = "intake"

urlpatterns = [
    path("", intake.start, name="start"),
    path("r/<str:token>/", intake.resume, name="resume"),
    path("r/<str:token>/support/", intake.support, name="support"),
    path("r/<str:token>/support/stop/", notices.stop_for_now, name="stop_for_now"),
    path("r/<str:token>/support/call-me/", notices.call_me_sent, name="call_me_sent"),
    path("r/<str:token>/medical-notice/", notices.medical_notice, name="medical_notice"),
    path("r/<str:token>/for-adults/", notices.for_adults, name="for_adults"),
    path("r/<str:token>/saved/", intake.saved, name="saved"),
    path("r/<str:token>/email-link/", intake.email_link, name="email_link"),
    path("r/<str:token>/done/", intake.status, name="status"),
    path("r/<str:token>/<slug:slug>/", intake.step, name="step"),
]
