"""Demo submissions for `manage.py setup_demo`: a dozen of every outcome, so the review queue
means something on a first run. Every person here is invented; emails use example.org.

Each demo submission is recognised by its email (through the search index), so running the
command again adds nothing.
"""

import copy
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clinic import crypto
from screening.models import Acknowledgement, Assignment, Decision, Submission
from screening.questionnaire import FORMAT, MEDICAL_YES_NO_KEYS

BASE_INTAKE = {
    "format": FORMAT,
    "about": {
        "legal_name": "",
        "preferred_name": "",
        "date_of_birth": "1987-03-14",
        "sex_at_birth": "female",
        "gender_identity": "woman",
        "preferred_language": "en",
        "email": "",
        "phone": "",
        "postal_code": "28301",
        "state": "NC",
    },
    "care_team": {
        "psychiatrist": "Dr. Lee, Cape Fear Behavioral Health",
        "therapist": "Sam Ortiz, LCSW",
        "primary_care": "Dr. Patel",
        "referring_clinician": "Dr. Lee",
        "emergency_contact": {
            "name": "Alex Doe",
            "relation": "partner",
            "phone": "+1 910 555 0199",
        },
        "driver_available": "yes",
    },
    "mental_health": {
        "diagnoses": ["depression", "anxiety"],
        "psychosis_now": "no",
        "psychosis_past": "no",
        "psychosis_family": "no",
        "mania_now": "no",
        "depression_onset_age": 19,
        "hospitalizations": 0,
        "antidepressant_trials": [
            {
                "medication": "sertraline",
                "max_daily_dose_mg": 150,
                "weeks": 10,
                "current_episode": True,
                "improvement": "a_little",
            },
            {
                "medication": "bupropion",
                "max_daily_dose_mg": 300,
                "weeks": 8,
                "current_episode": True,
                "improvement": "none",
            },
        ],
        "other_treatments": [{"kind": "psychotherapy", "outcome": "partly"}],
    },
    "questionnaires": {
        "phq9": [2, 3, 2, 3, 1, 2, 2, 1, 0],
        "phq9_difficulty": "very",
        "gad7": [2, 1, 2, 1, 1, 1, 1],
        "cssrs": {
            "q1": False,
            "q2": False,
            "q3": None,
            "q4": None,
            "q5": None,
            "q6": False,
            "q6_past_3_months": None,
        },
    },
    "medical": {
        "hypertension": "no",
        "bp_systolic": 122,
        "bp_diastolic": 78,
        "bp_measured_on": "2026-11-02",
        **dict.fromkeys(MEDICAL_YES_NO_KEYS, "no"),
        "pregnant": "no",
        "glaucoma": "no",
        "liver_disease": "no",
        "thyroid": "no",
        "height_cm": 168,
        "weight_kg": 72.5,
        "allergies": [],
    },
    "substances": {
        "alcohol": "monthly_or_less",
        "cannabis": "past_only",
        "stimulants_nonprescribed": "never",
        "opioids_nonprescribed": "never",
        "sedatives_nonprescribed": "never",
        "dissociatives": "never",
        "problem_past_3_months": "no",
        "dissociative_misuse_ever": "no",
    },
    "medications": {
        "current": [{"name": "sertraline", "dose": "150 mg", "frequency": "daily"}],
        "classes": [],
    },
    "consent": {
        "not_emergency_service": True,
        "privacy_notice": True,
        "contact_by_chosen_channels": True,
        "signature": "",
        "signed_at": "2026-11-20T15:03:40-05:00",
    },
}


def _cssrs(**answers):
    base = copy.deepcopy(BASE_INTAKE["questionnaires"]["cssrs"])
    base.update(answers)
    return {"cssrs": base}


def _phq9(item9):
    return {"phq9": [2, 3, 2, 3, 1, 2, 2, 1, item9]}


# (changes by section, what it shows) per outcome; twelve each.
VARIATIONS = {
    "urgent": [
        ({"questionnaires": _phq9(1)}, "PHQ-9 item 9, several days"),
        ({"questionnaires": _phq9(3)}, "PHQ-9 item 9, nearly every day"),
        ({"questionnaires": _cssrs(q1=True)}, "C-SSRS low"),
        ({"questionnaires": _cssrs(q1=True, q2=True, q3=True, q4=False, q5=False)}, "moderate"),
        ({"questionnaires": _cssrs(q1=True, q2=True, q3=True, q4=True, q5=False)}, "high"),
        ({"questionnaires": _cssrs(q2=True, q3=True, q4=True, q5=True)}, "high, plan"),
        ({"questionnaires": _cssrs(q6=True, q6_past_3_months=True)}, "high, recent behaviour"),
        ({"questionnaires": _cssrs(q6=True, q6_past_3_months=False)}, "moderate, past"),
        ({"questionnaires": {**_phq9(2), **_cssrs(q1=True)}}, "item 9 and C-SSRS low"),
        ({"questionnaires": _cssrs(q1=True, q2=True, q3=False, q4=False, q5=False)}, "low"),
        ({"questionnaires": _phq9(1), "medical": {"pregnant": "yes"}}, "item 9, pregnant"),
        ({"questionnaires": _cssrs(q1=True), "medical": {"seizures": "yes"}}, "low, seizures"),
    ],
    "likely_excluded": [
        ({"medical": {"pregnant": "yes"}}, "pregnant"),
        ({"mental_health": {"psychosis_now": "yes"}}, "psychosis now"),
        ({"mental_health": {"mania_now": "yes"}}, "mania now"),
        ({"medical": {"aneurysm_or_avm": "yes"}}, "aneurysm"),
        ({"medical": {"brain_bleed": "yes"}}, "brain bleed"),
        ({"medical": {"ketamine_allergy": "yes"}}, "ketamine allergy"),
        (
            # Severe, below the crisis range (180 or 120 and up is urgent: RISK_BP_CRISIS).
            {"medical": {"hypertension": "uncontrolled", "bp_systolic": 172, "bp_diastolic": 108}},
            "severe blood pressure",
        ),
        ({"medical": {"thyroid": "overactive_uncontrolled"}}, "uncontrolled hyperthyroidism"),
        ({"medical": {"raised_intracranial_pressure": "yes"}}, "raised intracranial pressure"),
        ({"medical": {"allergies": ["Ketalar"]}}, "ketamine named in allergies"),
        ({"about": {"date_of_birth": "2010-05-01"}}, "under 18"),
        ({"medical": {"pregnant": "yes", "seizures": "yes"}}, "pregnant, seizures"),
    ],
    "needs_review": [
        ({"medical": {"seizures": "yes"}}, "seizures"),
        ({"mental_health": {"diagnoses": ["depression", "bipolar"]}}, "bipolar"),
        ({"medical": {"liver_disease": "moderate"}}, "liver disease"),
        (
            {"medical": {"hypertension": "controlled", "bp_systolic": 152, "bp_diastolic": 92}},
            "elevated blood pressure",
        ),
        ({"substances": {"problem_past_3_months": "yes"}}, "substance use"),
        ({"substances": {"dissociative_misuse_ever": "yes"}}, "dissociative misuse"),
        ({"medical": {"glaucoma": "treated"}}, "treated glaucoma"),
        ({"medical": {"sleep_apnea": "yes"}}, "sleep apnea"),
        ({"medications": {"classes": ["maoi"]}}, "MAOI"),
        ({"medical": {"breastfeeding": "yes"}}, "breastfeeding"),
        ({"medical": {"hypertension": "unsure"}}, "unsure about blood pressure"),
        ({"mental_health": {"psychosis_past": "yes"}}, "psychosis in the past"),
    ],
    "eligible_for_consultation": [
        ({}, "two failed trials"),
        ({"questionnaires": {"gad7": [3, 2, 2, 2, 1, 1, 1]}}, "significant anxiety"),
        ({"medications": {"classes": ["lamotrigine"]}}, "lamotrigine"),
        (
            {"medical": {"hypertension": "controlled", "bp_systolic": 128, "bp_diastolic": 82}},
            "controlled hypertension",
        ),
        ({"about": {"date_of_birth": "1962-08-30"}}, "older adult"),
        ({"about": {"sex_at_birth": "male", "gender_identity": "man"}}, "man"),
        ({"about": {"preferred_language": "es"}}, "prefers Spanish"),
        ({"questionnaires": {"phq9": [3, 3, 3, 3, 2, 2, 2, 2, 0]}}, "severe depression"),
        ({"substances": {"alcohol": "weekly"}}, "drinks weekly"),
        ({"mental_health": {"hospitalizations": 1}}, "one hospital stay"),
        ({"care_team": {"therapist": ""}}, "no therapist"),
        ({"about": {"date_of_birth": "1999-01-20"}}, "younger adult"),
    ],
}

FIRST = [
    "Jordan", "Avery", "Riley", "Morgan", "Quinn", "Taylor", "Rowan", "Emerson", "Harper",
    "Skyler", "Dakota", "Reese",
]  # fmt: skip
LAST = ["Rivera", "Nguyen", "Okafor", "Schmidt", "Patel", "Brooks"]


def demo_intake(outcome, index, changes):
    doc = copy.deepcopy(BASE_INTAKE)
    first = FIRST[index % len(FIRST)]
    last = LAST[(index + len(outcome)) % len(LAST)]
    slug = outcome.split("_")[0]
    offset = list(VARIATIONS).index(outcome) * 100
    doc["about"].update(
        legal_name=f"{first} {last}",
        preferred_name=first,
        email=f"demo-{slug}-{index + 1:02d}@example.org",
        phone=f"+1 910 555 {1000 + offset + index:04d}",
    )
    doc["consent"]["signature"] = f"{first} {last}"
    for section, values in changes.items():
        doc[section].update(copy.deepcopy(values))
    return doc


def create_demo_submissions(*, clinician=None, now=None):
    """Create the demo submissions that are not there yet; returns how many were created."""
    now = now or timezone.now()
    created = 0
    for outcome, variations in VARIATIONS.items():
        for index, (changes, _about) in enumerate(variations):
            intake = demo_intake(outcome, index, changes)
            email_index = crypto.blind_index("email", intake["about"]["email"])
            if Submission.objects.filter(email_index=email_index).exists():
                continue
            # Spread over the last ten days, so waiting times and the date filter mean something.
            submitted_at = now - timedelta(hours=5 + index * 19 + len(outcome))
            intake["submitted_at"] = submitted_at.isoformat()
            with transaction.atomic():
                submission = Submission.objects.create_screened(intake, submitted_at=submitted_at)
                if clinician is not None:
                    _demo_review(submission, index, clinician)
            created += 1
    return created


def _demo_review(submission, index, clinician):
    """A little history on some submissions: assigned, acknowledged, decided."""
    if index % 3 == 1:
        Assignment.assign(submission, to=clinician, by=clinician)
    if submission.outcome == "urgent" and index in (1, 4):
        Acknowledgement.acknowledge(
            submission,
            action=Acknowledgement.Action.CALLED,
            note="Demo: spoke with them; safety plan reviewed; 988 given.",
            by=clinician,
        )
    if submission.outcome == "eligible_for_consultation" and index in (1, 4, 7):
        Decision.record(
            submission,
            kind=Decision.Kind.INVITE,
            note="Demo: two failed adequate trials; offer a consultation.",
            by=clinician,
            seen_decision_id=0,
        )
    if submission.outcome == "likely_excluded" and index == 4:
        Decision.record(
            submission,
            kind=Decision.Kind.NOT_NOW,
            note="Demo: history of bleeding in the brain.",
            referral_note="Demo: back to their psychiatrist; TMS discussed.",
            by=clinician,
            seen_decision_id=0,
        )
    if submission.outcome == "needs_review" and index == 1:
        Decision.record(
            submission,
            kind=Decision.Kind.MORE_INFO,
            note="Demo: need the mood stabiliser history.",
            information_needed="Demo: current mood stabiliser and last manic episode.",
            by=clinician,
            seen_decision_id=0,
        )
