"""Staff sign-in and sign-out, and the audit events they leave."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from tests.factories import StaffFactory
from tests.review.helpers import text
from tests.signin import confirmed_device, current_code

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def casey(db):
    return StaffFactory(username="casey", role="clinician")


def sign_in(client, username, password, next_url=""):
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR="203.0.113.9")


@pytest.mark.django_db
def test_sign_in_page_has_labelled_fields_and_no_patient_link(client):
    body = text(client.get(reverse("login")))

    assert '<label class="form-label" for="id_username">Username</label>' in body
    assert '<label class="form-label" for="id_password">Password</label>' in body
    assert 'autocomplete="current-password"' in body
    assert "private link" in body


def test_a_clinician_signs_in_lands_on_the_queue_and_it_is_audited(csrf_client, casey):
    device = confirmed_device(casey)
    response = sign_in(csrf_client, "casey", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    # The password alone opens nothing: the queue asks for the authenticator code first.
    second_step = csrf_client.get("/staff/")
    assert second_step["Location"] == "/accounts/two-factor/?next=/staff/"
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        "/accounts/two-factor/",
        {"otp_token": current_code(device), "next": "/staff/", "csrfmiddlewaretoken": token},
    )
    assert response["Location"] == "/staff/"
    assert csrf_client.get("/staff/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.actor == casey
    assert event.actor_label == "casey"
    assert event.ip_address == "203.0.113.9"


def test_sign_in_follows_next_to_the_page_asked_for(csrf_client, casey):
    response = sign_in(csrf_client, "casey", PASSWORD, next_url="/staff/?outcome=urgent")

    assert response["Location"] == "/staff/?outcome=urgent"


def test_sign_in_refuses_to_redirect_to_another_site(csrf_client, casey):
    response = sign_in(csrf_client, "casey", PASSWORD, next_url="https://evil.example/")

    assert response["Location"] == "/staff/"


def test_a_wrong_password_is_refused_clearly_and_audited(csrf_client, casey):
    response = sign_in(csrf_client, "casey", "not-the-password")

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "Please enter a correct username and password" in body
    assert 'value="casey"' in body  # the username typed is kept
    assert "_auth_user_id" not in csrf_client.session
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_label == "casey"
    assert event.ip_address == "203.0.113.9"
    assert "not-the-password" not in str(event.detail)


def test_sign_out_is_a_post_and_is_audited(csrf_client, casey):
    sign_in(csrf_client, "casey", PASSWORD)
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(reverse("logout"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert csrf_client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_OUT, actor=casey).count() == 1


def test_an_inactive_account_cannot_sign_in(csrf_client, casey):
    casey.is_active = False
    casey.save()

    response = sign_in(csrf_client, "casey", PASSWORD)

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).count() == 0
