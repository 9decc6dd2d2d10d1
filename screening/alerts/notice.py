"""What the person's confirmation says about when the clinic reads an intake that needs a
clinician first: honestly, from the on-call rota, in the clinic's time zone."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from clinic import datetimes
from screening.alerts.rota import clinic_zone, next_on_call
from screening.models import UrgentAlert

ON_CALL = "on_call"  # somebody is on call now
CLOSED = "closed"  # nobody is: `from` says when somebody next is ("" when the rota says nothing)
SEEN = "seen"  # a clinician has acknowledged the alert


def from_words(moment, now) -> str:
    """ "8:00 AM (EST) today", "... tomorrow, Tuesday", "... on Monday", "... on Monday,
    January 12, 2027", in the clinic's time zone, in the page's language ("hoy a las 08:00
    (EST)"; clinic.datetimes)."""
    zone = clinic_zone()
    local = moment.astimezone(zone)
    clock = f"{datetimes.time(local)} ({local.tzname()})"
    days = (local.date() - now.astimezone(zone).date()).days
    if days <= 0:
        return gettext("%(clock)s today") % {"clock": clock}
    # "l", the weekday's name, is written the same way in every language.
    if days == 1:
        day = date_format(local, "l")
        return gettext("%(clock)s tomorrow, %(day)s") % {"clock": clock, "day": day}
    if days < 7:
        day = date_format(local, "l")
        return gettext("%(clock)s on %(day)s") % {"clock": clock, "day": day}
    return gettext("%(clock)s on %(day)s") % {"clock": clock, "day": datetimes.day(local)}


def confirmation_notice(submission, now=None) -> dict:
    """{"state": ON_CALL, "told": whether the clinicians on call were alerted} or
    {"state": CLOSED, "from": words or ""} or {"state": SEEN}."""
    now = now or timezone.now()
    alert = UrgentAlert.objects.filter(submission=submission).order_by("-created_at").first()
    if alert is not None and alert.is_acknowledged():
        return {"state": SEEN}
    start = next_on_call(now)
    if start == now:
        return {"state": ON_CALL, "told": alert is not None}
    return {"state": CLOSED, "from": from_words(start, now) if start else ""}
