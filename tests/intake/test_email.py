"""Emailing the private link: only on request, only the link and the clinic's contact."""

import pytest
from django.conf import settings
from django.core import mail

from screening.models import Draft
from tests.intake.helpers import (
    csrf_post,
    draft_at,
    page_text,
    start,
)

pytestmark = pytest.mark.django_db


def test_the_link_is_emailed_on_request_without_any_health_information(csrf_client):
    _draft, token = draft_at("questionnaires", csrf_client)

    response = csrf_post(csrf_client, "/intake/my/email-link/", {})

    assert response["Location"] == "/intake/my/saved/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jordan.rivera@example.org"]
    assert f"http://127.0.0.1:8000/intake/r/{token}/" in message.body
    assert "+1 910 555 0100" in message.body
    # A subject line shows on a lock screen: it names nothing.
    assert message.subject == "Your private link to continue your form"
    # The clinic's name and contact are the only things about the clinic in the body.
    body = message.body.replace(settings.CLINIC_NAME, "").replace(f"/intake/r/{token}/", "")
    for private in ("depress", "sertraline", "Jordan", "suicide", "PHQ", "ketamine", "intake"):
        assert private.lower() not in body.lower(), private
    page = page_text(csrf_client.get(response["Location"]))
    assert "We sent your private link to the email address you gave us" in page
    assert Draft.objects.get().link_emailed_at is not None


def test_a_second_request_within_a_minute_sends_nothing_more(client):
    _draft, token = draft_at("care-team", client)

    client.post("/intake/my/email-link/")
    client.post("/intake/my/email-link/")

    assert len(mail.outbox) == 1


def test_no_email_address_yet_means_no_email_and_no_button(client):
    start(client)

    assert "Email me the link" not in page_text(client.get("/intake/my/saved/"))
    response = client.post("/intake/my/email-link/")

    assert response["Location"] == "/intake/my/saved/"
    assert mail.outbox == []


def test_a_mail_outage_is_explained_not_an_error(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens here
    _draft, token = draft_at("care-team", client)

    response = client.post("/intake/my/email-link/", follow=True)

    assert response.status_code == 200
    assert "We could not send the email just now" in page_text(response)


def test_emailing_needs_a_post(client):
    _draft, token = draft_at("care-team", client)

    assert client.get("/intake/my/email-link/").status_code == 405
    assert mail.outbox == []
