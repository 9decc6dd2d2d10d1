"""Clinicians' availability: single slots and weekly patterns, in the clinic's time zone.

A pattern is laid out in local wall-clock time day by day, then each time is converted to UTC
on its own date, so "Tuesdays at 9:00" stays 9:00 in the clinic across the daylight-saving
changes (it is 14:00 UTC in winter and 13:00 UTC in summer in New York).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from appointments.booking import BookingError, lock_clinicians
from appointments.models import Slot

MAX_PATTERN_SLOTS = 1000


class AvailabilityError(BookingError):
    pass


def clinic_zone():
    return timezone.get_default_timezone()


def to_utc(day: date, at: time):
    """A local wall-clock time in the clinic as UTC, or None when that time does not exist
    (the hour skipped when clocks go forward)."""
    zone = clinic_zone()
    local = datetime.combine(day, at, tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.astimezone(UTC)


def pattern_times(*, weekdays, start, end, minutes, first, last):
    """(starts_at, ends_at) in UTC for every slot of the pattern, in order. Starts follow the
    wall clock; a start the clocks skip is left out. weekdays are Monday=0 ... Sunday=6."""
    length = timedelta(minutes=minutes)
    weekdays = {int(day) for day in weekdays}
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            begin = datetime.combine(day, start)
            stop = datetime.combine(day, end)
            while begin + length <= stop:
                starts_at = to_utc(day, begin.time())
                if starts_at is not None:
                    # A slot lasts its length in real time, even when the clocks change in it.
                    yield starts_at, starts_at + length
                begin += length
        day += timedelta(days=1)


@dataclass
class PatternResult:
    created: list = field(default_factory=list)
    overlapping: int = 0
    past: int = 0


def add_slot(*, clinician, starts_at, ends_at, by, now=None, **details):
    """One slot. Refused when it is in the past or overlaps one of the clinician's slots."""
    now = now or timezone.now()
    if starts_at <= now:
        raise AvailabilityError("That time has already passed: choose a time in the future.")
    with transaction.atomic():
        lock_clinicians(clinician.pk)
        if Slot.objects.overlapping(clinician, starts_at, ends_at).exists():
            raise AvailabilityError(
                "This clinician already has a slot overlapping that time.", field="start_time"
            )
        return Slot.objects.create(
            clinician=clinician, starts_at=starts_at, ends_at=ends_at, created_by=by, **details
        )


def add_weekly_slots(
    *, clinician, weekdays, start, end, minutes, first, last, by, now=None, **details
):
    """Every slot of a weekly pattern, skipping times already past and times that overlap one of
    the clinician's slots (counted, so the coordinator is told)."""
    now = now or timezone.now()
    times = list(
        pattern_times(
            weekdays=weekdays, start=start, end=end, minutes=minutes, first=first, last=last
        )
    )
    if len(times) > MAX_PATTERN_SLOTS:
        raise AvailabilityError(
            f"That pattern makes {len(times)} slots; the most at once is {MAX_PATTERN_SLOTS}. "
            "Choose a shorter date range."
        )
    result = PatternResult()
    if not times:
        return result
    with transaction.atomic():
        lock_clinicians(clinician.pk)
        taken = list(
            Slot.objects.overlapping(clinician, times[0][0], times[-1][1]).values_list(
                "starts_at", "ends_at"
            )
        )
        new = []
        for starts_at, ends_at in times:
            if starts_at <= now:
                result.past += 1
            elif any(starts_at < t_end and ends_at > t_start for t_start, t_end in taken):
                result.overlapping += 1
            else:
                taken.append((starts_at, ends_at))
                new.append(
                    Slot(
                        clinician=clinician,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        created_by=by,
                        **details,
                    )
                )
        result.created = Slot.objects.bulk_create(new)
    return result


def remove_slot(slot):
    """Withdraw a slot nobody was ever booked into (history keeps the others)."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.appointments.exists():
            raise AvailabilityError(
                "This slot has appointments in its history, so it stays. Cancel the appointment "
                "instead if the time is no longer possible."
            )
        slot.delete()
