"""A quiet intake for the engine's rule tests: every answer the rules need is given and none
fires a rule, so one changed answer shows exactly what that answer does.

Self-contained (no Django, no other test helpers): the engine's tests run without the rest of
the project, and under mutation testing (README, "Mutation testing of the screening rules").

It screens as eligible_for_consultation with two flags: IN_TRD_LIKELY (two failed adequate
trials) and IN_ESCORT_NEEDED (always).
"""

import copy
import re

from screening.engine import screen
from screening.engine.result import Evidence

NO = "no"
MEDICAL_YES_NO = (
    "heart_attack_12_months",
    "unstable_angina",
    "stent_or_bypass_12_months",
    "heart_failure",
    "arrhythmia",
    "stroke_or_tia",
    "brain_bleed",
    "aneurysm_or_avm",
    "head_injury_lasting",
    "hypertensive_encephalopathy",
    "brain_shunt",
    "raised_intracranial_pressure",
    "eye_injury",
    "seizures",
    "sleep_apnea",
    "severe_lung_disease",
    "bladder_problems",
    "dementia",
    "breastfeeding",
    "planning_pregnancy",
    "ketamine_allergy",
    "prior_anesthesia_or_ketamine_reaction",
)
SUBMITTED_AT = "2026-11-20T15:04:00-05:00"
BORN = "1987-03-14"  # 39 on the day of submission
TRIALS = [
    {"medication": "sertraline", "weeks": 10, "current_episode": True, "improvement": "a_little"},
    {"medication": "bupropion", "weeks": 8, "current_episode": True, "improvement": "none"},
]
PHQ9 = [2, 2, 2, 2, 1, 1, 0, 0, 0]  # 10: the clinic's default level for a consultation
GAD7 = [1, 1, 1, 1, 1, 1, 0]  # 6: below the default level for significant anxiety

QUIET = {
    "format": "clinic-intake/1",
    "submitted_at": SUBMITTED_AT,
    "about": {"date_of_birth": BORN, "sex_at_birth": "female"},
    "care_team": {"driver_available": "yes"},
    "mental_health": {
        "diagnoses": ["depression"],
        "psychosis_now": NO,
        "psychosis_past": NO,
        "psychosis_family": NO,
        "mania_now": NO,
        "antidepressant_trials": TRIALS,
    },
    "questionnaires": {
        "phq9": PHQ9,
        "gad7": GAD7,
        "cssrs": {"q1": False, "q2": False, "q6": False},
    },
    "medical": {
        "hypertension": NO,
        **dict.fromkeys(MEDICAL_YES_NO, NO),
        "glaucoma": NO,
        "liver_disease": NO,
        "thyroid": NO,
        "pregnant": NO,
        "allergies": [],
    },
    "substances": {
        "alcohol": "never",
        "cannabis": "never",
        "stimulants_nonprescribed": "never",
        "opioids_nonprescribed": "never",
        "sedatives_nonprescribed": "never",
        "dissociatives": "never",
        "problem_past_3_months": NO,
        "dissociative_misuse_ever": NO,
    },
    "medications": {"classes": []},
}

QUIET_FLAGS = {
    "IN_TRD_LIKELY": (
        Evidence("mental_health.antidepressant_trials[0]", TRIALS[0]),
        Evidence("mental_health.antidepressant_trials[1]", TRIALS[1]),
    ),
    "IN_ESCORT_NEEDED": (Evidence("care_team.driver_available", "yes"),),
}

DELETE = object()  # a change that removes the key
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def intake(changes=None, base=QUIET):
    """A deep copy of ``base`` with dotted keys (``"medical.glaucoma"``,
    ``"questionnaires.phq9[8]"``, ``"questionnaires.cssrs.q2"``) set, or removed with DELETE."""
    data = copy.deepcopy(base)
    for key, value in (changes or {}).items():
        parts = [name or int(index) for name, index in _PART.findall(key)]
        target = data
        for part in parts[:-1]:
            if isinstance(part, str) and target.get(part) is None:
                target[part] = {}
            target = target[part]
        if value is DELETE:
            if isinstance(parts[-1], int):
                del target[parts[-1]]
            else:
                target.pop(parts[-1], None)
        else:
            target[parts[-1]] = value
    return data


def flags(result):
    """The result's flags as {code: evidence}, in the order they came out."""
    return {flag.code: flag.evidence for flag in result.flags}


def screened(changes=None, **options):
    """{code: evidence} for the quiet intake with ``changes``."""
    return flags(screen(intake(changes), **options))


def changed(changes=None, **options):
    """How ``changes`` change the quiet intake's flags: {code: evidence} for the flags added or
    with other evidence, in the order they came out, then {code: None} for the flags gone."""
    now = screened(changes, **options)
    found = {code: evidence for code, evidence in now.items() if QUIET_FLAGS.get(code) != evidence}
    found.update((code, None) for code in QUIET_FLAGS if code not in now)
    return found


def missing(*entries):
    """RV_MISSING_INFO's evidence for (key, answer) entries; answer None means absent."""
    return tuple(Evidence(key, answer, answer is None) for key, answer in entries)
