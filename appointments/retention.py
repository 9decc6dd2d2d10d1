"""The retention policy (`manage.py apply_retention`, daily from cron), run from here, the top
layer, because it covers both apps' rows.

1. and 2. Expired and abandoned intake drafts are deleted, and closed submissions past
   RETENTION_CLOSED_SUBMISSIONS_DAYS are anonymised (screening.retention); their appointment
   requests, events, appointments and e-mails lose their free text and contact details in the
   same transaction (blank_for_submissions).
3. A call-back request (no intake) that was closed or cancelled that long ago loses its name,
   phone and note the same way.

Every batch is one transaction, so an interrupted run leaves whole submissions done or untouched,
and a run repeats safely: anonymised rows are marked and skipped. Each run (not a dry run) writes
one audit event with the counts and the affected references (never a name or an answer).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    Notification,
)
from clinic import audit
from screening import retention as screening_retention

BATCH_SIZE = screening_retention.BATCH_SIZE
REMOVED_PHONE = "(removed)"


@dataclass
class Report:
    dry_run: bool
    cutoff: object
    expired_drafts: int = 0
    abandoned_drafts: int = 0
    submissions: list = field(default_factory=list)
    callbacks: int = 0

    def as_detail(self):
        return {
            "dry_run": self.dry_run,
            "closed_before": self.cutoff.date().isoformat(),
            "expired_drafts_deleted": self.expired_drafts,
            "abandoned_drafts_deleted": self.abandoned_drafts,
            "submissions_anonymised": len(self.submissions),
            "callback_requests_anonymised": self.callbacks,
            "references": self.submissions,
        }


def stale_callbacks(moment):
    return AppointmentRequest.objects.filter(
        submission__isnull=True,
        status__in=[
            AppointmentRequest.Status.CLOSED,
            AppointmentRequest.Status.CANCELLED_BY_PATIENT,
        ],
        status_changed_at__lt=moment,
    ).exclude(callback_phone_index="")


def blank_for_submissions(submission_ids):
    """The free text and contact details kept about these (now anonymised) submissions' requests."""
    requests = AppointmentRequest.objects.filter(submission_id__in=submission_ids)
    requests.update(notes="", callback_name="", callback_phone_index="")
    AppointmentEvent.objects.filter(request__in=requests).update(reason="")
    appointments = Appointment.objects.filter(request__in=requests)
    appointments.update(cancel_reason="")
    Notification.objects.filter(appointment__in=appointments).update(to_address="")


def anonymise_callbacks(moment, *, batch_size=BATCH_SIZE):
    """Anonymise the call-back requests closed before `moment`, one transaction per batch;
    returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                stale_callbacks(moment).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            requests = AppointmentRequest.objects.filter(pk__in=ids)
            # The database requires a phone on a call-back (request_has_intake_or_phone).
            requests.update(
                callback_name="",
                callback_phone=REMOVED_PHONE,
                notes="",
                callback_phone_index="",
            )
            AppointmentEvent.objects.filter(request__in=ids).update(reason="")
            appointments = Appointment.objects.filter(request__in=ids)
            appointments.update(cancel_reason="")
            Notification.objects.filter(appointment__in=appointments).update(to_address="")
        done += len(ids)
    return done


def apply(*, now=None, dry_run=False, days=None, batch_size=BATCH_SIZE):
    now = now or timezone.now()
    moment = screening_retention.cutoff(now, days)
    report = Report(dry_run=dry_run, cutoff=moment)

    if dry_run:
        drafts = screening_retention.count_drafts(now)
        report.expired_drafts = drafts["expired"]
        report.abandoned_drafts = drafts["abandoned"]
        report.submissions = screening_retention.closed_references(moment)
        report.callbacks = stale_callbacks(moment).count()
        return report

    purged = screening_retention.delete_drafts(now)
    report.expired_drafts = purged["expired"]
    report.abandoned_drafts = purged["abandoned"]
    report.submissions = screening_retention.anonymise_closed(
        moment, now, batch_size=batch_size, also=blank_for_submissions
    )
    report.callbacks = anonymise_callbacks(moment, batch_size=batch_size)

    audit.record(None, audit.Action.RETENTION, detail=report.as_detail())
    return report
