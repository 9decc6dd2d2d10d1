"""Someone without an intake asks to be called back at /appointments/request/, and is invited
to start the intake."""

import pytest
from django.db import connection
from django.urls import reverse

from appointments.models import AppointmentRequest
from clinic import crypto
from tests.factories import csrf_post

pytestmark = pytest.mark.django_db


URL = reverse("appointments:request")
GOOD = {"name": "Robin Park", "phone": "(910) 555-0123", "best_time": "afternoon", "notes": ""}


def test_the_public_page_invites_the_intake_and_offers_a_call_back(client):
    response = client.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/intake/"' in body
    assert "Or ask us to call you back" in body
    for label in ("Your name", "Phone number", "Best time to call"):
        assert label in body


def test_a_call_back_request_is_stored_encrypted_with_csrf(csrf_client):
    response = csrf_post(csrf_client, URL, URL, {**GOOD, "notes": "Voicemail is fine."})

    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:callback_thanks")
    req = AppointmentRequest.objects.get()
    assert (req.submission, req.status, req.best_time) == (None, "open", "afternoon")
    assert (req.callback_name, req.callback_phone, req.notes) == (
        "Robin Park",
        "(910) 555-0123",
        "Voicemail is fine.",
    )
    assert req.callback_phone_index == crypto.blind_index("phone", "910 555 0123")
    assert req.events.get().action == "callback_requested"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT callback_name, callback_phone, notes FROM appointments_appointmentrequest"
        )
        stored = " ".join(cursor.fetchone())
    # Whole values, not fragments: a random ciphertext may contain "555" by chance.
    assert "Robin Park" not in stored and "555 0123" not in stored and "555-0123" not in stored
    assert "Voicemail" not in stored


def test_the_thank_you_page_leads_to_the_intake(client):
    body = client.get(reverse("appointments:callback_thanks")).content.decode()

    assert "we'll call you" in body
    assert 'href="/intake/"' in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "This field is required."),
        ({"phone": "12345"}, "phone", "Enter a phone number we can call"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number we can call"),
        ({"best_time": "midnight"}, "best_time", "Select a valid choice"),
        ({"notes": "x" * 301}, "notes", "at most 300 characters"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(client, changes, field, message):
    response = client.post(URL, {**GOOD, **changes})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'aria-invalid="true"' in body
    if field != "name":
        assert 'value="Robin Park"' in body
    assert not AppointmentRequest.objects.exists()


def test_posting_without_the_csrf_token_is_refused(csrf_client):
    response = csrf_client.post(URL, GOOD)

    assert response.status_code == 403
    assert not AppointmentRequest.objects.exists()


def test_a_flood_of_call_back_requests_is_slowed_down(client):
    for n in range(10):
        assert client.post(URL, {**GOOD, "name": f"Person {n}"}).status_code == 302

    response = client.post(URL, GOOD)

    assert response.status_code == 429
    assert 'href="tel:988"' in response.content.decode()
    assert AppointmentRequest.objects.count() == 10
    assert client.get(URL).status_code == 200  # reading the page is never limited
