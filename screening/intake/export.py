"""The intake's answers as a `clinic-intake/1` document (docs/intake-format.md).

`answers_to_intake` maps the per-step answers a draft keeps onto the format's keys; it works for
an unfinished draft too (unanswered keys are simply absent). Keys the format does not define
(`about.heard_about`, `substances.ever_treated`, totals...) ride along: the engine ignores them
and staff can still read them.
"""

from django.utils import timezone

from screening import questionnaire as q

FORMAT = q.FORMAT
HEART = tuple(question.name for question in q.HEART)
BRAIN = tuple(question.name for question in q.BRAIN)
OTHER_CONDITIONS = tuple(question.name for question in q.OTHER_CONDITIONS)
SUBSTANCES = q.SUBSTANCE_KINDS.codes
MEDICATION_CLASSES = q.MEDICATION_CLASSES.codes

# Which step answers each section, to send someone back to the right page.
SECTION_STEPS = {
    "about": "about",
    "care_team": "care-team",
    "mental_health": "mental-health",
    "questionnaires": "questionnaires",
    "medical": "medical",
    "substances": "substances",
    "medications": "medications",
    "consent": "review",
}


def _pick(source: dict, *keys) -> dict:
    return {key: source[key] for key in keys if source.get(key) not in (None, "")}


def _about(a: dict) -> dict:
    return _pick(a, *q.ABOUT.names())


def _care_team(c: dict) -> dict:
    doc = _pick(c, "psychiatrist", "therapist", "primary_care", "referring_clinician")
    contact = {
        "name": c.get("emergency_contact_name"),
        "relation": c.get("emergency_contact_relation"),
        "phone": c.get("emergency_contact_phone"),
    }
    if any(contact.values()):
        doc["emergency_contact"] = {k: v for k, v in contact.items() if v}
    return doc | _pick(c, "driver_available")


def _trial(row: dict) -> dict:
    trial = _pick(row, "medication", "max_daily_dose_mg", "weeks")
    # "Not sure" whether it was this episode is left unanswered: the engine treats the trial as
    # unclear and sends it to a clinician, never counting it either way.
    if row.get("current_episode") in ("yes", "no"):
        trial["current_episode"] = row["current_episode"] == "yes"
    improvement = row.get("improvement")
    if improvement == "side_effects":
        # Stopped early: how much it would have helped is unknown.
        trial["improvement"] = "unsure"
        trial["stopped_for_side_effects"] = True
    elif improvement:
        trial["improvement"] = improvement
    return trial


def _mental_health(m: dict) -> dict:
    doc = _pick(
        m,
        "diagnoses",
        "diagnoses_other",
        "psychosis_now",
        "psychosis_past",
        "psychosis_family",
        "mania_now",
        "depression_onset_age",
        "hospitalizations",
    )
    if "diagnoses" not in doc and m:
        doc["diagnoses"] = []
    doc["antidepressant_trials"] = [_trial(row) for row in m.get("trials") or []]
    doc["other_treatments"] = [_pick(row, "kind", "outcome") for row in m.get("treatments") or []]
    return doc


def _questionnaires(q: dict) -> dict:
    doc = {
        "phq9": [q.get(f"phq9_{i}") for i in range(1, 10)],
        "gad7": [q.get(f"gad7_{i}") for i in range(1, 8)],
    }
    doc |= _pick(q, "phq9_difficulty", "phq9_total", "gad7_total", "gad7_difficulty")

    def yes(name):
        value = q.get(name)
        return None if value is None else value == "yes"

    cssrs = {f"q{i}": yes(f"cssrs_q{i}") for i in range(1, 7)}
    cssrs["q6_past_3_months"] = yes("cssrs_q6_recent")
    # Skip logic: unasked questions are null, never "no".
    if cssrs["q2"] is not True:
        cssrs.update(q3=None, q4=None, q5=None)
    if cssrs["q6"] is not True:
        cssrs["q6_past_3_months"] = None
    doc["cssrs"] = cssrs
    return doc


def _gated(m: dict, gate: str, names) -> dict:
    # "No" to the overall question answers each specific one; otherwise each was asked.
    if m.get(gate) == "no":
        return dict.fromkeys(names, "no")
    return _pick(m, *names)


def _medical(m: dict) -> dict:
    doc = _pick(m, "hypertension", "bp_systolic", "bp_diastolic", "bp_measured_on")
    doc |= _pick(m, "heart_any", "brain_any")
    doc |= _gated(m, "heart_any", HEART)
    doc |= _gated(m, "brain_any", BRAIN)
    doc |= _pick(m, "glaucoma", "eye_injury", *OTHER_CONDITIONS, "liver_disease", "thyroid")
    doc |= _pick(m, "height_cm", "weight_kg")
    if "pregnant" in m:
        doc |= _pick(m, "pregnant", "breastfeeding", "planning_pregnancy")
    elif m:
        # The pregnancy questions were not asked (male at birth).
        doc["pregnant"] = "not_applicable"
    if m.get("has_allergies") == "yes":
        doc["allergies"] = [line for line in (m.get("allergies") or "").splitlines() if line]
    elif m.get("has_allergies") == "no":
        doc["allergies"] = []
    doc |= _pick(m, "ketamine_allergy", "prior_anesthesia_or_ketamine_reaction")
    return doc


def _substances(s: dict) -> dict:
    doc = _pick(s, "alcohol", *SUBSTANCES, "problem_past_3_months", "ever_treated")
    doc |= _pick(s, *[f"{name}_frequency" for name in SUBSTANCES])
    # The dissociatives question asks about use not prescribed to the person, so any use at all
    # is misuse; "never" answers that it never happened.
    if s.get("dissociatives"):
        doc["dissociative_misuse_ever"] = "no" if s["dissociatives"] == "never" else "yes"
    return doc


def _medications(m: dict) -> dict:
    current = [_pick(row, "name", "dose", "frequency") for row in m.get("medications") or []]
    answers = {name: m.get(f"takes_{name}") for name in MEDICATION_CLASSES}
    doc = {"current": current}
    if any(answers.values()):
        doc["classes"] = [name for name, answer in answers.items() if answer == "yes"]
        doc["classes_unsure"] = [name for name, answer in answers.items() if answer == "unsure"]
    return doc


def _consent(c: dict) -> dict:
    return _pick(
        c,
        "not_emergency_service",
        "privacy_notice",
        "contact_by_chosen_channels",
        "signature",
        "signed_at",
    )


SECTIONS = (
    ("about", "about", _about),
    ("care_team", "care-team", _care_team),
    ("mental_health", "mental-health", _mental_health),
    ("questionnaires", "questionnaires", _questionnaires),
    ("medical", "medical", _medical),
    ("substances", "substances", _substances),
    ("medications", "medications", _medications),
    ("consent", "review", _consent),
)


def answers_to_intake(answers: dict) -> dict:
    """The format's document for a draft's per-step answers; unanswered steps are left out."""
    doc = {"format": FORMAT}
    for section, slug, build in SECTIONS:
        step_answers = (answers or {}).get(slug)
        if step_answers:
            doc[section] = build(step_answers)
    return doc


def draft_to_intake(draft, submitted_at=None) -> dict:
    """A draft (finished or not) as a clinic-intake/1 document."""
    doc = answers_to_intake(draft.answers or {})
    doc["questionnaire_version"] = draft.questionnaire_version
    # The language the person read the intake in (the free text is in their words, whatever
    # it is); staff see "Answered in Spanish". The engine reads codes, never this.
    doc["language"] = draft.language or "en"
    if submitted_at is not None:
        # In the clinic's zone: the engine takes the person's age on this calendar day.
        doc["submitted_at"] = timezone.localtime(submitted_at).isoformat()
    if draft.risk_shown_at:
        doc["support_page_shown_at"] = timezone.localtime(draft.risk_shown_at).isoformat()
    if draft.medical_notice_shown_at:
        # The calm notice after a blood-pressure reading in the crisis range (911 or a doctor).
        doc["medical_notice_shown_at"] = timezone.localtime(
            draft.medical_notice_shown_at
        ).isoformat()
    return doc
