"""A person with a submitted intake requests a consultation through their private link, sees
what they asked for, and can cancel it."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, AppointmentEvent, AppointmentRequest
from screening.models import Draft
from tests.factories import (
    URGENT_CHANGES,
    StaffFactory,
    csrf_post,
    intake_document,
    make_linked_submission,
    make_slot,
)

pytestmark = pytest.mark.django_db


def link(token):
    """The private link itself, which binds the token to the browser (clinic.private_links)."""
    return reverse("appointments:request_link", args=[token])


def url(_token):
    # After the link is opened, the pages carry no token: the browser's cookie opens them.
    return reverse("appointments:request_for_intake")


def cancel_url(_token):
    return reverse("appointments:cancel_request")


def in_days(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def linked(client, csrf_client):
    token, submission = make_linked_submission()
    for browser in (client, csrf_client):
        assert browser.get(link(token))["Location"] == url(token)
    return token, submission


def test_unknown_or_expired_link_gets_the_same_kind_404(client):
    draft, token = Draft.start()
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(days=1))

    expired = client.get(link(token))
    unknown = client.get(link("no-such-link-" + "x" * 30))

    assert expired.status_code == unknown.status_code == 404
    assert "not valid or has expired" in expired.content.decode()
    assert expired.content == unknown.content
    assert "no-cache" in expired["Cache-Control"] or "no-store" in expired["Cache-Control"]


def test_a_link_whose_intake_is_not_sent_asks_to_finish_it(client):
    draft, token = Draft.start()

    client.get(link(token))
    response = client.get(url(token))

    assert response.status_code == 200
    assert 'href="/intake/my/"' in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_form_offers_published_slots_and_never_shows_the_outcome(client, linked):
    token, submission = linked
    open_slot = make_slot(starts_in=timedelta(days=3))
    too_soon = make_slot(starts_in=timedelta(hours=5))
    taken = make_slot(starts_in=timedelta(days=4))
    Appointment.objects.create(
        request=AppointmentRequest.objects.create(callback_phone="910 555 0100"),
        slot=taken,
        clinician=taken.clinician,
        starts_at=taken.starts_at,
        ends_at=taken.ends_at,
        mode="in_person",
    )

    response = client.get(url(token))

    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert f'value="{open_slot.pk}"' in body
    assert f'value="{too_soon.pk}"' not in body
    assert f'value="{taken.pk}"' not in body
    assert "eligible" not in body.lower()
    assert submission.outcome not in body
    assert "crisis-panel" not in body


def test_picking_a_slot_stores_the_request_with_csrf(csrf_client, linked):
    token, submission = linked
    slot = make_slot(mode="video")

    response = csrf_post(
        csrf_client,
        url(token),
        url(token),
        {"mode": "video", "slot": slot.pk, "contact_preference": "email"},
    )

    assert response.status_code == 302
    req = AppointmentRequest.objects.get(submission=submission)
    assert (req.status, req.mode, req.slot, req.contact_preference) == (
        "open",
        "video",
        slot,
        "email",
    )
    assert req.events.get().action == AppointmentEvent.Action.REQUESTED
    page = csrf_client.get(url(token)).content.decode()
    assert "What you asked for" in page
    assert slot.label in page
    assert "Cancel my request" in page


def test_preferred_windows_without_a_slot(client, linked):
    token, submission = linked

    response = client.post(
        url(token),
        {
            "mode": "in_person",
            "window1_date": in_days(3),
            "window1_part": "morning",
            "window2_date": in_days(5),
            "window2_part": "evening",
            "contact_preference": "phone",
        },
    )

    assert response.status_code == 302
    req = submission.appointment_requests.get()
    assert req.slot is None
    assert req.preferred_windows == [
        {"date": in_days(3), "part": "morning"},
        {"date": in_days(5), "part": "evening"},
    ]
    page = client.get(url(token)).content.decode()
    day = date.fromisoformat(in_days(5))
    assert f"{day:%A}, {day:%B} {day.day}, {day.year}: Evening" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "slot", "Pick one of the open times, or give at least one day"),
        ({"window1_date": in_days(2)}, "window1_part", "Choose a time of day for this day."),
        ({"window2_part": "morning"}, "window2_date", "Choose the day for this time of day."),
        ({"window1_date": in_days(0), "window1_part": "any"}, "window1_date", "from tomorrow"),
        ({"window1_date": in_days(90), "window1_part": "any"}, "window1_date", "next 60 days"),
        ({"window1_date": "31/02/2026", "window1_part": "any"}, "window1_date", "valid date"),
        ({"slot": "999999"}, "slot", "no longer open"),
    ],
)
def test_bad_answers_get_a_message_next_to_the_field_and_keep_the_rest(
    client, linked, data, field, message
):
    token, _ = linked
    make_slot()

    response = client.post(url(token), {"mode": "video", "contact_preference": "text", **data})

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert 'role="alert"' in body
    assert f'href="#id_{field}' in body
    assert re.search(r'value="text"[^>]*checked', body)  # what was typed is kept
    assert not AppointmentRequest.objects.exists()


def test_a_slot_for_another_mode_is_refused_with_a_reason(client, linked):
    token, _ = linked
    slot = make_slot(mode="in_person")

    response = client.post(
        url(token), {"mode": "video", "slot": slot.pk, "contact_preference": "email"}
    )

    assert response.status_code == 200
    assert "in-person visits only" in " ".join(response.context["form"].errors["slot"])
    assert not AppointmentRequest.objects.exists()


def test_without_published_slots_the_days_are_asked_for(client, linked):
    token, _ = linked

    response = client.post(url(token), {"mode": "video", "contact_preference": "email"})

    assert "no open times to pick online" in response.content.decode()
    assert response.context["form"].errors["window1_date"] == [
        "Give at least one day that suits you."
    ]


def test_a_slot_someone_else_picked_is_not_offered_again(client, linked):
    token, _ = linked
    slot = make_slot()
    other_token, other = make_linked_submission()
    booking.request_consultation(other, mode="either", contact_preference="phone", slot=slot)

    body = client.get(url(token)).content.decode()

    assert f'value="{slot.pk}"' not in body


def test_second_post_shows_the_first_request_instead_of_a_duplicate(client, linked):
    token, submission = linked
    data = {"mode": "either", "window1_date": in_days(2), "window1_part": "any"}
    data["contact_preference"] = "phone"

    client.post(url(token), data)
    response = client.post(url(token), {**data, "window1_part": "morning"})

    assert response.status_code == 200
    assert "What you asked for" in response.content.decode()
    assert submission.appointment_requests.count() == 1


def test_database_allows_one_active_request_per_submission(linked):
    _, submission = linked
    booking.request_consultation(submission, mode="video", contact_preference="email")

    with pytest.raises(booking.AlreadyRequested):
        booking.request_consultation(submission, mode="video", contact_preference="email")


def test_urgent_intake_sees_crisis_resources_and_first_contact(client):
    token, submission = make_linked_submission(intake_document(**URGENT_CHANGES))
    assert submission.outcome == "urgent"
    client.get(link(token))

    form_page = client.get(url(token)).content.decode()
    client.post(
        url(token),
        {
            "mode": "either",
            "window1_date": in_days(1),
            "window1_part": "any",
            "contact_preference": "phone",
        },
    )
    status_page = client.get(url(token)).content.decode()

    for body in (form_page, status_page):
        assert "Our team will contact you first, today if possible." in body
        assert "crisis-panel" in body
        assert 'href="tel:988"' in body
        assert "urgent" not in body.lower()


def test_cancel_asks_first_then_cancels_with_csrf(csrf_client, linked):
    token, submission = linked
    req = booking.request_consultation(
        submission, mode="video", contact_preference="email", windows=[(date(2030, 1, 2), "any")]
    )

    confirm = csrf_client.get(cancel_url(token))
    assert confirm.status_code == 200
    assert "Cancel your request?" in confirm.content.decode()
    req.refresh_from_db()
    assert req.status == "open"

    response = csrf_post(csrf_client, cancel_url(token), cancel_url(token), {})

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "cancelled_by_patient"
    assert req.events.last().action == "cancelled_by_patient"
    assert req.events.last().actor is None
    # They may ask again.
    assert "Send my request" in csrf_client.get(url(token)).content.decode()


def test_cancelling_a_booked_request_cancels_the_appointment_and_frees_the_slot(
    client, linked, mailoutbox, django_capture_on_commit_callbacks
):
    token, submission = linked
    slot = make_slot()
    req = booking.request_consultation(submission, mode="video", contact_preference="email")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booking.book(req, slot, by=StaffFactory(role="coordinator"))
    status = client.get(url(token)).content.decode()
    assert "Your consultation is booked" in status
    assert appointment.label in status

    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url(token))

    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert slot in type(slot).objects.bookable()
    assert [m.subject.split(" is ")[-1] for m in mailoutbox] == ["booked", "cancelled"]


def test_cancel_page_without_a_request_goes_back(client, linked):
    token, _ = linked

    response = client.get(cancel_url(token))

    assert response.status_code == 302
    assert response["Location"] == url(token)


def test_clinicians_free_at_the_same_time_show_as_one_time(client, linked):
    token, _ = linked
    first = make_slot(starts_in=timedelta(days=3))
    same_time = make_slot(starts_in=timedelta(days=3))
    other_mode = make_slot(starts_in=timedelta(days=3), mode="video")

    body = client.get(url(token)).content.decode()

    assert f'value="{first.pk}"' in body
    assert f'value="{same_time.pk}"' not in body
    assert f'value="{other_mode.pk}"' in body
