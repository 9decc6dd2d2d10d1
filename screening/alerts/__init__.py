"""Urgent alerts: somebody is told at once, and somebody else if nobody acts.

    from screening.alerts import raise_urgent_alert
    with transaction.atomic():
        ...save what is urgent...
        raise_urgent_alert(submission, UrgentAlert.Reason.SUBMITTED)

The clinicians on call (screening.alerts.rota) get an email at once: "An urgent intake is
waiting", the time and the link to its staff page, nothing else. If nobody has acknowledged it
after AlertSettings' delay (30 minutes by default) the escalation contacts get it, and again on
the repeat interval until somebody does. Every email, escalation and acknowledgement is in the
audit trail. The work is done by background tasks (screening.alerts.tasks, `manage.py
db_worker`); their rows are written in the caller's transaction, so an alert is never lost once
that commits, and never sent when it rolls back.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from screening.alerts import tasks
from screening.alerts.rota import next_on_call, on_call_at
from screening.models import AlertSettings, Submission, UrgentAlert

__all__ = ["acknowledge_urgent_alert", "next_on_call", "on_call_at", "raise_urgent_alert"]

Reason = UrgentAlert.Reason


def _describe(target, page):
    if isinstance(target, Submission):
        page = page or reverse("staff:submission", args=[target.reference])
        return {"submission": target, "reference": target.reference, "page": page}
    if not page:
        raise ValueError("an alert about anything but a submission needs the page to link to")
    return {"reference": str(getattr(target, "reference", "") or "")[:40], "page": page}


def raise_urgent_alert(target, reason=Reason.SUBMITTED, *, page=None, now=None) -> UrgentAlert:
    """Alert the clinicians on call about `target` now, and escalate while nobody acknowledges.

    `target` is a Submission (the alert links to its staff page, and the review's "acknowledge"
    answers it) or another saved model instance, such as a call-back request, with `page`: the
    path of its staff page (e.g. `reverse("appointments_staff:request_detail", args=[pk])`);
    that kind is answered with acknowledge_urgent_alert(). `reason` is an UrgentAlert.Reason.

    Call it inside the transaction that saves what is urgent. While an alert about the same
    target is waiting for an acknowledgement, that alert is returned and nothing new is sent.
    """
    now = now or timezone.now()
    meta = target._meta
    fields = {
        "target_type": f"{meta.app_label}.{meta.model_name}",
        "target_id": str(target.pk),
        **_describe(target, page),
    }
    with transaction.atomic():
        waiting = UrgentAlert.objects.select_for_update().filter(
            target_type=fields["target_type"],
            target_id=fields["target_id"],
            acknowledged_at__isnull=True,
        )
        if existing := waiting.first():
            return existing
        try:
            with transaction.atomic():
                alert = UrgentAlert.objects.create(reason=reason, created_at=now, **fields)
        except IntegrityError:  # raised at the same moment by another request
            return waiting.first()
        delay = AlertSettings.current().escalation_delay
        tasks.alert_on_call.enqueue(alert.pk)
        tasks.escalate.using(run_after=now + delay).enqueue(alert.pk, 1)
    return alert


def acknowledge_urgent_alert(target, *, by, now=None) -> int:
    """Answer the waiting alerts about `target` (for targets other than submissions, whose
    acknowledgement is the staff review's): escalation stops. Returns how many were waiting."""
    now = now or timezone.now()
    meta = target._meta
    with transaction.atomic():
        waiting = UrgentAlert.objects.select_for_update().filter(
            target_type=f"{meta.app_label}.{meta.model_name}",
            target_id=str(target.pk),
            acknowledged_at__isnull=True,
        )
        return sum(alert.mark_acknowledged(by=by, at=now) for alert in waiting)
