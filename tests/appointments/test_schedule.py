"""The schedule: a day or a week of slots and appointments, by clinician, in clinic time.
Coordinators see everyone's; a clinician sees their own, read-only."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import booking
from appointments.availability import to_utc
from appointments.models import Slot
from tests.factories import (
    StaffFactory,
    make_appointment_request,
    make_linked_submission,
)

pytestmark = pytest.mark.django_db

URL = reverse("appointments_staff:schedule")


@pytest.fixture
def casey(clinician):
    return clinician


@pytest.fixture
def dana(colleague):
    return colleague


def slot_at(clinician, day, hour, minutes=60):
    starts_at = to_utc(day, time(hour))
    return Slot.objects.create(
        clinician=clinician, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )


@pytest.fixture
def week(casey, dana, coordinator):
    """A week from next Monday: Casey on Monday and Wednesday (Monday 9:00 booked for Jordan),
    Dana on Tuesday."""
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    slots = {
        "casey_mon_9": slot_at(casey, monday, 9),
        "casey_mon_10": slot_at(casey, monday, 10),
        "casey_wed_9": slot_at(casey, monday + timedelta(days=2), 9),
        "dana_tue_14": slot_at(dana, monday + timedelta(days=1), 14),
        "casey_next_mon": slot_at(casey, monday + timedelta(days=7), 9),
    }
    _, submission = make_linked_submission()
    req = make_appointment_request(submission)
    booking.book(req, slots["casey_mon_9"], by=coordinator)
    return monday, slots, req


def test_week_view_shows_every_clinician_in_clinic_time(client, coordinator, week):
    monday, slots, req = week
    client.force_login(coordinator)

    response = client.get(URL, {"date": (monday + timedelta(days=3)).isoformat()})

    body = response.content.decode()
    assert response.status_code == 200
    days = dict(response.context["days"])
    assert list(days) == [monday + timedelta(days=n) for n in range(7)]
    assert [s.pk for s in days[monday]] == [slots["casey_mon_9"].pk, slots["casey_mon_10"].pk]
    assert [s.pk for s in days[monday + timedelta(days=1)]] == [slots["dana_tue_14"].pk]
    assert "9:00 AM to 10:00 AM" in body and "2:00 PM to 3:00 PM" in body
    assert "Jordan" in body
    assert reverse("appointments_staff:request_detail", args=[req.pk]) in body
    assert slots["casey_next_mon"].pk not in {s.pk for day in days.values() for s in day}


def test_day_view_and_clinician_filter(client, coordinator, casey, week):
    monday, slots, _ = week
    client.force_login(coordinator)

    response = client.get(URL, {"date": monday.isoformat(), "view": "day", "clinician": casey.pk})

    days = dict(response.context["days"])
    assert list(days) == [monday]
    assert len(days[monday]) == 2
    assert response.context["chosen"] == casey
    body = response.content.decode()
    assert f"clinician={casey.pk}" in response.context["next_link"]
    assert "Previous day" in body


def test_a_bad_date_falls_back_to_today(client, coordinator):
    client.force_login(coordinator)

    response = client.get(URL, {"date": "not-a-date", "view": "day"})

    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate()


def test_a_clinician_sees_only_their_own_schedule_read_only(client, dana, week):
    monday, slots, _ = week
    client.force_login(dana)

    response = client.get(URL, {"date": monday.isoformat(), "clinician": "anyone"})

    days = dict(response.context["days"])
    shown = [s.pk for day in days.values() for s in day]
    assert shown == [slots["dana_tue_14"].pk]
    body = response.content.decode()
    assert "Remove" not in body and "requests/" not in body
    assert 'href="/staff/appointments/schedule/">My schedule</a>' in body


def test_a_clinician_sees_who_they_are_meeting(client, casey, week):
    monday, _, _ = week
    client.force_login(casey)

    body = client.get(URL, {"date": monday.isoformat()}).content.decode()

    assert "Booked</strong>:" in body and "Jordan" in body


def test_failed_emails_are_shown_to_coordinators_with_a_retry_button(client, coordinator, week):
    from appointments.models import Notification

    monday, slots, req = week
    notification = Notification.objects.get()
    notification.record_failure("SMTPServerDisconnected")
    notification.save()
    client.force_login(coordinator)

    body = client.get(URL, {"date": monday.isoformat()}).content.decode()

    assert "1 email to patients could not be sent" in body
    assert reverse("appointments_staff:retry_email", args=[notification.pk]) in body


def test_schedule_query_count_does_not_grow_with_slots(
    client, coordinator, week, django_assert_num_queries
):
    monday, _, _ = week
    client.force_login(coordinator)
    client.get(URL)  # session and roles warmed

    # session read and save (4), user, second-factor device, roles, clinicians, slots, their
    # appointments, failed emails
    with django_assert_num_queries(11):
        response = client.get(URL, {"date": monday.isoformat()})
    dana = week[1]["dana_tue_14"].clinician
    for n in range(5):
        friday = slot_at(dana, monday + timedelta(days=4), 8 + n)
        booking.book(make_appointment_request(), friday, by=coordinator)
    with django_assert_num_queries(11):
        client.get(URL, {"date": monday.isoformat()})
    assert response.status_code == 200


@pytest.mark.parametrize("role", [None])
def test_outsiders_are_refused(client, role):
    client.force_login(StaffFactory(role=role))

    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_home_for_appointments_leads_to_the_schedule(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("appointments_staff:home"))

    assert response["Location"] == URL
