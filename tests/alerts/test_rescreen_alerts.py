"""A re-screen that makes a submission urgent alerts the clinicians on call, as a new urgent
intake does, if it still waits for a decision and nobody has acknowledged it."""

from io import StringIO

import pytest
from django.core.management import call_command

from screening.alerts import tasks
from screening.models import ClinicThresholds, Decision, Submission, UrgentAlert
from tests.factories import intake_document, make_submission

pytestmark = pytest.mark.django_db

HIGH_READING = {"medical": {"hypertension": "uncontrolled", "bp_systolic": 170}}


def rescreen():
    out = StringIO()
    call_command("rescreen", "--jobs", "1", stdout=out)
    return out.getvalue()


def lower_the_crisis_limit():
    ClinicThresholds.objects.create(values={"bp_crisis_systolic": 165}, note="stricter")


def test_a_submission_made_urgent_by_a_rescreen_is_alerted(weekday_rota, mailoutbox):
    submission = make_submission(intake_document(**HIGH_READING))
    assert submission.outcome != "urgent"
    lower_the_crisis_limit()

    out = rescreen()

    submission.refresh_from_db()
    assert submission.outcome == "urgent"
    alert = UrgentAlert.objects.get()
    assert (alert.submission, alert.reason) == (submission, "rescreened")
    assert "1 awaiting review became urgent: the clinicians on call are alerted." in out
    assert tasks.alert_on_call.call(alert.pk) in ("alerting 1", "nobody on call")


def test_a_decided_or_already_urgent_submission_is_not_alerted_again(clinician):
    decided = make_submission(intake_document(**HIGH_READING))
    Decision.record(decided, kind="invite", note="Seen.", by=clinician, seen_decision_id=0)
    lower_the_crisis_limit()

    out = rescreen()

    assert Submission.objects.get(pk=decided.pk).outcome == "urgent"
    assert not UrgentAlert.objects.exists()
    assert "alerted" not in out
    rescreen()  # nothing new: nothing alerted
    assert not UrgentAlert.objects.exists()
