"""What an alert email says: that an urgent intake is waiting, when it came in (clinic time) and
the link to its page behind the staff sign-in. No name, no answer, no screening result, no
reason: an email can be read on a lock screen or forwarded, the page checks who is asking."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation

from clinic import datetimes
from screening.alerts.rota import clinic_zone
from screening.models import UrgentAlert

# A slow mail server must not hold a worker for long; the send is retried.
SEND_TIMEOUT_SECONDS = 10

ON_CALL = "on_call"
ESCALATION = "escalation"

WHAT = {
    UrgentAlert.Reason.SUBMITTED: "An urgent intake is waiting",
    UrgentAlert.Reason.RESCREENED: "An urgent intake is waiting",
    UrgentAlert.Reason.CALL_REQUEST: "An urgent call-back request is waiting",
}


def local_time(moment):
    local = moment.astimezone(clinic_zone())
    return f"{datetimes.day_and_time(local)} ({local.tzname()})"


def link(alert):
    return settings.SITE_URL + alert.page


def subject(alert, stage):
    what = WHAT.get(alert.reason, WHAT[UrgentAlert.Reason.SUBMITTED])
    if stage == ESCALATION:
        return f"{what} (nobody has acknowledged it yet)"
    return what


def body(alert, stage, round_=0):
    what = WHAT.get(alert.reason, WHAT[UrgentAlert.Reason.SUBMITTED])
    lines = [f"{what}.", "", f"Since: {local_time(alert.created_at)}"]
    if stage == ESCALATION:
        lines += [
            "",
            f"Nobody has acknowledged it yet. This is escalation {round_}; you get this because "
            "you are one of the clinic's escalation contacts.",
        ]
    lines += [
        "",
        f"Open it (staff sign-in): {link(alert)}",
        "",
        "Acknowledge it on that page when you have acted, so that nobody else is called.",
        "",
        f"{settings.CLINIC_NAME}",
    ]
    return "\n".join(lines) + "\n"


def build(alert, stage, address, round_=0):
    # Staff emails are in the staff language, even when built in a patient's Spanish request.
    with translation.override(settings.LANGUAGE_CODE):
        return EmailMessage(
            subject=subject(alert, stage),
            body=body(alert, stage, round_),
            to=[address],
            connection=get_connection(timeout=SEND_TIMEOUT_SECONDS),
        )
