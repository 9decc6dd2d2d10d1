from django.urls import path

from clinic import views_audit
from screening.review import views as staff

app_name = "staff"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("submissions/<str:reference>/", staff.submission_detail, name="submission"),
    path("submissions/<str:reference>/assign/", staff.assign, name="assign"),
    path("submissions/<str:reference>/acknowledge/", staff.acknowledge, name="acknowledge"),
    path("submissions/<str:reference>/decide/", staff.decide, name="decide"),
    path("submissions/<str:reference>/outreach/", staff.log_outreach, name="log_outreach"),
    path("submissions/<str:reference>/close-urgent/", staff.close_episode, name="close_episode"),
    path("submissions/<str:reference>/print/", staff.print_submission, name="print"),
    path("thresholds/", staff.thresholds, name="thresholds"),
    path("audit/", views_audit.audit_log, name="audit"),
]
