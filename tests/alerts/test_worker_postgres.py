"""Urgent alerts through the real worker on PostgreSQL, with real commits: an urgent intake sent
through the intake's pages alerts the clinician on call; a worker in another process sees
nothing until the submission commits and nothing at all when it rolls back; nobody
acknowledging brings the escalation after the delay and again after the repeat interval (the
clock moved forward, not slept); the review's "acknowledge" stops it; two workers at once send
each email once.

Run with DATABASE_URL=postgres://... (CI does); on SQLite these are skipped."""

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from clinic.models import AuditEvent
from screening.alerts import tasks
from screening.intake import flow, steps
from screening.models import OnCallShift, Submission, UrgentAlert
from tests.alerts.conftest import run_worker
from tests.intake.helpers import draft_at, fill, step_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: a worker's own connection, row locks (set DATABASE_URL)",
    ),
]

REPO = Path(__file__).resolve().parents[2]
MONDAY_MORNING = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)  # 9:05 EST
URGENT = {"questionnaires": {"phq9_9": "1"}}  # thoughts of self-harm on some days


def at(**delta):
    return MONDAY_MORNING + timedelta(**delta)


class RolledBack(Exception):
    pass


@pytest.fixture
def always_on_call(clinician):
    """The clinician on call around the clock, so the worker in another process (which runs
    on the real clock) finds somebody."""
    for weekday in range(7):
        OnCallShift.objects.create(
            weekday=weekday, starts=time(0), ends=time(0), clinician=clinician
        )
    return clinician


def ready_to_send(client):
    """An urgent intake, every step saved through the intake's pages, ready to send: the
    draft's id and the consent the review step posts."""
    draft, _token = draft_at("review", client, **URGENT)
    forms = flow.build_step_forms(steps.REVIEW, draft.answers, step_data("review"))
    assert forms.is_valid()
    return draft.pk, forms.to_answers()


def worker_process():
    """`manage.py db_worker --batch` in a process of its own, against the test database, as
    production runs it; its emails go to the console backend, i.e. to what this returns."""
    database = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")},
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def sent_to(mailoutbox):
    return [(m.to[0], m.subject) for m in mailoutbox]


ON_CALL_EMAIL = ("casey@clinic.example", "An urgent intake is waiting")
ESCALATION = (
    "director@clinic.example",
    "An urgent intake is waiting (nobody has acknowledged it yet)",
)


def test_an_urgent_intake_alerts_the_clinician_on_call_through_the_worker(weekday_rota, mailoutbox):
    client = Client()
    with time_machine.travel(MONDAY_MORNING, tick=False):
        _draft, token = draft_at("questionnaires", client)
        fill(client, token, **URGENT)  # through "Send", in its own committed transaction
        submission = Submission.objects.get()
        assert submission.outcome == "urgent"
        assert mailoutbox == []  # nothing is sent by the request itself

        run_worker()

    assert sent_to(mailoutbox) == [ON_CALL_EMAIL]
    assert f"/staff/submissions/{submission.reference}/" in mailoutbox[0].body
    alert = UrgentAlert.objects.get(submission=submission)
    assert alert.alerted_at == MONDAY_MORNING
    event = AuditEvent.objects.get(action="urgent_alert_sent")
    assert (event.at, event.target_reference, event.detail["to"]) == (
        MONDAY_MORNING,
        submission.reference,
        "casey",
    )


def test_a_worker_sees_the_alert_only_once_the_submission_commits(always_on_call):
    draft_pk, consent = ready_to_send(Client())

    with transaction.atomic():
        result = flow.submit(draft_pk, consent)
        assert result.submission.outcome == "urgent"
        assert DBTaskResult.objects.count() == 2  # the alert now, the escalation later
        before_commit = worker_process()
    after_commit = worker_process()

    assert "An urgent intake is waiting" not in before_commit
    assert "Subject: An urgent intake is waiting" in after_commit
    assert "To: casey@clinic.example" in after_commit
    assert result.submission.reference in after_commit  # in the link, the only identifier
    assert UrgentAlert.objects.get().alerted_at is not None


def test_no_alert_for_a_submission_that_rolled_back(always_on_call, mailoutbox):
    draft_pk, consent = ready_to_send(Client())

    with pytest.raises(RolledBack), transaction.atomic():
        assert flow.submit(draft_pk, consent).submission.outcome == "urgent"
        raise RolledBack
    out = worker_process()
    run_worker()

    assert "An urgent intake is waiting" not in out and mailoutbox == []
    assert (Submission.objects.count(), UrgentAlert.objects.count()) == (0, 0)
    assert DBTaskResult.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="urgent_alert").exists()


def test_escalation_after_the_delay_repeats_until_acknowledged_then_stops(
    weekday_rota, contact, mailoutbox
):
    client = Client()
    with time_machine.travel(MONDAY_MORNING, tick=False):
        draft_pk, consent = ready_to_send(client)
        submission = flow.submit(draft_pk, consent).submission
        run_worker()
    assert sent_to(mailoutbox) == [ON_CALL_EMAIL]

    with time_machine.travel(at(minutes=29, seconds=59), tick=False):
        run_worker()
    assert len(mailoutbox) == 1  # not yet: the delay is 30 minutes

    with time_machine.travel(at(minutes=30), tick=False):
        run_worker()
    assert sent_to(mailoutbox)[1:] == [ESCALATION]

    with time_machine.travel(at(minutes=59), tick=False):
        run_worker()
    assert len(mailoutbox) == 2  # the repeat interval is 30 minutes too
    with time_machine.travel(at(minutes=60), tick=False):
        run_worker()
    assert sent_to(mailoutbox)[2:] == [ESCALATION]
    assert "This is escalation 2" in mailoutbox[2].body

    # The clinician acknowledges on the submission's page, 70 minutes in.
    with time_machine.travel(at(minutes=70), tick=False):
        client.force_login(weekday_rota)
        page = f"/staff/submissions/{submission.reference}/"
        response = client.post(
            f"{page}acknowledge/", {"ack-action": "called", "ack-note": "Spoke with them."}
        )
        assert response.status_code == 302
    for minutes in (90, 120, 600):
        with time_machine.travel(at(minutes=minutes), tick=False):
            run_worker()
    assert len(mailoutbox) == 3  # no escalation after the acknowledgement

    alert = UrgentAlert.objects.get()
    assert (alert.escalations_sent, alert.acknowledged_by) == (2, weekday_rota)
    assert alert.acknowledged_at == at(minutes=70)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    trail = list(
        AuditEvent.objects.filter(action__startswith="urgent_alert")
        .order_by("at", "id")
        .values_list("action", "at")
    )
    assert trail == [
        ("urgent_alert_sent", MONDAY_MORNING),
        ("urgent_alert_escalated", at(minutes=30)),
        ("urgent_alert_sent", at(minutes=30)),
        ("urgent_alert_escalated", at(minutes=60)),
        ("urgent_alert_sent", at(minutes=60)),
        ("urgent_alert_acknowledged", at(minutes=70)),
    ]


def test_two_workers_at_once_send_each_email_once(weekday_rota, contact, mailoutbox):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        draft_pk, consent = ready_to_send(Client())
        alert = UrgentAlert.objects.get(submission=flow.submit(draft_pk, consent).submission)
        # A duplicate of each task in the queue, as a retried enqueue could leave behind.
        tasks.alert_on_call.enqueue(alert.pk)
        tasks.escalate.using(run_after=at(minutes=30)).enqueue(alert.pk, 1)

    def worker():
        try:
            run_tasks_in_thread()
        finally:
            connections.close_all()

    with time_machine.travel(at(minutes=31), tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(sent_to(mailoutbox)) == sorted([ON_CALL_EMAIL, ESCALATION])
    assert UrgentAlert.objects.get().escalations_sent == 1


def run_tasks_in_thread():
    """What db_worker's loop does, in a thread (signal handlers can only be set in the main
    thread): claim a due task with SELECT ... FOR UPDATE SKIP LOCKED, run it, repeat."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"thread-{threading.get_ident()}",
        excluded_queue_names=[],
    ).run()
