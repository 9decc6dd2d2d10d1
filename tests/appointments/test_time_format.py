"""One way to write a time (clinic/datetimes.py): "10:00 AM" in English on every page and in
every email, patient or staff; never "p.m." (whose stop doubled at the end of a sentence), never
the 24-hour clock in English; a picked slot says its day."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from appointments import booking
from appointments.models import AppointmentRequest
from screening.models import Draft
from tests.factories import make_linked_submission, make_slot
from tests.intake.helpers import csrf_post, page_text

pytestmark = pytest.mark.django_db

CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b(?! ?[AP]M\b)")
DAY_AND_TIME = re.compile(
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), [A-Z][a-z]+ \d{1,2}, \d{4}, "
    r"\d{1,2}:\d{2} [AP]M to \d{1,2}:\d{2} [AP]M \(E[SD]T\)"
)


def assert_one_time_format(text, where):
    assert CLOCK.findall(text) == [], where
    assert not re.search(r"[ap]\.m\.", text), where
    assert re.search(r"\d{1,2}:\d{2} [AP]M", text), where


def test_every_page_and_email_writes_times_the_same_way(
    client, csrf_client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    token, submission = make_linked_submission()
    # Sent, as a real intake is: its private link opens the status page.
    Draft.objects.filter(pk=submission.draft_id).update(submitted_at=submission.submitted_at)
    slot = make_slot(starts_in=timedelta(days=3))
    csrf_client.get(reverse("appointments:request_link", args=[token]))
    request_url = reverse("appointments:request_for_intake")

    form = csrf_client.get(request_url).content.decode()
    option = re.search(rf'<option value="{slot.pk}"[^>]*>([^<]+)</option>', form).group(1)
    # The chosen option alone (a closed select shows no group) says its day.
    assert DAY_AND_TIME.match(option), option

    response = csrf_post(
        csrf_client,
        request_url,
        {"mode": "either", "slot": slot.pk, "contact_preference": "email"},
    )
    assert response.status_code == 302
    texts = {"request page": page_text(csrf_client.get(request_url))}
    assert DAY_AND_TIME.search(texts["request page"])

    req = AppointmentRequest.objects.get(submission=submission)
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(req, slot, by=coordinator)
    texts["status page"] = page_text(csrf_client.get(f"/intake/r/{token}/", follow=True))
    texts["booking email"] = mailoutbox[-1].body

    client.force_login(coordinator)
    for name, url in {
        "schedule": reverse("appointments_staff:schedule")
        + f"?date={slot.starts_at.date().isoformat()}",
        "request detail": reverse("appointments_staff:request_detail", args=[req.pk]),
        "queue": "/staff/",
    }.items():
        texts[name] = page_text(client.get(url))

    for where, text in texts.items():
        assert_one_time_format(text, where)
