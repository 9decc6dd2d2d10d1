"""The background tasks of an urgent alert, run by `manage.py db_worker` (django-tasks with its
database backend: a task is a row, written in the transaction that asks for it).

- `alert_on_call`: tells the clinicians on call now; with nobody on call, it runs again when
  somebody next is (the escalation below does not wait for that).
- `escalate`: after the delay of AlertSettings, when nobody has acknowledged the alert, tells
  the escalation contacts, and schedules itself again after the repeat interval.
- `send_alert_email`: one email to one person, retried with backoff when sending fails.

Each task locks the alert's row and checks what was already done before doing anything, so a
task that runs twice, several workers, or a duplicate in the queue never send anything twice;
an acknowledgement (screening.models.alerts) stops everything still waiting.
"""

import logging
import smtplib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clinic import audit
from screening.alerts import messages
from screening.alerts.rota import next_on_call, on_call_at
from screening.models import Acknowledgement, AlertSettings, EscalationContact, UrgentAlert

log = logging.getLogger(__name__)

# Alerts go ahead of everything else waiting (appointment emails run at the default, 0).
PRIORITY = 50
MAX_SEND_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
# With nobody on call in the rota's horizon, look again this much later.
NOBODY_RECHECK = timedelta(hours=12)


def _locked(alert_id):
    return UrgentAlert.objects.select_for_update().filter(pk=alert_id).first()


def _answered(alert):
    """Whether the alert was acknowledged; stamps it from the review's acknowledgement when
    that came first (recorded since the alert was raised)."""
    if alert.acknowledged_at is not None:
        return True
    if not alert.is_acknowledged():
        return False
    ack = (
        Acknowledgement.objects.filter(
            submission_id=alert.submission_id, acknowledged_at__gte=alert.created_at
        )
        .order_by("acknowledged_at", "id")
        .first()
    )
    alert.mark_acknowledged(by=ack.acknowledged_by, at=ack.acknowledged_at)
    return True


@task(priority=PRIORITY)
def alert_on_call(alert_id):
    """Tell the clinicians on call now about the alert, once."""
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert_id)
        if alert is None:
            return "gone"
        if alert.alerted_at is not None:
            return "already alerted"
        if _answered(alert):
            return "acknowledged"
        clinicians = on_call_at(now)
        if not clinicians:
            when = next_on_call(now) or now + NOBODY_RECHECK
            alert_on_call.using(run_after=when).enqueue(alert_id)
            log.info("Urgent alert %s: nobody on call; the on-call alert waits", alert_id)
            return "nobody on call"
        UrgentAlert.objects.filter(pk=alert.pk).update(alerted_at=now)
        for clinician in clinicians:
            send_alert_email.enqueue(alert_id, messages.ON_CALL, f"user:{clinician.pk}", 0, 1)
    return f"alerting {len(clinicians)}"


@task(priority=PRIORITY)
def escalate(alert_id, round_):
    """Escalation number `round_` (1, 2, ...), when it is due and nobody has acknowledged."""
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert_id)
        if alert is None:
            return "gone"
        if _answered(alert):
            return "acknowledged"
        if alert.escalations_sent >= round_:
            return "already escalated"  # a duplicate of a step another task took
        config = AlertSettings.current()
        if round_ == 1:
            due = alert.created_at + config.escalation_delay
        else:
            due = (alert.last_escalated_at or alert.created_at) + config.repeat_interval
        if now < due:
            escalate.using(run_after=due).enqueue(alert_id, round_)
            return "not due yet"

        recipients = [
            f"contact:{pk}"
            for pk in EscalationContact.objects.filter(active=True).values_list("pk", flat=True)
        ]
        if not recipients:
            # Better the clinicians on call again than nobody at all.
            log.error("Urgent alert %s: no active escalation contacts", alert_id)
            recipients = [f"user:{user.pk}" for user in on_call_at(now)]
        UrgentAlert.objects.filter(pk=alert.pk).update(
            escalations_sent=round_, last_escalated_at=now
        )
        audit.record(
            None,
            audit.Action.URGENT_ALERT_ESCALATED,
            target=alert.audit_target,
            detail={
                "alert_id": alert.pk,
                "round": round_,
                "recipients": len(recipients),
                "minutes_after_alert": int((now - alert.created_at).total_seconds() // 60),
            },
        )
        for recipient in recipients:
            send_alert_email.enqueue(alert_id, messages.ESCALATION, recipient, round_, 1)
        escalate.using(run_after=now + config.repeat_interval).enqueue(alert_id, round_ + 1)
    return f"escalation {round_} to {len(recipients)}"


def _address(recipient):
    """(email address, how the audit trail names the recipient) for "user:ID" or
    "contact:ID"."""
    kind, _, pk = recipient.partition(":")
    if kind == "user":
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        return (user.email if user else ""), (user.get_username() if user else recipient)
    contact = EscalationContact.objects.filter(pk=pk, active=True).first()
    return (contact.email if contact else ""), recipient


def describe_error(exc):
    """The kind of failure only: mail servers put the recipient's address in their text."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{type(exc).__name__}: the mail server refused the address"
    return f"{type(exc).__name__} (SMTP {code})" if code else type(exc).__name__


@task(priority=PRIORITY)
def send_alert_email(alert_id, stage, recipient, round_, attempt):
    """Send one alert email; on failure try again after 1, 2, 4, 8 minutes, then give up (the
    escalation goes on regardless)."""
    alert = UrgentAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        return "gone"
    if alert.acknowledged_at is not None:
        return "acknowledged"  # somebody has acted: nobody else needs calling
    address, label = _address(recipient)
    if not address:
        log.warning("Urgent alert %s: %s has no email address", alert_id, recipient)
        return "no address"
    try:
        messages.build(alert, stage, address, round_).send()
    except Exception as exc:  # any failure at all is retried
        error = describe_error(exc)
        if attempt >= MAX_SEND_ATTEMPTS:
            log.error("Urgent alert %s to %s failed for good: %s", alert_id, recipient, error)
            return "gave up"
        later = timezone.now() + FIRST_RETRY * 2 ** (attempt - 1)
        send_alert_email.using(run_after=later).enqueue(
            alert_id, stage, recipient, round_, attempt + 1
        )
        log.warning("Urgent alert %s to %s failed (%s); will retry", alert_id, recipient, error)
        return "will retry"
    audit.record(
        None,
        audit.Action.URGENT_ALERT_SENT,
        target=alert.audit_target,
        detail={
            "alert_id": alert.pk,
            "stage": stage,
            "to": label,
            "round": round_,
            "attempt": attempt,
        },
    )
    return "sent"
