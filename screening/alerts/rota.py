"""Who is on call at a moment, and when somebody next is, from the rota (screening.models.alerts).

The weekly pattern is wall-clock time in the clinic's time zone (settings.TIME_ZONE): a shift
from 08:00 is from 08:00 in winter and in summer, and the day the clocks change simply has an
hour more or less in it. One-off changes are fixed moments. For a moment:

1. the weekly shifts covering its local weekday and time (an overnight shift covers the next
   morning too), less the clinicians a "remove" change covering it names;
2. nobody, if a "nobody on call" change covers it;
3. plus the clinicians an "add" change covering it names.

Only active accounts with the clinician role count.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from screening.models import OnCallChange, OnCallShift
from screening.models.alerts import ON_CALL_STAFF

# How far ahead "when is somebody next on call" looks.
HORIZON = timedelta(days=21)


def clinic_zone():
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Rota:
    """The weekly shifts and the one-off changes of a stretch of time, read once, to answer
    many questions about it without going back to the database."""

    shifts: tuple
    changes: tuple
    on_call_staff: frozenset  # ids of the accounts that may be on call
    zone: ZoneInfo

    @classmethod
    def load(cls, start, end=None):
        """The rota for the moments from `start` to `end` (default: just `start`)."""
        end = end or start
        shifts = tuple(OnCallShift.objects.all())
        changes = tuple(
            OnCallChange.objects.filter(starts_at__lte=end, ends_at__gt=start).order_by(
                "starts_at", "id"
            )
        )
        named = {s.clinician_id for s in shifts} | {c.clinician_id for c in changes}
        staff = get_user_model().objects.filter(ON_CALL_STAFF, pk__in=named - {None})
        return cls(shifts, changes, frozenset(staff.values_list("pk", flat=True)), clinic_zone())

    def on_call_ids(self, moment) -> set:
        local = moment.astimezone(self.zone)
        day, clock = local.weekday(), local.time().replace(tzinfo=None)
        yesterday = (day - 1) % 7
        on_call = set()
        for shift in self.shifts:
            started_today = shift.weekday == day and shift.starts <= clock
            if (started_today and (shift.overnight or clock < shift.ends)) or (
                shift.weekday == yesterday and shift.overnight and clock < shift.ends
            ):
                on_call.add(shift.clinician_id)
        covering = [c for c in self.changes if c.starts_at <= moment < c.ends_at]
        on_call -= {c.clinician_id for c in covering if c.kind == OnCallChange.Kind.REMOVE}
        if any(c.kind == OnCallChange.Kind.NOBODY for c in covering):
            on_call = set()
        on_call |= {c.clinician_id for c in covering if c.kind == OnCallChange.Kind.ADD}
        return on_call & self.on_call_staff

    def boundaries(self, start, end):
        """Every moment in [start, end) at which who is on call may change: the start and end
        of each weekly shift on each day (in clinic time), and of each one-off change."""
        moments = set()
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range((end - start).days + 3):
            day = first + timedelta(days=offset)
            for shift in self.shifts:
                if shift.weekday != day.weekday():
                    continue
                moments.add(datetime.combine(day, shift.starts, tzinfo=self.zone))
                ends_on = day + timedelta(days=1) if shift.overnight else day
                moments.add(datetime.combine(ends_on, shift.ends, tzinfo=self.zone))
        for change in self.changes:
            moments.update((change.starts_at, change.ends_at))
        return sorted(m for m in moments if start <= m < end)

    def next_on_call(self, after, until):
        """The first moment from `after` (itself included) until `until` at which somebody is
        on call, or None."""
        for moment in [after, *self.boundaries(after, until)]:
            if self.on_call_ids(moment):
                return moment
        return None


def on_call_at(moment=None):
    """The clinicians on call at `moment` (default: now), as a list of users."""
    moment = moment or timezone.now()
    ids = Rota.load(moment).on_call_ids(moment)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def next_on_call(after=None, *, horizon=HORIZON):
    """The first moment from `after` (default: now; itself included) at which somebody is on
    call, looking `horizon` ahead; None when nobody is in that time."""
    after = after or timezone.now()
    until = after + horizon
    return Rota.load(after, until).next_on_call(after, until)
