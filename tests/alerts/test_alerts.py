"""Raising an urgent alert, what its emails say (no name, no health information), the tasks
one by one (the worker itself runs in test_worker_postgres.py), and the audit trail."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from clinic.models import AuditEvent
from screening.alerts import acknowledge_urgent_alert, raise_urgent_alert, tasks
from screening.models import Acknowledgement, AlertSettings, OnCallChange, UrgentAlert
from tests.factories import URGENT_CHANGES, intake_document, make_submission

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)  # 9:05 EST
SATURDAY = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)  # 10:00 EST
BROKEN = "tests.alerts.test_alerts.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


def urgent_submission():
    return make_submission(intake_document(**URGENT_CHANGES))


def queued(task):
    """(run_after, args) of the waiting rows of a task, soonest first."""
    rows = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    return [(row.run_after, row.args_kwargs["args"]) for row in rows.order_by("run_after")]


def run(task):
    """Run every waiting row of `task` that is due, the way the worker would, and mark it."""
    done = []
    for row in DBTaskResult.objects.ready().filter(task_path=task.module_path):
        row.claim("test")
        done.append(row.task.call(*row.args_kwargs["args"]))
        row.set_successful(done[-1])
    return done


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_raising_queues_the_on_call_alert_now_and_the_escalation_after_the_delay(db):
    submission = urgent_submission()

    alert = raise_urgent_alert(submission, now=MONDAY_MORNING)

    assert (alert.submission, alert.reference, alert.reason) == (
        submission,
        submission.reference,
        "submitted",
    )
    assert alert.page == f"/staff/submissions/{submission.reference}/"
    (now,) = DBTaskResult.objects.ready().filter(task_path=tasks.alert_on_call.module_path)
    assert now.args_kwargs["args"] == [alert.pk]
    assert queued(tasks.escalate) == [(MONDAY_MORNING + timedelta(minutes=30), [alert.pk, 1])]


def test_the_delay_is_the_administrators_setting(db):
    AlertSettings.objects.create(escalation_delay_minutes=10, repeat_interval_minutes=15)

    alert = raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)

    assert queued(tasks.escalate) == [(MONDAY_MORNING + timedelta(minutes=10), [alert.pk, 1])]


def test_a_second_alert_while_one_waits_is_the_same_alert(db):
    submission = urgent_submission()
    first = raise_urgent_alert(submission, now=MONDAY_MORNING)

    again = raise_urgent_alert(submission, "rescreened", now=MONDAY_MORNING)

    assert again == first
    assert UrgentAlert.objects.count() == 1 and len(queued(tasks.escalate)) == 1


def test_an_alert_about_something_else_needs_its_page(db, clinician):
    change = OnCallChange.objects.create(
        kind="nobody", starts_at=MONDAY_MORNING, ends_at=MONDAY_MORNING + timedelta(hours=1)
    )
    with pytest.raises(ValueError, match="page"):
        raise_urgent_alert(change, "call_request")

    alert = raise_urgent_alert(change, "call_request", page="/staff/somewhere/7/")

    assert (alert.submission, alert.target_type, alert.page) == (
        None,
        "screening.oncallchange",
        "/staff/somewhere/7/",
    )
    assert acknowledge_urgent_alert(change, by=clinician) == 1
    assert UrgentAlert.objects.get().acknowledged_by == clinician
    assert acknowledge_urgent_alert(change, by=clinician) == 0


def test_the_on_call_clinician_gets_an_email_without_name_or_health_information(
    weekday_rota, mailoutbox
):
    submission = urgent_submission()
    alert = raise_urgent_alert(submission, now=MONDAY_MORNING)

    with time_machine.travel(MONDAY_MORNING + timedelta(seconds=5), tick=False):
        assert run(tasks.alert_on_call) == ["alerting 1"]
        assert run(tasks.send_alert_email) == ["sent"]

    (message,) = mailoutbox
    assert message.to == ["casey@clinic.example"]
    assert message.subject == "An urgent intake is waiting"
    assert "Since: Monday, March 2, 2026, 9:05 AM (EST)" in message.body
    link = f"http://127.0.0.1:8000/staff/submissions/{submission.reference}/"
    assert f"Open it (staff sign-in): {link}" in message.body
    text = (message.subject + message.body).lower().replace("harbor ketamine clinic", "")
    about = submission.intake["about"]
    for private in (about["legal_name"], about["preferred_name"], about["email"], about["phone"]):
        assert private.lower() not in text
    for word in ("suicid", "phq", "c-ssrs", "depress", "ketamine", "risk", "score", "flag"):
        assert word not in text, word
    alert.refresh_from_db()
    assert alert.alerted_at == MONDAY_MORNING + timedelta(seconds=5)
    event = AuditEvent.objects.get(action="urgent_alert_sent")
    assert event.target_reference == submission.reference
    assert event.detail == {
        "alert_id": alert.pk,
        "stage": "on_call",
        "to": "casey",
        "round": 0,
        "attempt": 1,
    }
    assert event.at == MONDAY_MORNING + timedelta(seconds=5)


def test_every_clinician_on_call_is_told(weekday_rota, colleague, mailoutbox):
    OnCallChange.objects.create(
        kind="add",
        clinician=colleague,
        starts_at=MONDAY_MORNING - timedelta(hours=1),
        ends_at=MONDAY_MORNING + timedelta(hours=1),
    )
    raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)

    with time_machine.travel(MONDAY_MORNING, tick=False):
        run(tasks.alert_on_call)
        run(tasks.send_alert_email)

    assert sorted(m.to[0] for m in mailoutbox) == ["casey@clinic.example", "dana@clinic.example"]


def test_with_nobody_on_call_the_alert_waits_for_the_next_shift(weekday_rota, mailoutbox):
    alert = raise_urgent_alert(urgent_submission(), now=SATURDAY)

    with time_machine.travel(SATURDAY, tick=False):
        assert run(tasks.alert_on_call) == ["nobody on call"]

    monday_8am = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # EDT by then
    assert queued(tasks.alert_on_call) == [(monday_8am, [alert.pk])]
    assert mailoutbox == []
    with time_machine.travel(monday_8am, tick=False):
        assert run(tasks.alert_on_call) == ["alerting 1"]


def test_the_on_call_alert_goes_once(weekday_rota, mailoutbox):
    alert = raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)
    tasks.alert_on_call.call(alert.pk)

    assert tasks.alert_on_call.call(alert.pk) == "already alerted"
    assert len(queued(tasks.send_alert_email)) == 1


def test_escalation_waits_for_the_delay_then_tells_the_contacts_and_repeats(
    weekday_rota, contact, mailoutbox
):
    alert = raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)
    early = MONDAY_MORNING + timedelta(minutes=29)

    with time_machine.travel(early, tick=False):
        assert tasks.escalate.call(alert.pk, 1) == "not due yet"
    due = MONDAY_MORNING + timedelta(minutes=30)
    assert queued(tasks.escalate)[-1] == (due, [alert.pk, 1])

    with time_machine.travel(due, tick=False):
        assert tasks.escalate.call(alert.pk, 1) == "escalation 1 to 1"
        assert tasks.escalate.call(alert.pk, 1) == "already escalated"
        run(tasks.send_alert_email)

    (message,) = mailoutbox
    assert message.to == ["director@clinic.example"]
    assert message.subject == "An urgent intake is waiting (nobody has acknowledged it yet)"
    assert "This is escalation 1" in message.body
    alert.refresh_from_db()
    assert (alert.escalations_sent, alert.last_escalated_at) == (1, due)
    assert queued(tasks.escalate)[-1] == (due + timedelta(minutes=30), [alert.pk, 2])
    event = AuditEvent.objects.get(action="urgent_alert_escalated")
    assert event.detail == {
        "alert_id": alert.pk,
        "round": 1,
        "recipients": 1,
        "minutes_after_alert": 30,
    }
    assert event.at == due
    sent = AuditEvent.objects.get(action="urgent_alert_sent")
    assert sent.detail["stage"] == "escalation" and sent.detail["to"] == f"contact:{contact.pk}"


def test_without_contacts_the_escalation_goes_to_the_clinicians_on_call(weekday_rota, mailoutbox):
    alert = raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)

    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=30), tick=False):
        tasks.escalate.call(alert.pk, 1)
        run(tasks.send_alert_email)

    assert [m.to for m in mailoutbox] == [["casey@clinic.example"]]


def test_the_reviews_acknowledgement_answers_the_alert_and_stops_escalation(
    weekday_rota, contact, mailoutbox
):
    submission = urgent_submission()
    alert = raise_urgent_alert(submission, now=MONDAY_MORNING)
    tasks.alert_on_call.call(alert.pk)

    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=12), tick=False):
        Acknowledgement.acknowledge(submission, action="called", note="", by=weekday_rota)
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=30), tick=False):
        assert run(tasks.escalate) == ["acknowledged"]
        assert run(tasks.send_alert_email) == ["acknowledged"]  # the on-call email, not needed

    assert mailoutbox == []
    alert.refresh_from_db()
    assert alert.acknowledged_at == MONDAY_MORNING + timedelta(minutes=12)
    assert alert.acknowledged_by == weekday_rota
    event = AuditEvent.objects.get(action="urgent_alert_acknowledged")
    assert (event.actor, event.target_reference) == (weekday_rota, submission.reference)
    assert event.detail == {"alert_id": alert.pk, "minutes_after_alert": 12, "escalations_sent": 0}
    assert queued(tasks.escalate) == []  # the chain has ended


def test_an_acknowledgement_from_before_the_alert_does_not_answer_it(weekday_rota):
    submission = urgent_submission()
    with time_machine.travel(MONDAY_MORNING - timedelta(days=1), tick=False):
        Acknowledgement.acknowledge(submission, action="called", note="", by=weekday_rota)
    alert = raise_urgent_alert(submission, "rescreened", now=MONDAY_MORNING)

    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=30), tick=False):
        assert tasks.escalate.call(alert.pk, 1) == "escalation 1 to 1"


@override_settings(EMAIL_BACKEND=BROKEN)
def test_a_failed_email_is_retried_with_backoff_then_given_up_on(weekday_rota, caplog):
    alert = raise_urgent_alert(urgent_submission(), now=MONDAY_MORNING)
    tasks.alert_on_call.call(alert.pk)
    results, moment = [], MONDAY_MORNING
    for _ in range(tasks.MAX_SEND_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            results += run(tasks.send_alert_email)
        waiting = queued(tasks.send_alert_email)
        if waiting:
            moment = waiting[0][0]

    assert results == ["will retry"] * 4 + ["gave up"]
    assert queued(tasks.send_alert_email) == []
    assert "SMTPRecipientsRefused: the mail server refused the address" in caplog.text
    assert "casey@clinic.example" not in caplog.text
    assert "urgent_alert_sent" not in actions()


def test_a_deleted_submission_ends_its_alerts_quietly(weekday_rota):
    submission = urgent_submission()
    alert = raise_urgent_alert(submission, now=MONDAY_MORNING)
    submission.delete()

    assert tasks.alert_on_call.call(alert.pk) == "gone"
    assert tasks.escalate.call(alert.pk, 1) == "gone"
