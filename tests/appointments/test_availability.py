"""Coordinators publish clinicians' availability: one slot at a time or a weekly pattern, in
the clinic's time zone, stored in UTC, right across daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from appointments import availability, booking
from appointments.models import Slot
from tests.factories import StaffFactory, csrf_post, make_appointment_request, make_slot

pytestmark = pytest.mark.django_db

PAGE = reverse("appointments_staff:availability")
ADD_SLOT = reverse("appointments_staff:add_slot")
ADD_PATTERN = reverse("appointments_staff:add_pattern")
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def casey(clinician):
    return clinician


def weekly(clinician, first, last, weekdays=(0, 1, 2, 3, 4), start=time(9), end=time(11), **kw):
    return availability.add_weekly_slots(
        clinician=clinician,
        weekdays=weekdays,
        start=start,
        end=end,
        minutes=kw.pop("minutes", 60),
        first=first,
        last=last,
        by=None,
        now=kw.pop("now", LONG_AGO),
        **kw,
    )


def local_times(slots):
    return sorted({timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots})


def test_a_nine_oclock_pattern_stays_nine_oclock_across_the_november_2026_change(casey):
    # Clocks go back on Sunday 1 November 2026 in New York.
    result = weekly(casey, date(2026, 10, 29), date(2026, 11, 3), weekdays=(3, 4, 0, 1))

    slots = Slot.objects.filter(clinician=casey).order_by("starts_at")
    assert len(result.created) == slots.count() == 8
    assert local_times(slots) == ["09:00", "10:00"]
    nine = [s for s in slots if timezone.localtime(s.starts_at).hour == 9]
    assert [s.starts_at.astimezone(UTC).hour for s in nine] == [13, 13, 14, 14]
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in slots)


def test_a_nine_oclock_pattern_stays_nine_oclock_across_the_march_2027_change(casey):
    # Clocks go forward on Sunday 14 March 2027.
    weekly(casey, date(2027, 3, 11), date(2027, 3, 16), weekdays=(3, 4, 0, 1), end=time(10))

    slots = Slot.objects.filter(clinician=casey).order_by("starts_at")
    assert local_times(slots) == ["09:00"]
    assert [s.starts_at.astimezone(UTC).hour for s in slots] == [14, 14, 13, 13]


def test_a_time_the_clocks_skip_is_not_created(casey):
    result = weekly(
        casey, date(2027, 3, 14), date(2027, 3, 14), weekdays=(6,), start=time(1), end=time(4)
    )

    # 1:00 EST lasts its hour (to 3:00 EDT); 2:00 never happens; 3:00 EDT follows.
    assert local_times(result.created) == ["01:00", "03:00"]
    assert [s.ends_at - s.starts_at for s in result.created] == [timedelta(hours=1)] * 2


def test_overlapping_and_past_times_are_skipped_and_counted(casey):
    today = date(2027, 2, 1)
    tomorrow = today + timedelta(days=1)
    existing = make_slot(casey, starts_in=timedelta(0))
    Slot.objects.filter(pk=existing.pk).update(
        starts_at=availability.to_utc(tomorrow, time(9, 30)),
        ends_at=availability.to_utc(tomorrow, time(10)),
    )

    result = weekly(
        casey, today, tomorrow, weekdays=range(7), now=availability.to_utc(today, time(9, 30))
    )

    assert result.past == 1  # 9:00 today
    assert result.overlapping == 1  # 9:00 tomorrow
    assert [timezone.localtime(s.starts_at) for s in result.created] == [
        availability.to_utc(today, time(10)),
        availability.to_utc(tomorrow, time(10)),
    ]
    assert Slot.objects.filter(clinician=casey).count() == 3


def test_the_same_pattern_twice_adds_nothing_the_second_time(casey):
    first = weekly(casey, date(2027, 1, 4), date(2027, 1, 8))
    second = weekly(casey, date(2027, 1, 4), date(2027, 1, 8))

    assert (len(first.created), len(second.created), second.overlapping) == (10, 0, 10)


def test_a_huge_pattern_is_refused(casey):
    with pytest.raises(availability.AvailabilityError, match="Choose a shorter date range"):
        weekly(
            casey,
            date(2027, 1, 1),
            date(2027, 12, 31),
            weekdays=range(7),
            start=time(0),
            end=time(23),
            minutes=10,
        )

    assert not Slot.objects.exists()


def test_coordinator_adds_a_weekly_pattern_with_csrf(csrf_client, coordinator, casey):
    csrf_client.force_login(coordinator)

    response = csrf_post(
        csrf_client,
        PAGE,
        ADD_PATTERN,
        {
            "pattern-clinician": casey.pk,
            "pattern-weekdays": ["1", "3"],
            "pattern-start_time": "09:00",
            "pattern-end_time": "12:00",
            "pattern-slot_minutes": "45",
            "pattern-first_day": "2027-03-08",
            "pattern-last_day": "2027-03-19",
            "pattern-mode": "video",
            "pattern-video_instructions": "A link arrives the day before.",
        },
    )

    assert response.status_code == 302
    assert f"clinician={casey.pk}" in response["Location"]
    slots = Slot.objects.filter(clinician=casey)
    # Tue 9, Thu 11, Tue 16, Thu 18 March; 9:00, 9:45, 10:30, 11:15 (ends at noon).
    assert slots.count() == 16
    assert local_times(slots) == ["09:00", "09:45", "10:30", "11:15"]
    assert {s.mode for s in slots} == {"video"}
    assert {s.created_by for s in slots} == {coordinator}
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["16 slots added."]


def test_coordinator_adds_one_slot(client, coordinator, casey):
    client.force_login(coordinator)
    day = timezone.localdate() + timedelta(days=7)

    response = client.post(
        ADD_SLOT,
        {
            "slot-clinician": casey.pk,
            "slot-day": day.isoformat(),
            "slot-start_time": "14:00",
            "slot-end_time": "14:50",
            "slot-mode": "in_person",
            "slot-location": "Room 2",
        },
    )

    assert response.status_code == 302
    slot = Slot.objects.get()
    assert timezone.localtime(slot.starts_at).time() == time(14)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=50)
    assert (slot.clinician, slot.mode, slot.location) == (casey, "in_person", "Room 2")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slot-end_time": "13:00"}, "end_time", "end time must be after the start time"),
        ({"slot-day": "2020-01-06"}, "day", "already passed"),
        ({"slot-start_time": "14:30", "slot-end_time": "15:30"}, "start_time", "overlapping"),
        ({"slot-clinician": ""}, "clinician", "Choose the clinician."),
        (
            {"slot-day": "2027-03-14", "slot-start_time": "02:15", "slot-end_time": "02:45"},
            "start_time",
            "clocks go forward",
        ),
    ],
)
def test_a_bad_slot_is_explained_next_to_the_field(
    client, coordinator, casey, changes, field, message
):
    client.force_login(coordinator)
    day = timezone.localdate() + timedelta(days=7)
    make_slot(casey, starts_in=availability.to_utc(day, time(15)) - timezone.now())

    response = client.post(
        ADD_SLOT,
        {
            "slot-clinician": casey.pk,
            "slot-day": day.isoformat(),
            "slot-start_time": "14:00",
            "slot-end_time": "15:00",
            "slot-mode": "either",
            **changes,
        },
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["slot_form"].errors[field])
    assert f'href="#id_slot-{field}"' in response.content.decode()
    assert Slot.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pattern-weekdays": []}, "weekdays", "Choose at least one day of the week."),
        ({"pattern-slot_minutes": "500"}, "slot_minutes", "less than or equal to 240"),
        ({"pattern-end_time": "09:30"}, "slot_minutes", "must fit between"),
        ({"pattern-last_day": "2027-01-01"}, "last_day", "on or after the first day"),
        ({"pattern-last_day": "2029-01-01"}, "last_day", "at most a year"),
    ],
)
def test_a_bad_pattern_is_explained_next_to_the_field(
    client, coordinator, casey, changes, field, message
):
    client.force_login(coordinator)
    data = {
        "pattern-clinician": casey.pk,
        "pattern-weekdays": ["0"],
        "pattern-start_time": "09:00",
        "pattern-end_time": "12:00",
        "pattern-slot_minutes": "60",
        "pattern-first_day": "2027-02-01",
        "pattern-last_day": "2027-02-28",
        "pattern-mode": "either",
        **changes,
    }

    response = client.post(ADD_PATTERN, data)

    assert response.status_code == 200
    assert message in " ".join(response.context["pattern_form"].errors[field])
    if field == "weekdays":
        assert 'href="#id_pattern-weekdays_0"' in response.content.decode()
    assert not Slot.objects.exists()


def test_only_clinicians_can_be_given_slots(client, coordinator):
    client.force_login(coordinator)
    day = timezone.localdate() + timedelta(days=7)

    response = client.post(
        ADD_SLOT,
        {
            "slot-clinician": coordinator.pk,
            "slot-day": day.isoformat(),
            "slot-start_time": "09:00",
            "slot-end_time": "10:00",
            "slot-mode": "either",
        },
    )

    assert "Select a valid choice" in " ".join(response.context["slot_form"].errors["clinician"])
    assert not Slot.objects.exists()


def test_a_free_slot_can_be_removed_but_one_with_history_stays(client, coordinator, casey):
    client.force_login(coordinator)
    free = make_slot(casey, starts_in=timedelta(days=2))
    used = make_slot(casey, starts_in=timedelta(days=3))
    appointment = booking.book(make_appointment_request(), used, by=coordinator)
    booking.cancel(appointment, by=coordinator, reason="Clinician ill")

    client.post(reverse("appointments_staff:remove_slot", args=[free.pk]))
    response = client.post(reverse("appointments_staff:remove_slot", args=[used.pk]))

    assert list(Slot.objects.all()) == [used]
    assert "has appointments in its history" in str(list(get_messages(response.wsgi_request))[-1])


@pytest.mark.parametrize("role", ["clinician", None])
def test_clinicians_and_outsiders_cannot_change_availability(client, role, casey):
    client.force_login(StaffFactory(role=role))
    day = timezone.localdate() + timedelta(days=7)

    page = client.get(PAGE)
    post = client.post(
        ADD_SLOT,
        {
            "slot-clinician": casey.pk,
            "slot-day": day.isoformat(),
            "slot-start_time": "09:00",
            "slot-end_time": "10:00",
            "slot-mode": "either",
        },
    )

    assert (page.status_code, post.status_code) == (403, 403)
    assert not Slot.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
