"""What the person's confirmation says about when the clinic reads an intake that needs a
clinician first: honestly, from the on-call rota, in the clinic's time zone."""

from django.utils import timezone
from django.utils.formats import date_format

from screening.alerts.rota import clinic_zone, next_on_call
from screening.models import UrgentAlert

ON_CALL = "on_call"  # somebody is on call now
CLOSED = "closed"  # nobody is: `from` says when somebody next is ("" when the rota says nothing)
SEEN = "seen"  # a clinician has acknowledged the alert


def from_words(moment, now) -> str:
    """ "8:00 AM (EST) today", "... tomorrow, Tuesday", "... on Monday", "... on Monday 12
    January", in the clinic's time zone."""
    zone = clinic_zone()
    local = moment.astimezone(zone)
    clock = f"{date_format(local, 'g:i A')} ({local.tzname()})"
    days = (local.date() - now.astimezone(zone).date()).days
    if days <= 0:
        return f"{clock} today"
    if days == 1:
        return f"{clock} tomorrow, {date_format(local, 'l')}"
    if days < 7:
        return f"{clock} on {date_format(local, 'l')}"
    return f"{clock} on {date_format(local, 'l j F')}"


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
