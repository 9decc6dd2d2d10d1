"""The clinician's "Download for the EHR (FHIR)" and the integration tokens in the admin."""

import json
import re

import pytest
from django.test import Client
from fhir.resources.bundle import Bundle

from clinic.models import AuditEvent
from screening.models import IntegrationToken
from tests.factories import make_submission
from tests.fhir.helpers import bearer

pytestmark = pytest.mark.django_db


def test_a_clinician_downloads_the_bundle_and_it_is_audited(clinician):
    submission = make_submission()
    client = Client()
    client.force_login(clinician)

    page = client.get(f"/staff/submissions/{submission.reference}/").content.decode()
    response = client.get(f"/staff/submissions/{submission.reference}/fhir/")

    assert "Download for the EHR (FHIR)" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{submission.reference}.fhir.json"'
    )
    assert "no-store" in response["Cache-Control"]
    Bundle.parse_obj(json.loads(response.content))
    event = AuditEvent.objects.get(action="export_submission")
    assert (event.actor, event.target_reference, event.detail) == (
        clinician,
        submission.reference,
        {"as": "fhir"},
    )


def test_coordinators_see_no_download_and_are_refused_it(coordinator):
    submission = make_submission()
    client = Client()
    client.force_login(coordinator)

    page = client.get(f"/staff/submissions/{submission.reference}/").content.decode()

    assert "Download for the EHR" not in page
    assert client.get(f"/staff/submissions/{submission.reference}/fhir/").status_code == 403


def test_an_unknown_reference_is_a_404(clinician):
    client = Client()
    client.force_login(clinician)

    assert client.get("/staff/submissions/ZZZZ-ZZZZ/fhir/").status_code == 404


def test_an_administrator_creates_a_token_and_sees_its_secret_once(administrator):
    submission = make_submission()
    client = Client()
    client.force_login(administrator)

    response = client.post(
        "/admin/screening/integrationtoken/add/",
        {"name": "Epic production", "scopes": ["QuestionnaireResponse.read"], "expires_at": ""},
        follow=True,
    )

    assert response.status_code == 200
    secret = re.search(r"<code>(cit_[A-Za-z0-9_-]+)</code>", response.content.decode()).group(1)
    token = IntegrationToken.objects.get()
    assert token.created_by == administrator and token.scopes == ["QuestionnaireResponse.read"]
    again = client.get(f"/admin/screening/integrationtoken/{token.pk}/change/").content.decode()
    assert secret not in again
    api = Client(**bearer(secret))
    assert api.get(f"/fhir/R4/QuestionnaireResponse/{submission.reference}").status_code == 200
    assert api.get(f"/fhir/R4/Patient/{submission.reference}").status_code == 403
    created = AuditEvent.objects.get(action="integration_token")
    assert created.actor == administrator and created.detail["change"] == "created"


def test_an_administrator_revokes_a_token(administrator):
    token, secret = IntegrationToken.issue("Old interface", ["Patient.read"])
    client = Client()
    client.force_login(administrator)

    client.post(
        "/admin/screening/integrationtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    token.refresh_from_db()
    assert token.state() == "revoked"
    assert Client(**bearer(secret)).get("/fhir/R4/Patient").status_code == 401
    assert AuditEvent.objects.filter(action="integration_token", detail__change="revoked").exists()


def test_tokens_are_never_deleted_in_the_admin(administrator):
    token, _secret = IntegrationToken.issue("Keep", ["Patient.read"])
    client = Client()
    client.force_login(administrator)

    response = client.post(f"/admin/screening/integrationtoken/{token.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert IntegrationToken.objects.filter(pk=token.pk).exists()
