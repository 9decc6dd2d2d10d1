"""One submission as FHIR R4 resources: Patient, QuestionnaireResponse, Observations, Flags and
a RiskAssessment. Plain functions over a ``Record`` (the clinic-intake/1 document, the stored
screening result and the submission's metadata), producing dicts.

Identifiers are stable: every resource's id and identifier derive from the submission's
reference code, so exporting the same submission twice names the same records. Flags, the
C-SSRS risk level and the RiskAssessment are the screening rules' output, and say so: they
sort and explain for a clinician, they diagnose and decide nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from screening import questionnaire as q
from screening.questionnaire import FREQUENCY

from .response import response_items
from .systems import FLAG_CATEGORY, LOINC, OBSERVATION_CATEGORY, UCUM, Site

SCREENING_NOTE = (
    "Screening output for clinician review: produced by the clinic's intake screening rules "
    "from the patient's own answers. It sorts and explains; it is not a diagnosis and decides "
    "nothing."
)
SELF_REPORTED = "Reported by the patient on the clinic's intake."

OUTCOME_LABELS = {
    "urgent": "Urgent: contact the person promptly",
    "likely_excluded": "Likely excluded: an answer matches an exclusion, to be confirmed",
    "needs_review": "Needs review by a clinician",
    "eligible_for_consultation": "Eligible for a consultation",
}
CSSRS_LABELS = {
    "none": "No risk indicated by the screener",
    "low": "Low risk",
    "moderate": "Moderate risk",
    "high": "High risk",
    "unknown": "Unknown: the screener was not fully answered",
}
BANDS = {
    "minimal": "Minimal",
    "mild": "Mild",
    "moderate": "Moderate",
    "moderately_severe": "Moderately severe",
    "severe": "Severe",
}
SEVERITY_LABELS = {
    "crisis": "Crisis",
    "exclude": "Possible exclusion",
    "review": "For review",
    "info": "Information",
}


@dataclass(frozen=True, slots=True)
class Record:
    """What the resources are built from."""

    reference: str
    intake: dict
    submitted_at: datetime
    updated_at: datetime
    questionnaire_version: str
    # The newest screening result (ScreeningResult.result) and when it was stored.
    result: dict = field(default_factory=dict)
    screened_at: datetime | None = None

    @property
    def scores(self) -> dict:
        scores = (self.result or {}).get("scores")
        if scores is None:  # an anonymised result keeps its scores in the intake
            scores = (self.intake or {}).get("scores")
        return scores or {}


def instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _ref(kind: str, record: Record, suffix: str = "") -> dict:
    return {"reference": f"{kind}/{resource_id(record.reference, suffix)}"}


def resource_id(reference: str, suffix: str = "") -> str:
    return f"{reference}-{suffix}" if suffix else reference


def _meta(record: Record, *profiles) -> dict:
    meta = {"lastUpdated": instant(record.updated_at)}
    if profiles:
        meta["profile"] = list(profiles)
    return meta


def _identifier(site: Site, kind: str, value: str) -> dict:
    return {"system": site.identifier(kind), "value": value}


def _narrative(*paragraphs: str) -> dict:
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs if text)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


# --- Patient and QuestionnaireResponse -------------------------------------------------------


def patient(site: Site, record: Record) -> dict:
    """Only what the intake collected: name, birth date, contact details, language."""
    about = (record.intake or {}).get("about") or {}
    resource = {
        "resourceType": "Patient",
        "id": record.reference,
        "meta": _meta(record),
        "identifier": [_identifier(site, "submission", record.reference)],
    }
    names = []
    if about.get("legal_name"):
        names.append({"use": "official", "text": about["legal_name"]})
    if about.get("preferred_name"):
        names.append(
            {"use": "usual", "text": about["preferred_name"], "given": [about["preferred_name"]]}
        )
    if names:
        resource["name"] = names
    telecom = []
    if about.get("phone"):
        telecom.append({"system": "phone", "value": about["phone"], "use": "mobile"})
    if about.get("email"):
        telecom.append({"system": "email", "value": about["email"]})
    if telecom:
        resource["telecom"] = telecom
    if about.get("date_of_birth"):
        resource["birthDate"] = about["date_of_birth"]
    address = {
        key: about[source]
        for key, source in (("state", "state"), ("postalCode", "postal_code"))
        if about.get(source)
    }
    if address:
        resource["address"] = [{"use": "home", **address, "country": "US"}]
    if about.get("preferred_language"):
        language = about["preferred_language"]
        resource["communication"] = [
            {
                "language": {
                    "coding": [
                        {
                            "system": "urn:ietf:bcp:47",
                            "code": language,
                            "display": q.LANGUAGE.label_of(language),
                        }
                    ]
                },
                "preferred": True,
            }
        ]
    return resource


def questionnaire_response(site: Site, record: Record) -> dict:
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": record.reference,
        "meta": _meta(record),
        "identifier": _identifier(site, "submission", record.reference),
        "questionnaire": f"{site.questionnaire}|{record.questionnaire_version}",
        "status": "completed",
        "subject": _ref("Patient", record),
        "authored": instant(record.submitted_at),
        "author": _ref("Patient", record),
        "source": _ref("Patient", record),
    }
    items = response_items(site, record.intake or {}, record.scores)
    if items:
        resource["item"] = items
    return resource


# --- Observations ----------------------------------------------------------------------------


def _category(code: str, display: str) -> list:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


SURVEY = ("survey", "Survey")
VITAL = ("vital-signs", "Vital Signs")


def _quantity(value, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _observation(site, record, suffix, code, display, *, category, **values) -> dict:
    return {
        "resourceType": "Observation",
        "id": resource_id(record.reference, suffix),
        "meta": _meta(record, *values.pop("profiles", ())),
        "identifier": [_identifier(site, "observation", resource_id(record.reference, suffix))],
        "status": values.pop("status", "final"),
        "category": _category(*category),
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
        "subject": _ref("Patient", record),
        **values,
    }


def _survey(site, record, suffix, code, display, **values) -> dict:
    return _observation(
        site,
        record,
        suffix,
        code,
        display,
        category=SURVEY,
        effectiveDateTime=instant(record.submitted_at),
        performer=[_ref("Patient", record)],
        derivedFrom=[_ref("QuestionnaireResponse", record)],
        **values,
    )


def _instrument(site, record, *, name, items, answers, panel, total_code, total, band, title):
    """A panel Observation with one member per answered item and one for the total."""
    observations = []
    for number, (question, answer) in enumerate(zip(items, answers or (), strict=False), 1):
        if answer is None:
            continue
        option = FREQUENCY.option(answer)
        observations.append(
            _survey(
                site,
                record,
                f"{name}-{number}",
                question.loinc,
                question.label,
                valueCodeableConcept={
                    "coding": [{"system": LOINC, "code": option.loinc, "display": option.text}]
                    if option
                    else [],
                    "text": option.text if option else str(answer),
                },
            )
        )
    if total is not None:
        extra = {"interpretation": [{"text": BANDS.get(band, band)}]} if band else {}
        observations.append(
            _survey(
                site,
                record,
                f"{name}-total",
                total_code,
                f"{title} total score",
                valueQuantity=_quantity(total, "{score}"),
                **extra,
            )
        )
    if not observations:
        return []
    panel_code, panel_display = panel
    members = [{"reference": f"Observation/{o['id']}"} for o in observations]
    return [
        _survey(site, record, name, panel_code, panel_display, hasMember=members),
        *observations,
    ]


def _cssrs(site: Site, record: Record) -> list:
    risk = record.scores.get("cssrs_risk")
    if not risk:
        return []
    label = CSSRS_LABELS.get(risk, risk)
    observation = _survey(
        site,
        record,
        "cssrs-risk",
        "cssrs-risk",
        "C-SSRS screener: risk level by the intake's screening rules",
        status="preliminary",
        valueCodeableConcept={
            "coding": [{"system": site.code_system("cssrs-risk"), "code": risk, "display": label}],
            "text": label,
        },
        note=[{"text": SCREENING_NOTE}],
    )
    # No LOINC code names the screener's triage level: the clinic's own code says what it is.
    observation["code"] = {
        "coding": [
            {
                "system": site.code_system("screening-score"),
                "code": "cssrs-risk",
                "display": "C-SSRS screener risk level (screening rules)",
            }
        ],
        "text": "C-SSRS screener risk level, by the intake's screening rules",
    }
    return [observation]


def _vitals(site: Site, record: Record) -> list:
    medical = (record.intake or {}).get("medical") or {}
    reported = instant(record.submitted_at)
    found = []
    systolic, diastolic = medical.get("bp_systolic"), medical.get("bp_diastolic")
    if systolic is not None and diastolic is not None:
        taken = medical.get("bp_measured_on")
        when = {"effectiveDateTime": taken} if taken else {}
        note = SELF_REPORTED + ("" if taken else " The date of the reading was not given.")
        found.append(
            _observation(
                site,
                record,
                "bp",
                "85354-9",
                "Blood pressure panel with all children optional",
                category=VITAL,
                profiles=("http://hl7.org/fhir/StructureDefinition/bp",) if taken else (),
                **when,
                performer=[_ref("Patient", record)],
                note=[{"text": note}],
                component=[
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": LOINC,
                                    "code": "8480-6",
                                    "display": "Systolic blood pressure",
                                }
                            ]
                        },
                        "valueQuantity": _quantity(systolic, "mm[Hg]"),
                    },
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": LOINC,
                                    "code": "8462-4",
                                    "display": "Diastolic blood pressure",
                                }
                            ]
                        },
                        "valueQuantity": _quantity(diastolic, "mm[Hg]"),
                    },
                ],
            )
        )
    measures = (
        ("height", "8302-2", "Body height", medical.get("height_cm"), "cm", "bodyheight"),
        ("weight", "29463-7", "Body weight", medical.get("weight_kg"), "kg", "bodyweight"),
        (
            "bmi",
            "39156-5",
            "Body mass index (BMI) [Ratio]",
            record.scores.get("bmi"),
            "kg/m2",
            "bmi",
        ),
    )
    for suffix, code, display, value, unit, profile in measures:
        if value is None:
            continue
        found.append(
            _observation(
                site,
                record,
                suffix,
                code,
                display,
                category=VITAL,
                profiles=(f"http://hl7.org/fhir/StructureDefinition/{profile}",),
                effectiveDateTime=reported,
                performer=[_ref("Patient", record)],
                valueQuantity=_quantity(value, unit),
                note=[
                    {
                        "text": SELF_REPORTED
                        if suffix != "bmi"
                        else "Worked out from the height and weight the patient reported."
                    }
                ],
                **({"derivedFrom": [_ref("Observation", record, "height"),
                                    _ref("Observation", record, "weight")]}
                   if suffix == "bmi" else {}),
            )
        )  # fmt: skip
    return found


def observations(site: Site, record: Record) -> list:
    questionnaires = (record.intake or {}).get("questionnaires") or {}
    scores = record.scores
    return [
        *_instrument(
            site,
            record,
            name="phq9",
            items=q.PHQ9,
            answers=questionnaires.get("phq9"),
            panel=(q.PHQ9_PANEL_LOINC, "PHQ-9 quick depression assessment panel"),
            total_code=q.PHQ9_TOTAL_LOINC,
            total=scores.get("phq9_total"),
            band=scores.get("phq9_band"),
            title="PHQ-9",
        ),
        *_instrument(
            site,
            record,
            name="gad7",
            items=q.GAD7,
            answers=questionnaires.get("gad7"),
            panel=(q.GAD7_PANEL_LOINC, "Generalized anxiety disorder 7 item (GAD-7)"),
            total_code=q.GAD7_TOTAL_LOINC,
            total=scores.get("gad7_total"),
            band=scores.get("gad7_band"),
            title="GAD-7",
        ),
        *_cssrs(site, record),
        *_vitals(site, record),
    ]


# --- Flags and the RiskAssessment ------------------------------------------------------------


def flag_id(reference: str, code: str) -> str:
    return resource_id(reference, "flag-" + code.lower().replace("_", "-"))


def flags(site: Site, record: Record) -> list:
    result = record.result or {}
    version = result.get("ruleset_version") or ""
    found = []
    for flag in result.get("flags") or ():
        code = flag.get("code") or ""
        if not code:
            continue
        severity = flag.get("severity") or ""
        title = flag.get("title") or code
        ident = flag_id(record.reference, code)
        resource = {
            "resourceType": "Flag",
            "id": ident,
            "meta": _meta(record),
            "extension": [
                {"url": site.extension("screening-severity"), "valueCode": severity},
                {"url": site.extension("screening-ruleset-version"), "valueString": version},
            ],
            "identifier": [_identifier(site, "flag", ident)],
            "text": _narrative(
                f"Screening flag for clinician review: {title}.",
                flag.get("rationale") or "",
                f"Source: {flag['source']}" if flag.get("source") else "",
                f"Severity: {SEVERITY_LABELS.get(severity, severity)}. Rule set {version}.",
                SCREENING_NOTE,
            ),
            "status": "active",
            "category": [
                {"coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
            ],
            "code": {
                "coding": [
                    {"system": site.code_system("screening-flag"), "code": code, "display": title}
                ],
                "text": f"{title} (screening flag for clinician review)",
            },
            "subject": _ref("Patient", record),
        }
        if record.screened_at is not None:
            resource["period"] = {"start": instant(record.screened_at)}
        found.append(resource)
    return found


def risk_assessment(site: Site, record: Record, basis=()) -> dict | None:
    result = record.result or {}
    outcome = result.get("outcome")
    if not outcome:
        return None
    version = result.get("ruleset_version") or ""
    label = OUTCOME_LABELS.get(outcome, outcome)
    resource = {
        "resourceType": "RiskAssessment",
        "id": record.reference,
        "meta": _meta(record),
        "text": _narrative(f"Intake screening outcome: {label}.", f"Rule set {version}.",
                           SCREENING_NOTE),
        "identifier": [_identifier(site, "risk-assessment", record.reference)],
        "status": "preliminary",
        "method": {
            "coding": [
                {
                    "system": site.code_system("screening-ruleset"),
                    "code": version,
                    "display": f"Rule-based intake screening, rule set {version}",
                }
            ],
            "text": f"Rule-based intake screening, rule set {version}",
        },
        "code": {"text": "Intake screening for ketamine or esketamine treatment"},
        "subject": _ref("Patient", record),
        "basis": [_ref("QuestionnaireResponse", record), *basis],
        "prediction": [
            {
                "outcome": {
                    "coding": [
                        {"system": site.code_system("screening-outcome"), "code": outcome,
                         "display": label}
                    ],
                    "text": label,
                },
                "rationale": SCREENING_NOTE,
            }
        ],
        "note": [{"text": SCREENING_NOTE}],
    }  # fmt: skip
    if record.screened_at is not None:
        resource["occurrenceDateTime"] = instant(record.screened_at)
    return resource


def submission_resources(site: Site, record: Record) -> list:
    """Every resource of one submission, the Patient first."""
    found = [patient(site, record), questionnaire_response(site, record)]
    obs = observations(site, record)
    flag_resources = flags(site, record)
    found += obs + flag_resources
    basis = [{"reference": f"{r['resourceType']}/{r['id']}"} for r in (*obs, *flag_resources)]
    assessment = risk_assessment(site, record, basis)
    if assessment is not None:
        found.append(assessment)
    return found


__all__ = [
    "Record",
    "flag_id",
    "flags",
    "observations",
    "patient",
    "questionnaire_response",
    "risk_assessment",
    "submission_resources",
]
