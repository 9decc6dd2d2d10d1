"""Who may read the FHIR API: integration tokens with the right scope, nobody else."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clinic.models import AuditEvent
from screening.models import IntegrationToken
from tests.factories import make_submission
from tests.fhir.helpers import bearer, make_token, validate

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/fhir/R4/Questionnaire",
    "/fhir/R4/Questionnaire/clinic-intake",
    "/fhir/R4/Patient",
    "/fhir/R4/Patient/{ref}",
    "/fhir/R4/QuestionnaireResponse",
    "/fhir/R4/QuestionnaireResponse/{ref}",
    "/fhir/R4/Observation",
    "/fhir/R4/Observation/{ref}-bp",
]
SCOPE_OF = {
    "Questionnaire": "Questionnaire.read",
    "Patient": "Patient.read",
    "QuestionnaireResponse": "QuestionnaireResponse.read",
    "Observation": "Observation.read",
}


@pytest.fixture
def submission():
    return make_submission()


def refused(response, status, code):
    assert response.status_code == status
    body = json.loads(response.content)
    validate(body)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == code
    for secret in ("Jordan", "Rivera", "jordan.rivera", "1987"):
        assert secret not in response.content.decode()
    return body


@pytest.mark.parametrize("path", PROTECTED)
def test_no_token_gets_401(submission, path):
    response = Client().get(path.format(ref=submission.reference))

    refused(response, 401, "login")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", PROTECTED)
def test_an_unknown_revoked_or_expired_token_gets_401(submission, path):
    _token, revoked = make_token(name="old")
    IntegrationToken.objects.filter(name="old").update(revoked_at=timezone.now())
    _token, expired = make_token(name="expired", expires_at=timezone.now() - timedelta(minutes=1))
    url = path.format(ref=submission.reference)

    refused(Client(**bearer("cit_" + "x" * 43)).get(url), 401, "login")
    refused(Client(**bearer("not even a token")).get(url), 401, "login")
    refused(Client(**bearer(revoked)).get(url), 401, "login")
    refused(Client(**bearer(expired)).get(url), 401, "expired")


@pytest.mark.parametrize("path", PROTECTED)
def test_a_token_without_the_scope_gets_403(submission, path):
    kind = path.split("/")[3]
    others = [scope for name, scope in SCOPE_OF.items() if name != kind]
    _token, secret = make_token(scopes=others)

    refused(Client(**bearer(secret)).get(path.format(ref=submission.reference)), 403, "forbidden")

    _token, allowed = make_token(name="right", scopes=[SCOPE_OF[kind]])
    assert Client(**bearer(allowed)).get(path.format(ref=submission.reference)).status_code == 200


def test_a_token_that_has_not_expired_yet_works(submission):
    _token, secret = make_token(expires_at=timezone.now() + timedelta(days=1))

    response = Client(**bearer(secret)).get(
        f"/fhir/R4/QuestionnaireResponse/{submission.reference}"
    )

    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["clinician", "administrator"])
def test_staff_session_cookies_do_not_open_the_api(request, submission, persona):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/staff/submissions/{submission.reference}/").status_code == 200

    response = client.get(f"/fhir/R4/QuestionnaireResponse/{submission.reference}")

    refused(response, 401, "login")
    event = AuditEvent.objects.filter(action="fhir_api").get()
    assert event.actor is None and event.detail["status"] == 401


def test_the_api_is_read_only(submission):
    _token, secret = make_token()
    client = Client(**bearer(secret))

    for method in (client.post, client.put, client.delete):
        response = method(f"/fhir/R4/QuestionnaireResponse/{submission.reference}")
        refused(response, 405, "not-supported")


def test_too_many_requests_get_429(submission, settings):
    settings.FHIR_API_REQUESTS_PER_MINUTE = 3
    _token, secret = make_token()
    client = Client(**bearer(secret))
    url = f"/fhir/R4/Observation/{submission.reference}-bp"

    statuses = [client.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused(client.get(url), 429, "throttled")


def test_repeated_refusals_from_one_address_are_slowed(settings):
    settings.FHIR_API_REFUSALS_PER_MINUTE = 2

    statuses = [
        Client(**bearer("cit_guess" + str(n))).get("/fhir/R4/Patient").status_code for n in range(3)
    ]

    assert statuses == [401, 401, 429]


def test_refusals_are_audited_with_the_tokens_name(submission):
    _token, secret = make_token(name="Lab interface", scopes=["Questionnaire.read"])

    Client(**bearer(secret)).get(f"/fhir/R4/Patient/{submission.reference}")
    Client().get("/fhir/R4/Patient")

    named, anonymous = AuditEvent.objects.filter(action="fhir_api").order_by("id")
    assert named.actor_label == "token:Lab interface"
    assert named.detail["status"] == 403 and named.detail["refused"] == "forbidden"
    assert anonymous.actor_label == "" and anonymous.detail["status"] == 401


def test_metadata_needs_no_token():
    response = Client().get("/fhir/R4/metadata")

    assert response.status_code == 200
    assert json.loads(response.content)["resourceType"] == "CapabilityStatement"


def test_only_the_secrets_hash_is_stored():
    token, secret = make_token()

    stored = IntegrationToken.objects.values().get(pk=token.pk)

    assert secret not in json.dumps(stored, default=str)
    assert secret.startswith(stored["hint"]) and len(stored["hint"]) < 12


def test_metadata_is_rate_limited_per_address(settings):
    settings.FHIR_API_REQUESTS_PER_MINUTE = 2

    statuses = [Client().get("/fhir/R4/metadata").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
