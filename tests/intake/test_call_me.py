""" "Stop for now" from the support page: it says plainly that the clinic cannot see answers that
are not sent, and offers a short "please call me" request that reaches the clinician on call as
urgent (screening.alerts), encrypted, without sending the rest of the intake."""

import pytest
from django.db import connection

from clinic.models import AuditEvent
from screening.models import CallMeRequest, Draft, Submission, UrgentAlert
from tests.intake.helpers import csrf_post, draft_at, page_text, post, step_data, step_url
from tests.review.helpers import signed_in_client

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Jordan Rivera",
    "phone": "(910) 555-0142",
    "best_time": "evening",
    "consent": "on",
}


@pytest.fixture
def at_support(client):
    _draft, token = draft_at("questionnaires", client)
    client.post(step_url(token, "questionnaires"), step_data("questionnaires", phq9_9="2"))
    return token


def stop_url(token):
    return "/intake/my/support/stop/"


def test_the_support_page_leads_to_stop_for_now(client, at_support):
    body = client.get("/intake/my/support/").content.decode()

    assert f'href="{stop_url(at_support)}"' in body
    assert "data-focus-on-load" in body


def test_stop_for_now_says_the_clinic_cannot_see_unsent_answers(client, at_support):
    response = client.get(stop_url(at_support))

    assert response.status_code == 200
    text = page_text(response)
    assert "Our clinic cannot see answers that are not sent." in text
    assert "Would you like us to call you?" in text
    assert "none of your other answers" in text
    body = response.content.decode()
    for field in ('name="name"', 'name="phone"', 'name="best_time"', 'name="consent"'):
        assert field in body
    assert 'name="website"' in body  # the honeypot
    assert "Your private link" in text


def test_a_request_is_stored_encrypted_and_alerts_the_clinician_on_call(csrf_client):
    _draft, token = draft_at("questionnaires", csrf_client)
    post(csrf_client, step_url(token, "questionnaires"), step_data("questionnaires", phq9_9="2"))

    response = csrf_post(csrf_client, stop_url(token), GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/intake/my/support/call-me/"
    call = CallMeRequest.objects.get()
    assert (call.name, call.phone, call.best_time, call.consent) == (
        "Jordan Rivera",
        "(910) 555-0142",
        "evening",
        True,
    )
    assert call.draft == Draft.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, best_time FROM screening_callmerequest")
        stored = cursor.fetchone()
    assert "Jordan" not in stored[0] and "555" not in stored[1] and stored[2] != "evening"
    alert = UrgentAlert.objects.get()
    assert alert.reason == UrgentAlert.Reason.CALL_REQUEST
    assert (alert.target_type, alert.target_id) == ("screening.callmerequest", str(call.pk))
    assert alert.page == f"/staff/call-me/{call.reference}/"
    # The rest of the intake is not sent.
    assert not Submission.objects.exists()
    assert Draft.objects.get().submitted_at is None


def test_the_thanks_page_is_honest_about_when_and_keeps_the_crisis_lines(client, at_support):
    client.post(stop_url(at_support), GOOD)

    response = client.get("/intake/my/support/call-me/")

    text = page_text(response)
    assert "Thank you, we will call you" in text
    # No rota in this test: nobody is on call, and the page does not pretend otherwise.
    assert "We have told the clinician on call" not in text
    assert "988" in text
    assert 'href="tel:988"' in response.content.decode()


def test_the_request_without_a_csrf_token_is_refused(csrf_client):
    _draft, token = draft_at("questionnaires", csrf_client)

    response = csrf_client.post(stop_url(token), GOOD)

    assert response.status_code == 403
    assert not CallMeRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter your name, so we know who to ask for"),
        ({"name": "1234"}, "Enter your name, so we know who to ask for"),
        ({"phone": ""}, "Enter the phone number we should call"),
        ({"phone": "555 0142"}, "include the area code"),
        ({"phone": "call me"}, "Enter a phone number using digits"),
        ({"best_time": "midnight"}, "Choose one of the times shown"),
        ({"consent": None}, "Tick the box to let us call you at this number"),
    ],
)
def test_problems_get_friendly_messages_and_nothing_is_stored(client, at_support, changes, message):
    data = {key: value for key, value in {**GOOD, **changes}.items() if value is not None}

    response = client.post(stop_url(at_support), data)

    assert response.status_code == 200
    assert message in page_text(response)
    assert 'id="error-summary"' in response.content.decode()
    assert not CallMeRequest.objects.exists()
    assert not UrgentAlert.objects.exists()


def test_a_bot_filling_the_honeypot_stores_nothing_and_sees_the_same_next_page(client, at_support):
    response = client.post(stop_url(at_support), {**GOOD, "website": "http://spam.example"})

    assert response["Location"] == "/intake/my/support/call-me/"
    assert not CallMeRequest.objects.exists()
    assert not UrgentAlert.objects.exists()


def test_requests_are_rate_limited(client, at_support):
    for _ in range(10):
        client.post(stop_url(at_support), GOOD)

    response = client.post(stop_url(at_support), GOOD)

    assert response.status_code == 429
    assert CallMeRequest.objects.count() == 10


def test_a_second_request_while_the_first_waits_raises_no_second_alert(client, at_support):
    client.post(stop_url(at_support), GOOD)
    client.post(stop_url(at_support), {**GOOD, "best_time": "morning"})

    assert CallMeRequest.objects.count() == 2
    # One alert per request: each request is its own target.
    assert UrgentAlert.objects.count() == 2


def test_a_wrong_or_sent_link_gets_no_form(client):
    # The private link is checked when opened, and an address from before the exchange too.
    assert client.get("/intake/r/not-a-real-token/").status_code == 404
    assert client.post("/intake/r/not-a-real-token/support/stop/", GOOD).status_code == 404
    assert not CallMeRequest.objects.exists()


# --- The clinician's page --------------------------------------------------------------------


def test_the_on_call_clinician_sees_the_request_and_answers_it(clinician, client, at_support):
    client.post(stop_url(at_support), GOOD)
    call = CallMeRequest.objects.get()
    staff = signed_in_client(clinician, enforce_csrf_checks=True)
    url = f"/staff/call-me/{call.reference}/"

    response = staff.get(url)

    assert response.status_code == 200
    text = page_text(response)
    assert "Jordan Rivera" in text and "(910) 555-0142" in text
    assert "Evening (5 pm to 8 pm)" in text
    assert 'href="tel:9105550142"' in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW_CALL_ME_REQUEST, target_reference=call.reference
    ).exists()

    csrf = staff.cookies["csrftoken"].value
    answered = staff.post(url, {"csrfmiddlewaretoken": csrf})

    assert answered.status_code == 302
    alert = UrgentAlert.objects.get()
    assert (alert.acknowledged_by, alert.acknowledged_at is not None) == (clinician, True)
    assert "Answered by" in page_text(staff.get(url))


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_others_cannot_open_it(request, persona, client, at_support):
    client.post(stop_url(at_support), GOOD)
    call = CallMeRequest.objects.get()
    user = request.getfixturevalue(persona)

    response = signed_in_client(user).get(f"/staff/call-me/{call.reference}/")

    assert response.status_code == 403


def test_signed_out_it_asks_for_sign_in(client, at_support):
    client.post(stop_url(at_support), GOOD)
    call = CallMeRequest.objects.get()
    client.logout()

    response = client.get(f"/staff/call-me/{call.reference}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
