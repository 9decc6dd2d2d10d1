"""setup_demo gives the review queue something to show: a dozen submissions of every outcome,
with a little review history, and nothing twice."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings

from screening.models import Acknowledgement, Assignment, Decision, Submission


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_setup_demo_creates_every_outcome_once(capsys):
    call_command("setup_demo", no_migrate=True)
    first = dict(Submission.objects.values_list("outcome").annotate(n=Count("id")))
    history = (
        Assignment.objects.count(),
        Acknowledgement.objects.count(),
        Decision.objects.count(),
    )

    call_command("setup_demo", no_migrate=True)

    assert first == {
        "urgent": 12,
        "likely_excluded": 12,
        "needs_review": 12,
        "eligible_for_consultation": 12,
    }
    assert Submission.objects.count() == 48
    assert history == (
        Assignment.objects.count(),
        Acknowledgement.objects.count(),
        Decision.objects.count(),
    )
    assert all(history)
    assert Submission.objects.filter(outcome="urgent", acknowledged_at__isnull=True).exists()
    assert Submission.objects.filter(review_status="decided").exists()
    assert "Demo submissions: 0 created" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_setup_demo_publishes_a_schedule_with_requests_to_book(capsys):
    from appointments.models import Appointment, AppointmentRequest, Slot

    call_command("setup_demo", no_migrate=True)
    counts = (Slot.objects.count(), AppointmentRequest.objects.count(), Appointment.objects.count())
    call_command("setup_demo", no_migrate=True)

    slots, requests, appointments = counts
    assert slots >= 40  # three weeks of weekday mornings, minus any already past
    assert set(Slot.objects.values_list("clinician__username", flat=True)) == {"clinician"}
    assert requests == 4  # three from intakes, one call-back
    assert AppointmentRequest.objects.filter(submission__isnull=True).count() == 1
    assert appointments == 1
    assert counts == (
        Slot.objects.count(),
        AppointmentRequest.objects.count(),
        Appointment.objects.count(),
    )
    assert "Demo schedule: 0 slots created" in capsys.readouterr().out
