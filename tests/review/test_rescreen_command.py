"""`manage.py rescreen`: re-evaluates stored submissions after a threshold change, keeps history."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from screening.models import ClinicThresholds, ScreeningResult, Submission
from tests.factories import REVIEW_CHANGES, URGENT_CHANGES, intake_document, make_submission

pytestmark = pytest.mark.django_db


def rescreen(*args):
    out, err = StringIO(), StringIO()
    call_command("rescreen", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def stored():
    """Two people the example describes (two failed adequate trials) and one urgent one."""
    return [
        make_submission(),
        make_submission(intake_document(about={"legal_name": "Sam Second"})),
        make_submission(intake_document(**URGENT_CHANGES)),
    ]


def raise_trial_minimum():
    ClinicThresholds.objects.create(values={"min_failed_trials": 3}, note="stricter TRD")


def test_dry_run_reports_the_changes_and_writes_nothing(stored):
    raise_trial_minimum()

    out, _ = rescreen("--dry-run")

    assert "Dry run" in out
    assert "eligible_for_consultation -> needs_review: 2" in out
    assert ScreeningResult.objects.count() == 3
    assert set(Submission.objects.values_list("outcome", flat=True)) == {
        "eligible_for_consultation",
        "urgent",
    }


def test_rescreen_updates_outcomes_and_keeps_every_earlier_result(stored):
    eligible = stored[0]
    raise_trial_minimum()

    out, _ = rescreen()

    assert "eligible_for_consultation -> needs_review: 2" in out
    eligible.refresh_from_db()
    assert eligible.outcome == "needs_review"
    history = list(eligible.screenings.order_by("created_at", "id"))
    assert [(r.outcome, r.reason) for r in history] == [
        ("eligible_for_consultation", "submit"),
        ("needs_review", "rescreen"),
    ]
    newest = history[-1].result
    assert newest["thresholds"]["min_failed_trials"] == 3
    assert "RV_TRD_NOT_ESTABLISHED" in {flag["code"] for flag in newest["flags"]}
    # The urgent one stays urgent, but its record now carries the thresholds it was judged by.
    assert stored[2].screenings.count() == 2
    assert Submission.objects.get(pk=stored[2].pk).outcome == "urgent"


def test_a_second_run_with_nothing_new_adds_no_history(stored):
    raise_trial_minimum()
    rescreen()

    out, _ = rescreen()

    assert "No outcome changed." in out
    assert "0 with a new result, 3 unchanged" in out
    assert ScreeningResult.objects.count() == 6


def test_filters_limit_what_is_rescreened(stored):
    raise_trial_minimum()

    out, _ = rescreen("--outcome", "urgent")

    assert "screened 1 submission(s)" in out
    assert Submission.objects.filter(outcome="needs_review").count() == 0

    out, _ = rescreen("--reference", stored[0].reference.lower())
    assert "screened 1 submission(s)" in out
    assert Submission.objects.get(pk=stored[0].pk).outcome == "needs_review"


def test_a_bad_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="not a date"):
        call_command("rescreen", "--since", "last tuesday")


@pytest.mark.django_db(transaction=True)
def test_worker_processes_give_the_same_answer_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("--jobs needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for n in range(12):
        make_submission(intake_document(about={"legal_name": f"Person {n}"}))
    make_submission(intake_document(**URGENT_CHANGES))
    raise_trial_minimum()

    out, _ = rescreen("--jobs", "2", "--batch-size", "4")

    assert "screened 13 submission(s): 13 with a new result" in out
    assert "eligible_for_consultation -> needs_review: 12" in out
    assert Submission.objects.filter(outcome="needs_review").count() == 12
    assert ScreeningResult.objects.filter(reason="rescreen").count() == 13


def test_worker_processes_are_refused_on_sqlite():
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("only SQLite refuses worker processes")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("rescreen", "--jobs", "2")


def test_an_unanswered_cssrs_sorts_above_a_screener_answered_no():
    # Both need review; the one answered "no" throughout was submitted first.
    answered_no = make_submission(intake_document(**REVIEW_CHANGES))
    unanswered = make_submission(intake_document(questionnaires={"cssrs": None}))

    assert (answered_no.outcome, unanswered.outcome) == ("needs_review", "needs_review")
    assert (answered_no.cssrs_risk, unanswered.cssrs_risk) == ("none", "unknown")
    assert list(Submission.objects.by_urgency()) == [unanswered, answered_no]
