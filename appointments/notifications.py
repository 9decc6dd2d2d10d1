"""Emails to patients about their appointment, through an outbox (the Notification model).

A change to an appointment writes a Notification row in its own transaction, with a background
task (`send_notification`, run by `manage.py db_worker`) in the same transaction; sending is
attempted right after the commit and, when that fails, again by the task with exponential
backoff (a commit the request did not live to follow up is caught by the task too). A failure is
logged without personal details, shown to staff with a "retry now" button, and never undoes or
blocks the booking. `manage.py send_notifications` sends whatever is due at once, by hand.

What an email says: the time, the place or how to join by video, and how to reach the clinic.
Nothing about health, screening or treatment; the subject names only "your consultation". The
email and its calendar file are in the language the person used for their intake.
"""

import logging
import smtplib
from datetime import UTC
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from icalendar import Calendar, Event, vCalAddress, vText

from appointments.models import Mode, Notification, calendar_uid
from clinic import datetimes

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = Notification.Status

# Attempted from the request that made the change: keep a slow mail server from holding it up.
SEND_TIMEOUT_SECONDS = 10


def queue(appointment, kind):
    """Put the patient's email for this change in the outbox, inside the caller's transaction.
    Returns None when there is nobody to email (a call-back request, an intake without an
    email address)."""
    address = appointment.request.email
    if not address:
        return None
    waiting = appointment.notifications.filter(status__in=[Status.PENDING, Status.FAILED])
    # An email not sent yet describes a state that no longer holds: the new one replaces it.
    waiting.update(status=Status.SUPERSEDED, next_attempt_at=None)
    if kind == Kind.MOVED and not appointment.notifications.filter(status=Status.SENT).exists():
        kind = Kind.BOOKED  # they never heard of the old time
    notification = Notification.objects.create(
        appointment=appointment,
        kind=kind,
        to_address=address,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        mode=appointment.mode,
        place=appointment.place[:320],
        sequence=appointment.sequence,
    )
    transaction.on_commit(partial(send_quietly, notification.pk))
    # The retries, and the first attempt if this process does not live to make it.
    later = timezone.now() + Notification.FIRST_RETRY
    send_notification.using(run_after=later).enqueue(notification.pk)
    return notification


@task()
def send_notification(notification_id):
    """The outbox's retry loop, one email at a time: send it when its time has come, then
    again at each failure's next attempt, until it is sent, replaced or given up on (a person
    then retries it). Does nothing for an email already sent."""
    now = timezone.now()
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status not in (Status.PENDING, Status.FAILED):
        return "done"
    if notification.next_attempt_at is None:
        return "waiting for a person"
    if notification.next_attempt_at <= now:
        delivered = deliver(notification_id, now=now)
        if delivered is None:  # a person's "retry now" holds it: look again in a minute
            send_notification.using(run_after=now + Notification.FIRST_RETRY).enqueue(
                notification_id
            )
            return "busy"
        notification = delivered
    if notification.status == Status.FAILED and notification.next_attempt_at is not None:
        send_notification.using(run_after=notification.next_attempt_at).enqueue(notification_id)
        return "will retry"
    return notification.status


def send_quietly(notification_id):
    """The first attempt, right after the booking commits: whatever happens is logged and
    left for the retry loop; nothing is raised into the request."""
    try:
        deliver(notification_id, timeout=SEND_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("Appointment email %s: first attempt broke", notification_id)


def deliver(notification_id, *, now=None, timeout=None):
    """Send one waiting email now (whatever its next_attempt_at) and record what happened.
    Returns the notification, or None when it was not waiting or another sender holds it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status__in=[Status.PENDING, Status.FAILED])
            .first()
        )
        if notification is None:
            return None
        try:
            build_message(notification, timeout=timeout).send()
        except Exception as exc:  # any failure at all is recorded and retried
            notification.record_failure(describe_error(exc), now)
            logger.warning(
                "Appointment email %s failed (attempt %s, %s): %s",
                notification.pk,
                notification.attempts,
                "giving up" if notification.gave_up else "will retry",
                notification.last_error,
            )
        else:
            notification.record_sent(now)
        notification.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"]
        )
    return notification


def send_due(*, now=None, limit=200):
    """Every email whose time has come, oldest first (`manage.py send_notifications`)."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    summary = {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
    for pk in ids:
        notification = deliver(pk, now=now)
        if notification is None:
            summary["skipped"] += 1
        elif notification.status == Status.SENT:
            summary["sent"] += 1
        elif notification.gave_up:
            summary["gave_up"] += 1
        else:
            summary["failed"] += 1
    return summary


def describe_error(exc):
    """The kind of failure, for staff and logs. Never the exception's text: mail servers put
    the recipient's address in it."""
    name = type(exc).__name__
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{name}: the mail server refused the address"
    return f"{name} (SMTP {code})" if code else name


def language_of(notification):
    """The language of the person's intake (a call-back request has none: the staff language)."""
    submission = notification.appointment.request.submission
    if submission is None:
        return settings.LANGUAGE_CODE
    return submission.answered_in


def build_message(notification, *, timeout=None):
    with translation.override(language_of(notification)):
        return _build_message(notification, timeout=timeout)


def _build_message(notification, *, timeout=None):
    context = {
        "kind": notification.kind,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        "clinic_address": settings.CLINIC_ADDRESS,
        "when": _when(notification),
        # The clinic's default words for a video visit are translated; a slot's own are not.
        "place": gettext(notification.place) if notification.place else "",
        "video": notification.mode == Mode.VIDEO,
    }
    subject = " ".join(render_to_string("appointments/email/subject.txt", context).split())
    body = render_to_string("appointments/email/body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[notification.to_address])
    if timeout is not None:
        message.connection = get_connection(timeout=timeout)
    message.attach("consultation.ics", calendar_file(notification), "text/calendar")
    return message


def _when(notification):
    return datetimes.time_range(notification.starts_at, notification.ends_at)


def calendar_file(notification):
    """The .ics attachment: METHOD:REQUEST for a booking or a move, METHOD:CANCEL for a
    cancellation; one UID per appointment and a SEQUENCE that grows, so a calendar updates the
    event it already has. Times in UTC."""
    cancelled = notification.kind == Kind.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", calendar_uid(notification.appointment_id))
    event.add("sequence", notification.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", notification.starts_at.astimezone(UTC))
    event.add("dtend", notification.ends_at.astimezone(UTC))
    place = gettext(notification.place) if notification.place else ""
    # The words are in the email's language, and say so (RFC 5545 LANGUAGE).
    words = {"LANGUAGE": translation.get_language() or settings.LANGUAGE_CODE}
    event.add(
        "summary",
        gettext("Consultation at %(clinic)s") % {"clinic": settings.CLINIC_NAME},
        parameters=words,
    )
    event.add(
        "location",
        gettext("Video: link sent separately") if notification.mode == Mode.VIDEO else place,
        parameters=words,
    )
    event.add(
        "description",
        gettext("%(place)s\nTo change or cancel: %(phone)s, %(email)s")
        % {"place": place, "phone": settings.CLINIC_PHONE, "email": settings.CLINIC_EMAIL},
        parameters=words,
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.CLINIC_EMAIL}")
    organizer.params["cn"] = vText(settings.CLINIC_NAME)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{notification.to_address}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
