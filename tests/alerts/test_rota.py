"""Who is on call: the weekly pattern in the clinic's wall-clock time (America/New_York, with its
clock changes), overnight shifts, one-off changes, and when somebody next is."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import override_settings

from screening.alerts import next_on_call, on_call_at
from screening.models import OnCallChange, OnCallShift

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

MON, FRI, SAT, SUN = 0, 4, 5, 6


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def shift(clinician, weekday, starts, ends):
    return OnCallShift.objects.create(
        weekday=weekday, starts=time(*starts), ends=time(*ends), clinician=clinician
    )


def change(kind, starts_at, ends_at, clinician=None):
    return OnCallChange.objects.create(
        kind=kind, starts_at=starts_at, ends_at=ends_at, clinician=clinician
    )


def test_a_weekday_shift_is_clinic_time_in_winter_and_in_summer(weekday_rota):
    # Monday 2 March 2026 is on Eastern Standard Time (UTC-5): 8:00 there is 13:00 UTC.
    assert on_call_at(utc(2026, 3, 2, 12, 59)) == []
    assert on_call_at(utc(2026, 3, 2, 13, 0)) == [weekday_rota]
    assert on_call_at(utc(2026, 3, 3, 0, 59)) == [weekday_rota]  # 19:59 EST
    assert on_call_at(utc(2026, 3, 3, 1, 0)) == []  # 20:00 EST
    # A week later the clocks have gone forward (EDT, UTC-4): 8:00 is 12:00 UTC.
    assert on_call_at(utc(2026, 3, 9, 11, 59)) == []
    assert on_call_at(utc(2026, 3, 9, 12, 0)) == [weekday_rota]
    assert on_call_at(utc(2026, 3, 9, 23, 59)) == [weekday_rota]  # 19:59 EDT
    assert on_call_at(utc(2026, 3, 10, 0, 0)) == []  # 20:00 EDT


def test_the_weekend_has_nobody_on_a_weekday_rota(weekday_rota):
    assert on_call_at(utc(2026, 3, 7, 15, 0)) == []  # Saturday 10:00
    assert on_call_at(utc(2026, 3, 8, 15, 0)) == []  # Sunday 11:00


@override_settings(TIME_ZONE="America/Los_Angeles")
def test_the_clinic_time_zone_is_the_setting(weekday_rota):
    # 8:00 in Los Angeles on Monday 2 March 2026 (PST, UTC-8) is 16:00 UTC.
    assert on_call_at(utc(2026, 3, 2, 15, 59)) == []
    assert on_call_at(utc(2026, 3, 2, 16, 0)) == [weekday_rota]


def test_an_overnight_shift_runs_into_the_next_morning(clinician):
    shift(clinician, FRI, (22, 0), (8, 0))

    assert on_call_at(utc(2026, 3, 7, 2, 59)) == []  # Friday 21:59 EST
    assert on_call_at(utc(2026, 3, 7, 3, 0)) == [clinician]  # Friday 22:00
    assert on_call_at(utc(2026, 3, 7, 12, 59)) == [clinician]  # Saturday 07:59
    assert on_call_at(utc(2026, 3, 7, 13, 0)) == []  # Saturday 08:00


def test_midnight_as_the_end_is_the_end_of_the_day(clinician):
    shift(clinician, MON, (18, 0), (0, 0))

    assert on_call_at(utc(2026, 3, 3, 4, 59)) == [clinician]  # Monday 23:59 EST
    assert on_call_at(utc(2026, 3, 3, 5, 0)) == []  # Tuesday 00:00


def test_the_night_the_clocks_go_forward_is_an_hour_shorter(clinician):
    # Sunday 8 March 2026: at 2:00 EST the clocks jump to 3:00 EDT.
    shift(clinician, SUN, (1, 0), (5, 0))

    assert on_call_at(utc(2026, 3, 8, 5, 59)) == []  # 0:59 EST
    assert on_call_at(utc(2026, 3, 8, 6, 30)) == [clinician]  # 1:30 EST
    assert on_call_at(utc(2026, 3, 8, 7, 30)) == [clinician]  # 3:30 EDT
    assert on_call_at(utc(2026, 3, 8, 8, 59)) == [clinician]  # 4:59 EDT
    assert on_call_at(utc(2026, 3, 8, 9, 0)) == []  # 5:00 EDT: three hours after 1:00 EST


def test_the_night_the_clocks_go_back_covers_the_repeated_hour_twice(clinician):
    # Sunday 1 November 2026: at 2:00 EDT the clocks go back to 1:00 EST.
    shift(clinician, SUN, (1, 0), (2, 0))

    assert on_call_at(utc(2026, 11, 1, 4, 59)) == []  # 0:59 EDT
    assert on_call_at(utc(2026, 11, 1, 5, 30)) == [clinician]  # 1:30 EDT
    assert on_call_at(utc(2026, 11, 1, 6, 30)) == [clinician]  # 1:30 EST, the second time
    assert on_call_at(utc(2026, 11, 1, 7, 0)) == []  # 2:00 EST


def test_a_clinician_removed_for_a_range_is_not_on_call_then(weekday_rota, colleague):
    shift(colleague, MON, (8, 0), (20, 0))
    change("remove", utc(2026, 3, 2, 13), utc(2026, 3, 2, 17), clinician=weekday_rota)

    assert on_call_at(utc(2026, 3, 2, 14)) == [colleague]
    assert on_call_at(utc(2026, 3, 2, 17)) == [weekday_rota, colleague]  # the end is open


def test_a_clinician_added_for_a_range_is_on_call_then_even_at_night(weekday_rota, colleague):
    change("add", utc(2026, 3, 7, 3), utc(2026, 3, 7, 13), clinician=colleague)  # Fri night

    assert on_call_at(utc(2026, 3, 7, 5)) == [colleague]
    assert on_call_at(utc(2026, 3, 7, 13)) == []


def test_nobody_on_call_clears_the_pattern_but_not_who_is_added(weekday_rota, colleague):
    holiday = (utc(2026, 3, 9, 4), utc(2026, 3, 10, 4))  # Monday 9 March, all day
    change("nobody", *holiday)

    assert on_call_at(utc(2026, 3, 9, 14)) == []
    change("add", utc(2026, 3, 9, 14), utc(2026, 3, 9, 16), clinician=colleague)
    assert on_call_at(utc(2026, 3, 9, 15)) == [colleague]


def test_only_active_clinicians_are_on_call(weekday_rota, coordinator):
    shift(coordinator, MON, (8, 0), (20, 0))  # not a clinician: never on call
    assert on_call_at(utc(2026, 3, 2, 14)) == [weekday_rota]

    weekday_rota.is_active = False
    weekday_rota.save()
    assert on_call_at(utc(2026, 3, 2, 14)) == []


def test_next_on_call_is_now_when_somebody_is(weekday_rota):
    now = utc(2026, 3, 2, 14)
    assert next_on_call(now) == now


def test_after_friday_evening_the_next_is_monday_morning_across_the_clock_change(weekday_rota):
    friday_evening = utc(2026, 3, 7, 2)  # Friday 6 March, 21:00 EST
    # Monday 9 March, 8:00 EDT (the clocks went forward on Sunday).
    assert next_on_call(friday_evening) == utc(2026, 3, 9, 12)


def test_next_on_call_skips_a_holiday_and_a_leave(weekday_rota, colleague):
    change("nobody", utc(2026, 3, 9, 4), utc(2026, 3, 10, 4))  # Monday
    change("remove", utc(2026, 3, 10, 4), utc(2026, 3, 10, 16), clinician=weekday_rota)

    # Tuesday: the leave ends at 12:00 EDT, mid-shift.
    assert next_on_call(utc(2026, 3, 7, 2)) == utc(2026, 3, 10, 16)


def test_next_on_call_is_an_added_clinician_at_night(weekday_rota, colleague):
    change("add", utc(2026, 3, 7, 5), utc(2026, 3, 7, 9), clinician=colleague)

    assert next_on_call(utc(2026, 3, 7, 2)) == utc(2026, 3, 7, 5)


def test_nobody_on_call_in_the_horizon_is_none(clinician):
    assert next_on_call(utc(2026, 3, 2, 14)) is None
    shift(clinician, MON, (8, 0), (9, 0))
    assert next_on_call(utc(2026, 3, 2, 14), horizon=timedelta(days=3)) is None
    assert next_on_call(utc(2026, 3, 2, 14)) == utc(2026, 3, 9, 12)
