"""The appointment email outbox's retries run as a background task (django-tasks), not cron:
the booking's transaction queues it, and it follows each failure's backoff until the email is
sent, replaced or given up on."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appointments import booking, notifications
from appointments.models import Notification
from tests.appointments.test_notifications import BROKEN
from tests.factories import make_appointment_request, make_slot

pytestmark = pytest.mark.django_db

TASK = notifications.send_notification


def waiting():
    rows = DBTaskResult.objects.filter(task_path=TASK.module_path, status="READY")
    return [(row.run_after, row.args_kwargs["args"]) for row in rows.order_by("run_after")]


def run_due():
    results = []
    for row in DBTaskResult.objects.ready().filter(task_path=TASK.module_path):
        row.claim("test")
        results.append(row.task.call(*row.args_kwargs["args"]))
        row.set_successful(results[-1])
    return results


def test_the_booking_queues_the_retry_task_in_its_transaction(coordinator):
    before = timezone.now()
    booking.book(make_appointment_request(), make_slot(), by=coordinator)

    ((run_after, args),) = waiting()
    assert args == [Notification.objects.get().pk]
    assert before + timedelta(minutes=1) <= run_after <= timezone.now() + timedelta(minutes=1)


def test_the_task_sends_an_email_the_request_never_got_to(coordinator, mailoutbox):
    # No on-commit attempt here (the test's transaction never commits), as when the process
    # died right after the booking.
    booking.book(make_appointment_request(), make_slot(), by=coordinator)

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert run_due() == ["sent"]

    assert len(mailoutbox) == 1 and Notification.objects.get().status == "sent"
    assert waiting() == []


def test_an_email_already_sent_or_replaced_ends_the_task(coordinator, mailoutbox):
    appointment = booking.book(make_appointment_request(), make_slot(), by=coordinator)
    notifications.deliver(Notification.objects.get().pk)
    booking.reschedule(appointment, make_slot(starts_in=timedelta(days=6)), by=coordinator)
    Notification.objects.filter(status="pending").update(status="superseded")

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sorted(run_due()) == ["done", "done"]


@override_settings(EMAIL_BACKEND=BROKEN)
def test_failures_follow_the_backoff_then_wait_for_a_person(coordinator):
    booking.book(make_appointment_request(), make_slot(), by=coordinator)
    notification = Notification.objects.get()
    moment, results = timezone.now(), []
    for _ in range(Notification.MAX_ATTEMPTS + 1):
        moment = waiting()[0][0] if waiting() else moment
        with time_machine.travel(moment + timedelta(seconds=1), tick=False):
            results += run_due()

    notification.refresh_from_db()
    assert results == ["will retry"] * (Notification.MAX_ATTEMPTS - 1) + ["failed"]
    assert notification.gave_up and notification.attempts == Notification.MAX_ATTEMPTS
    assert waiting() == []
