"""A submission as FHIR resources: valid R4, coded for the EHR, stable across exports."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.bundle import Bundle

from screening.demo import VARIATIONS, demo_intake
from screening.fhir import export
from screening.fhir.resources import SCREENING_NOTE
from screening.models import Decision, Submission
from screening.retention import anonymise_closed
from tests.factories import intake_document, make_submission
from tests.fhir.helpers import loinc_codes, validate, walk_items

pytestmark = pytest.mark.django_db

UCUM = "http://unitsofmeasure.org"


def resources_of(bundle):
    return [entry["resource"] for entry in bundle["entry"]]


def by_type(bundle, kind):
    return [r for r in resources_of(bundle) if r["resourceType"] == kind]


def observation(bundle, code):
    found = [r for r in by_type(bundle, "Observation") if code in loinc_codes(r)]
    assert len(found) == 1, code
    return found[0]


@pytest.fixture
def example():
    submission = make_submission()
    return submission, export.submission_bundle(submission.reference)


@pytest.mark.parametrize("outcome", sorted(VARIATIONS))
def test_a_bundle_for_each_demo_outcome_is_valid_r4(outcome):
    for index, (changes, _about) in enumerate(VARIATIONS[outcome][:3]):
        submission = make_submission(demo_intake(outcome, index, changes))
        assert submission.outcome == outcome

        bundle = export.submission_bundle(submission.reference)

        Bundle.parse_obj(bundle)
        for resource in resources_of(bundle):
            validate(resource)
        assessment = by_type(bundle, "RiskAssessment")[0]
        assert assessment["prediction"][0]["outcome"]["coding"][0]["code"] == outcome


def test_the_bundle_holds_a_patient_a_response_observations_flags_and_an_assessment(example):
    submission, bundle = example

    kinds = [r["resourceType"] for r in resources_of(bundle)]

    assert kinds[:2] == ["Patient", "QuestionnaireResponse"]
    assert kinds.count("Patient") == kinds.count("QuestionnaireResponse") == 1
    assert kinds.count("Flag") == len(submission.screenings.get().result["flags"]) == 4
    assert kinds.count("RiskAssessment") == 1
    assert bundle["type"] == "transaction"


def test_the_patient_has_only_what_the_intake_collected(example):
    _submission, bundle = example

    patient = by_type(bundle, "Patient")[0]

    assert set(patient) <= {
        "resourceType", "identifier", "name", "birthDate", "telecom", "address", "communication",
    }  # fmt: skip
    assert patient["name"][0] == {"use": "official", "text": "Jordan A. Rivera"}
    assert patient["birthDate"] == "1987-03-14"
    assert {t["value"] for t in patient["telecom"]} == {
        "+1 910 555 0142",
        "jordan.rivera@example.org",
    }
    assert "gender" not in patient


def test_the_response_points_at_the_questionnaire_version_and_has_every_answer(example):
    submission, bundle = example

    response = by_type(bundle, "QuestionnaireResponse")[0]

    assert response["questionnaire"] == (
        f"http://127.0.0.1:8000/fhir/R4/Questionnaire/clinic-intake|{submission.questionnaire_version}"
    )
    assert response["status"] == "completed"
    answered = {item["linkId"]: item["answer"] for item in walk_items(response["item"])
                if "answer" in item}  # fmt: skip
    for key, expected in {
        "about.legal_name": {"valueString": "Jordan A. Rivera"},
        "about.date_of_birth": {"valueDate": "1987-03-14"},
        "care_team.emergency_contact.phone": {"valueString": "+1 910 555 0199"},
        "questionnaires.cssrs.q1": {"valueBoolean": False},
        "medical.bp_systolic": {"valueInteger": 128},
        "medical.weight_kg": {"valueDecimal": 72.5},
        "consent.signed_at": {"valueDateTime": "2026-11-20T15:03:40-05:00"},
        "questionnaires.phq9_total": {"valueInteger": 16},
    }.items():
        assert answered[key] == [expected], key
    assert answered["questionnaires.phq9[8]"][0]["valueCoding"]["code"] == "LA6568-5"
    assert [a["valueString"] for a in answered["medical.allergies"]] == ["penicillin"]
    trials = [item for item in walk_items(response["item"])
              if item["linkId"] == "mental_health.antidepressant_trials"]  # fmt: skip
    assert len(trials) == 3
    # Every leaf of the document that is not worked out elsewhere is answered somewhere.
    document = submission.intake
    for section in ("about", "mental_health", "questionnaires", "medical", "substances"):
        for key, value in document[section].items():
            if isinstance(value, (list, dict)) or value is None:
                continue
            assert f"{section}.{key}" in answered, f"{section}.{key}"


def test_phq9_observations_carry_their_loinc_codes_and_values(example):
    _submission, bundle = example

    panel = observation(bundle, "44249-1")
    total = observation(bundle, "44261-6")
    item9 = observation(bundle, "44260-8")

    assert total["valueQuantity"] == {"value": 16, "unit": "{score}", "system": UCUM,
                                      "code": "{score}"}  # fmt: skip
    assert item9["valueCodeableConcept"]["coding"][0]["code"] == "LA6568-5"
    members = {m["reference"] for m in panel["hasMember"]}
    total_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is total)
    assert len(members) == 10 and total_url in members
    for resource in (panel, total, item9):
        assert resource["category"][0]["coding"][0]["code"] == "survey"


def test_gad7_observations_carry_their_loinc_codes_and_values(example):
    _submission, bundle = example

    panel = observation(bundle, "69737-5")
    total = observation(bundle, "70274-6")

    assert total["valueQuantity"]["value"] == 9
    assert len(panel["hasMember"]) == 8
    codes = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")
    items = [observation(bundle, code) for code in codes]
    assert [i["valueCodeableConcept"]["coding"][0]["code"] for i in items] == [
        "LA6570-1", "LA6569-3", "LA6570-1", "LA6569-3", "LA6569-3", "LA6569-3", "LA6569-3",
    ]  # fmt: skip


def test_vital_signs_are_coded_with_ucum_units_and_the_readings_date(example):
    _submission, bundle = example

    pressure = observation(bundle, "85354-9")
    height, weight, bmi = (observation(bundle, c) for c in ("8302-2", "29463-7", "39156-5"))

    assert pressure["effectiveDateTime"] == "2026-11-02"
    components = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in pressure["component"]}
    assert components == {
        "8480-6": {"value": 128, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"},
        "8462-4": {"value": 82, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"},
    }
    assert height["valueQuantity"]["code"] == "cm" and height["valueQuantity"]["value"] == 168
    assert weight["valueQuantity"]["code"] == "kg" and weight["valueQuantity"]["value"] == 72.5
    assert bmi["valueQuantity"] == {"value": 25.7, "unit": "kg/m2", "system": UCUM,
                                    "code": "kg/m2"}  # fmt: skip
    for resource in (pressure, height, weight, bmi):
        assert resource["category"][0]["coding"][0]["code"] == "vital-signs"


def test_flags_and_the_assessment_say_they_are_screening_output(example):
    submission, bundle = example
    stored = submission.screenings.get().result

    flags = by_type(bundle, "Flag")
    assessment = by_type(bundle, "RiskAssessment")[0]
    risk = [o for o in by_type(bundle, "Observation") if "C-SSRS" in o["code"]["text"]][0]

    assert [f["code"]["coding"][0]["code"] for f in flags] == [f["code"] for f in stored["flags"]]
    for flag in flags:
        extensions = {e["url"].rsplit("/", 1)[1]: e for e in flag["extension"]}
        assert extensions["screening-severity"]["valueCode"] == "info"
        assert extensions["screening-ruleset-version"]["valueString"] == stored["ruleset_version"]
        assert "clinician review" in flag["code"]["text"]
        assert "clinician review" in flag["text"]["div"]
    assert assessment["status"] == "preliminary"
    assert assessment["note"] == [{"text": SCREENING_NOTE}]
    assert stored["ruleset_version"] in assessment["method"]["text"]
    assert risk["valueCodeableConcept"]["coding"][0]["code"] == "none"
    assert risk["note"] == [{"text": SCREENING_NOTE}]


def test_repeated_exports_are_identical_and_identifiers_stable(example):
    submission, first = example

    second = export.submission_bundle(submission.reference)
    other = export.submission_bundle(make_submission().reference)

    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    urls = [e["request"]["url"] for e in first["entry"]]
    assert len(set(urls)) == len(urls)
    assert all("?identifier=" in url for url in urls)
    assert "QuestionnaireResponse?identifier=" in urls[1] and submission.reference in urls[1]
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])
    # Entries refer to each other by their full URLs.
    patient_url = first["entry"][0]["fullUrl"]
    assert first["entry"][1]["resource"]["subject"] == {"reference": patient_url}


def test_an_urgent_submission_has_its_risk_and_item_9():
    submission = make_submission(
        intake_document(
            questionnaires={
                "phq9": [2, 3, 2, 3, 1, 2, 2, 1, 3],
                "cssrs": {"q1": True, "q2": True, "q3": True, "q4": True, "q5": False,
                          "q6": False, "q6_past_3_months": None},
            }
        )
    )  # fmt: skip

    bundle = export.submission_bundle(submission.reference)

    assert observation(bundle, "44260-8")["valueCodeableConcept"]["coding"][0]["code"] == (
        "LA6571-9"
    )
    risk = [o for o in by_type(bundle, "Observation") if "C-SSRS" in o["code"]["text"]][0]
    assert risk["valueCodeableConcept"]["coding"][0]["code"] == "high"
    response = by_type(bundle, "QuestionnaireResponse")[0]
    answered = {i["linkId"] for i in walk_items(response["item"]) if "answer" in i}
    assert {"questionnaires.cssrs.q3", "questionnaires.cssrs.q4"} <= answered
    assert "questionnaires.cssrs.q6_past_3_months" not in answered


def test_a_blood_pressure_without_a_date_has_no_made_up_date():
    submission = make_submission(intake_document(medical={"bp_measured_on": None}))

    pressure = observation(export.submission_bundle(submission.reference), "85354-9")

    assert "effectiveDateTime" not in pressure
    assert "not given" in pressure["note"][0]["text"]
    validate(pressure)


def test_an_anonymised_submission_still_exports_valid_resources(clinician):
    submission = make_submission()
    Decision.record(submission, kind=Decision.Kind.INVITE, note="", by=clinician,
                    seen_decision_id=0)  # fmt: skip
    anonymise_closed(timezone.now() + timedelta(days=1), timezone.now())
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.anonymised_at is not None

    bundle = export.submission_bundle(submission.reference)

    for resource in resources_of(bundle):
        validate(resource)
    patient = by_type(bundle, "Patient")[0]
    assert set(patient) == {"resourceType", "identifier"}
    assert observation(bundle, "44261-6")["valueQuantity"]["value"] == 16
