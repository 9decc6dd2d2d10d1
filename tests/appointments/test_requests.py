"""The open requests list, urgent and eligible people first, and each request's page; plus the
include that shows a submission's requests on the staff submission page."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from appointments import booking
from appointments.models import AppointmentRequest
from tests.factories import (
    EXCLUDED_CHANGES,
    REVIEW_CHANGES,
    URGENT_CHANGES,
    StaffFactory,
    intake_document,
    invite,
    make_appointment_request,
    make_callback_request,
    make_slot,
    make_submission,
)

pytestmark = pytest.mark.django_db

URL = reverse("appointments_staff:requests")


def request_for(changes=None, *, name, age_minutes):
    about = {"preferred_name": name}
    submission = make_submission(intake_document(**(changes or {}), about=about))
    req = make_appointment_request(submission)
    AppointmentRequest.objects.filter(pk=req.pk).update(
        created_at=timezone.now() - timedelta(minutes=age_minutes)
    )
    return req


@pytest.fixture
def waiting():
    """Requests of every kind, the oldest of each kind created first."""
    return {
        "old_eligible": request_for(name="Eli Old", age_minutes=600),
        "excluded": request_for(EXCLUDED_CHANGES, name="Exa", age_minutes=900),
        "review": request_for(REVIEW_CHANGES, name="Rev", age_minutes=500),
        "new_eligible": request_for(name="Eli New", age_minutes=10),
        "urgent": request_for(URGENT_CHANGES, name="Urs", age_minutes=5),
        "callback": make_callback_request(
            callback_name="Cal", created_at=timezone.now() - timedelta(minutes=400)
        ),
    }


def test_open_requests_come_urgent_then_eligible_then_review_then_excluded(
    client, coordinator, waiting
):
    client.force_login(coordinator)

    response = client.get(URL)

    shown = [req.pk for req in response.context["page"].object_list]
    expected = ["urgent", "old_eligible", "new_eligible", "review", "callback", "excluded"]
    assert shown == [waiting[name].pk for name in expected]
    body = response.content.decode()
    assert body.index("Urs") < body.index("Eli Old") < body.index("Eli New") < body.index("Exa")
    assert "outcome-urgent" in body and "Call-back, no intake" in body


def test_booked_and_done_requests_have_their_own_lists(client, coordinator, waiting):
    invite(waiting["review"].submission)
    booking.book(waiting["review"], make_slot(), by=coordinator)
    booking.close_request(waiting["excluded"], by=coordinator, reason="Referred elsewhere")
    client.force_login(coordinator)

    booked = client.get(URL, {"status": "booked"})
    done = client.get(URL, {"status": "done"})
    unknown = client.get(URL, {"status": "whatever"})

    assert [r.pk for r in booked.context["page"].object_list] == [waiting["review"].pk]
    assert waiting["review"].appointments.get().label in booked.content.decode()
    assert [r.pk for r in done.context["page"].object_list] == [waiting["excluded"].pk]
    assert unknown.context["shown"] == "open"


def test_list_query_count_is_pinned(client, coordinator, waiting, django_assert_num_queries):
    client.force_login(coordinator)
    client.get(URL)

    # session read and save (4), user, second-factor device, roles, count, page of requests,
    # their booked appointments, failed emails
    with django_assert_num_queries(11):
        response = client.get(URL)
    for n in range(4):
        request_for(name=f"More {n}", age_minutes=n)
    with django_assert_num_queries(11):
        client.get(URL)
    assert response.status_code == 200


def test_request_page_shows_contact_details_and_history(client, coordinator):
    req = make_appointment_request(
        make_submission(intake_document(**URGENT_CHANGES)),
        preferred_windows=[{"date": "2030-01-08", "part": "morning"}],
        contact_preference="text",
    )
    client.force_login(coordinator)

    body = client.get(reverse("appointments_staff:request_detail", args=[req.pk])).content.decode()

    assert "jordan.rivera@example.org" in body
    assert 'href="tel:+19105550142"' in body
    assert "Tuesday, January 8, 2030: Morning" in body
    assert "Urgent:</strong> contact this person first" in body
    assert "Text message" in body


def test_call_back_request_page_shows_the_phone_and_best_time(client, coordinator):
    req = make_callback_request(notes="Leave a voicemail")
    client.force_login(coordinator)

    body = client.get(reverse("appointments_staff:request_detail", args=[req.pk])).content.decode()

    assert "910 555 0177" in body and "Morning (8 am to noon)" in body
    assert "Leave a voicemail" in body


def test_an_unknown_request_is_404(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("appointments_staff:request_detail", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["clinician", None])
def test_others_cannot_see_requests(client, role, waiting):
    client.force_login(StaffFactory(role=role))

    assert client.get(URL).status_code == 403


def test_submission_include_lists_requests_and_appointments(coordinator):
    submission = make_submission()
    req = make_appointment_request(
        submission, mode="video", preferred_windows=[{"date": "2030-01-08", "part": "evening"}]
    )
    appointment = booking.book(req, make_slot(), by=coordinator)

    html = render_to_string("staff/_submission_appointments.html", {"submission": submission})

    assert "Booked" in html and "by video" in html
    assert "Tuesday, January 8, 2030: Evening" in html
    assert appointment.label in html
    assert reverse("appointments_staff:request_detail", args=[req.pk]) in html


def test_submission_include_without_requests():
    html = render_to_string(
        "staff/_submission_appointments.html", {"submission": make_submission()}
    )

    assert "No appointment requested yet." in html
