"""The patient intake. The private link /intake/r/<token>/ is the only address with the token:
opening it binds the token to this browser (clinic.private_links) and redirects to the pages
under /intake/my/, which find the intake from that cookie (see screening.intake.views)."""

from django.urls import path

from screening.intake import notices
from screening.intake import views as intake

app_name = "intake"

urlpatterns = [
    path("", intake.start, name="start"),
    path("r/<str:token>/", intake.resume, name="resume"),
    # A deep link from before the exchange (a bookmark, a tab left open): the same exchange.
    path("r/<str:token>/<path:rest>", intake.old_link, name="old_link"),
    path("my/", intake.resume_here, name="resume_here"),
    path("my/support/", intake.support, name="support"),
    path("my/support/stop/", notices.stop_for_now, name="stop_for_now"),
    path("my/support/call-me/", notices.call_me_sent, name="call_me_sent"),
    path("my/medical-notice/", notices.medical_notice, name="medical_notice"),
    path("my/for-adults/", notices.for_adults, name="for_adults"),
    path("my/saved/", intake.saved, name="saved"),
    path("my/email-link/", intake.email_link, name="email_link"),
    path("my/done/", intake.status, name="status"),
    path("my/<slug:slug>/", intake.step, name="step"),
]
