"""The FHIR API's answers: valid R4, searches by _lastUpdated and patient, paging, pinned query
counts, and an audit event for every request."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from clinic.models import AuditEvent
from screening.models import Submission
from tests.factories import make_submission
from tests.fhir.helpers import bearer, make_token, validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ehr():
    _token, secret = make_token()
    return Client(**bearer(secret))


@pytest.fixture
def three():
    """Three submissions that changed a day apart, oldest first."""
    now = timezone.now()
    found = []
    for days in (3, 2, 1):
        submission = make_submission()
        Submission.objects.filter(pk=submission.pk).update(updated_at=now - timedelta(days=days))
        found.append(Submission.objects.get(pk=submission.pk))
    return found


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    body = json.loads(response.content)
    validate(body)
    return body


def entries(bundle):
    return [entry["resource"] for entry in bundle["entry"]]


def test_metadata_is_a_capability_statement(ehr):
    statement = get(Client(), "/fhir/R4/metadata")

    assert statement["fhirVersion"] == "4.0.1"
    kinds = {r["type"] for r in statement["rest"][0]["resource"]}
    assert kinds == {"Questionnaire", "Patient", "QuestionnaireResponse", "Observation"}


def test_the_questionnaire_is_read_and_searched(ehr):
    read = get(ehr, "/fhir/R4/Questionnaire/clinic-intake")
    found = get(ehr, f"/fhir/R4/Questionnaire?url={read['url']}&version={read['version']}")
    none = get(ehr, "/fhir/R4/Questionnaire?version=1999.01")

    assert read["resourceType"] == "Questionnaire"
    assert entries(found) == [read]
    assert none["entry"] == []
    get(ehr, "/fhir/R4/Questionnaire/other", status=404)


def test_reads_of_a_submissions_resources(ehr, three):
    reference = three[0].reference

    response = get(ehr, f"/fhir/R4/QuestionnaireResponse/{reference}")
    patient = get(ehr, f"/fhir/R4/Patient/{reference}")
    total = get(ehr, f"/fhir/R4/Observation/{reference}-phq9-total")

    assert response["subject"] == {"reference": f"Patient/{reference}"}
    assert patient["id"] == reference
    assert total["valueQuantity"]["value"] == 16
    assert response["meta"]["lastUpdated"] == three[0].updated_at.isoformat(timespec="seconds")


def test_an_unknown_resource_is_a_404_that_names_nobody(ehr, three):
    for url in (
        "/fhir/R4/QuestionnaireResponse/ZZZZ-ZZZZ",
        f"/fhir/R4/Observation/{three[0].reference}-nothing",
        "/fhir/R4/Patient/not-a-reference",
    ):
        outcome = get(ehr, url, status=404)
        assert outcome["issue"][0]["code"] == "not-found"
        assert three[0].reference not in json.dumps(outcome)


def test_search_by_last_updated(ehr, three):
    day = (timezone.localtime(three[1].updated_at)).date().isoformat()

    since = get(ehr, f"/fhir/R4/QuestionnaireResponse?_lastUpdated=ge{day}")
    before = get(ehr, f"/fhir/R4/QuestionnaireResponse?_lastUpdated=lt{day}")
    exact = get(ehr, f"/fhir/R4/QuestionnaireResponse?_lastUpdated={day}")
    instant = three[2].updated_at.isoformat()
    after = get(ehr, "/fhir/R4/QuestionnaireResponse?_lastUpdated=gt" + instant.replace("+", "%2B"))

    assert [r["id"] for r in entries(since)] == [three[1].reference, three[2].reference]
    assert [r["id"] for r in entries(before)] == [three[0].reference]
    assert [r["id"] for r in entries(exact)] == [three[1].reference]
    assert entries(after) == []


def test_search_by_patient(ehr, three):
    reference = three[1].reference

    responses = get(ehr, f"/fhir/R4/QuestionnaireResponse?patient=Patient/{reference}")
    observations = get(ehr, f"/fhir/R4/Observation?patient={reference}&_count=100")
    vitals = get(ehr, f"/fhir/R4/Observation?patient={reference}&category=vital-signs")
    nobody = get(ehr, "/fhir/R4/Observation?patient=Patient/ZZZZ-ZZZZ")

    assert [r["id"] for r in entries(responses)] == [reference]
    assert {r["subject"]["reference"] for r in entries(observations)} == {f"Patient/{reference}"}
    assert len(entries(observations)) == 25  # 11 PHQ-9, 9 GAD-7, C-SSRS, 4 vitals
    assert {r["code"]["coding"][0]["code"] for r in entries(vitals)} == {
        "85354-9", "8302-2", "29463-7", "39156-5"
    }  # fmt: skip
    assert nobody["entry"] == []


def test_paging_gives_every_observation_once(ehr, three):
    seen, url, pages = [], "/fhir/R4/Observation?_count=7", 0
    while url:
        bundle = get(ehr, url.replace("http://127.0.0.1:8000", ""))
        seen += [r["id"] for r in entries(bundle)]
        assert len(bundle["entry"]) <= 7
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
        pages += 1

    assert len(seen) == len(set(seen)) == 25 * 3
    assert pages == -(-25 * 3 // 7)
    assert seen[0] == f"{three[0].reference}-phq9"


def test_paging_responses_follows_the_order_they_changed(ehr, three):
    first = get(ehr, "/fhir/R4/QuestionnaireResponse?_count=2")
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = get(ehr, following.replace("http://127.0.0.1:8000", ""))

    ids = [r["id"] for r in entries(first) + entries(second)]
    assert ids == [s.reference for s in three]
    assert [link["relation"] for link in second["link"]] == ["self"]


def test_bad_parameters_are_refused_without_details(ehr, three):
    for url in (
        "/fhir/R4/QuestionnaireResponse?_lastUpdated=ge-yesterday",
        "/fhir/R4/QuestionnaireResponse?_cursor=bm9wZQ",
        "/fhir/R4/QuestionnaireResponse?name=Jordan",
        "/fhir/R4/QuestionnaireResponse?_count=many",
    ):
        outcome = get(ehr, url, status=400)
        assert outcome["resourceType"] == "OperationOutcome"
        assert "Jordan" not in json.dumps(outcome)


# Appending to the audit chain reads the newest event's hash (and, on PostgreSQL, first takes
# the chain's advisory lock) before inserting (clinic.models.AuditEvent.save).
CHAIN = 2 if connection.vendor == "postgresql" else 1


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/fhir/R4/QuestionnaireResponse?_lastUpdated=ge2020-01-01&_count=50", 5 + CHAIN),
        ("/fhir/R4/QuestionnaireResponse?_lastUpdated=ge2020-01-01&_count=100", 5 + CHAIN),
        ("/fhir/R4/Observation?_lastUpdated=ge2020-01-01&_count=50", 5 + CHAIN),
        ("/fhir/R4/Observation?_lastUpdated=ge2020-01-01&_count=100", 5 + CHAIN),
        ("/fhir/R4/Patient?_count=50", 5 + CHAIN),
        # Nobody found: no results to read.
        ("/fhir/R4/QuestionnaireResponse?patient=Patient/ABCD-EFGH", 4 + CHAIN),
    ],
)
def test_query_counts_are_pinned(ehr, django_assert_num_queries, url, queries):
    for _ in range(60):
        make_submission()
    ehr.get(url)  # warm: content types, the first connection

    # The token, the submissions, their newest results, the token's last use, the audit event
    # and its link in the chain.
    with django_assert_num_queries(queries):
        response = ehr.get(url)
    assert response.status_code == 200


def test_every_request_is_audited_with_the_tokens_name(three):
    token, secret = make_token(name="Epic production")
    client = Client(**bearer(secret))

    client.get(f"/fhir/R4/QuestionnaireResponse?patient={three[0].reference}")
    client.get(f"/fhir/R4/Observation/{three[1].reference}-bp")

    events = list(AuditEvent.objects.filter(action="fhir_api").order_by("id"))
    assert [e.actor_label for e in events] == ["token:Epic production"] * 2
    assert events[0].detail["references"] == [three[0].reference]
    assert events[0].detail["interaction"] == "search"
    assert events[1].target_reference == three[1].reference
    assert all(e.actor is None for e in events)
    token.refresh_from_db()
    assert token.last_used_at is not None
