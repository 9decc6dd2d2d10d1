"""The intake's questions, each defined once.

A question's form field name, its key in ``clinic-intake/1``, its answer codes, the words a
patient reads, the label a clinician reads, its help text, when it is shown and its LOINC code
all live here. The step forms, the review page, the staff pages, the export and the engine's
schema read them; adding an answer option is adding one ``Option``.

Plain Python with no Django: the engine imports it. Wording is marked for translation here and
translated where it is shown.
"""

from .base import FORMAT, Choices, Option, Question, Step, When, _
from .choices import (
    ALCOHOL,
    CONTACT_CHANNELS,
    DIAGNOSES,
    DIFFICULTY,
    FREQUENCY,
    GLAUCOMA,
    HEARD_ABOUT,
    HEIGHT_UNIT,
    HOW_OFTEN,
    HYPERTENSION,
    IMPROVEMENT,
    LANGUAGE,
    LIVER,
    PREGNANT,
    RECENCY,
    SEX_AT_BIRTH,
    THYROID,
    TREATMENT_KINDS,
    TREATMENT_OUTCOMES,
    US_STATES,
    WEIGHT_UNIT,
    YES_NO,
    YES_NO_UNSURE,
)
from .history import ABOUT, CARE_TEAM, MENTAL_HEALTH, TREATMENT_ROW, TRIAL_ROW
from .instruments import (
    CSSRS,
    CSSRS_CREDIT,
    CSSRS_NAMES,
    DIFFICULTY_QUESTION,
    GAD7,
    GAD7_CREDIT,
    GAD7_DIFFICULTY,
    GAD7_PANEL_LOINC,
    GAD7_TOTAL_LOINC,
    PHQ9,
    PHQ9_CREDIT,
    PHQ9_DIFFICULTY,
    PHQ9_PANEL_LOINC,
    PHQ9_TOTAL_LOINC,
)
from .medical import (
    BRAIN,
    CONSENT,
    DISSOCIATIVE_MISUSE,
    HEART,
    MEDICAL,
    MEDICATION_CLASSES,
    MEDICATION_CLASSES_TAKEN,
    MEDICATION_CLASSES_UNSURE,
    MEDICATION_ROW,
    MEDICATIONS,
    OTHER_CONDITIONS,
    PREGNANCY,
    PREGNANCY_RELEVANT,
    SIGNED_AT,
    SUBSTANCE_FREQUENCY,
    SUBSTANCE_KINDS,
    SUBSTANCE_USE,
    SUBSTANCES,
    WEIGHT_KG,
)

QUESTIONNAIRES = Step(
    "questionnaires",
    "questionnaires",
    _("Questionnaires"),
    _("Questionnaires"),
    (*PHQ9, PHQ9_DIFFICULTY, *GAD7, GAD7_DIFFICULTY, *CSSRS),
)

# The intake's steps in order (the last one, consent, is where answers are checked and sent).
STEPS = (ABOUT, CARE_TEAM, MENTAL_HEALTH, QUESTIONNAIRES, MEDICAL, SUBSTANCES, MEDICATIONS, CONSENT)
ROWS = (TRIAL_ROW, TREATMENT_ROW, MEDICATION_ROW)
# Keys the export works out rather than asks.
DERIVED = (
    WEIGHT_KG,
    DISSOCIATIVE_MISUSE,
    MEDICATION_CLASSES_TAKEN,
    MEDICATION_CLASSES_UNSURE,
    SIGNED_AT,
)

# The medical questions answered yes / no / unsure that the format stores as such.
MEDICAL_YES_NO_KEYS = tuple(
    question.name
    for question in MEDICAL.questions
    if question.choices is YES_NO_UNSURE
    and question.key == f"medical.{question.name}"
    and question.name not in ("heart_any", "brain_any", "pregnant")
)


def all_questions() -> tuple[Question, ...]:
    """Every question, asked or worked out, in the order a person meets them."""
    asked = tuple(question for step in (*STEPS, *ROWS) for question in step.questions)
    return asked + DERIVED


def all_choices() -> tuple[Choices, ...]:
    """Every list of answers used anywhere, each once."""
    seen: dict[str, Choices] = {}
    for question in all_questions():
        if question.choices is not None:
            seen.setdefault(question.choices.name, question.choices)
    for question in all_questions():
        if question.stored is not None:
            seen.setdefault(question.stored.name, question.stored)
    for extra in (SUBSTANCE_KINDS, MEDICATION_CLASSES):
        seen.setdefault(extra.name, extra)
    return tuple(seen.values())


BY_KEY = {question.key: question for question in all_questions() if question.key}


def by_key(key: str) -> Question | None:
    """The question stored at a dotted ``clinic-intake/1`` key, or None."""
    return BY_KEY.get(key)


__all__ = [
    "ABOUT",
    "ALCOHOL",
    "BRAIN",
    "BY_KEY",
    "CARE_TEAM",
    "CONSENT",
    "CONTACT_CHANNELS",
    "CSSRS",
    "CSSRS_CREDIT",
    "CSSRS_NAMES",
    "DERIVED",
    "DIAGNOSES",
    "DIFFICULTY",
    "DIFFICULTY_QUESTION",
    "DISSOCIATIVE_MISUSE",
    "FORMAT",
    "FREQUENCY",
    "GAD7",
    "GAD7_CREDIT",
    "GAD7_DIFFICULTY",
    "GAD7_PANEL_LOINC",
    "GAD7_TOTAL_LOINC",
    "GLAUCOMA",
    "HEARD_ABOUT",
    "HEART",
    "HEIGHT_UNIT",
    "HOW_OFTEN",
    "HYPERTENSION",
    "IMPROVEMENT",
    "LANGUAGE",
    "LIVER",
    "MEDICAL",
    "MEDICAL_YES_NO_KEYS",
    "MEDICATIONS",
    "MEDICATION_CLASSES",
    "MEDICATION_CLASSES_TAKEN",
    "MEDICATION_CLASSES_UNSURE",
    "MEDICATION_ROW",
    "MENTAL_HEALTH",
    "OTHER_CONDITIONS",
    "PHQ9",
    "PHQ9_CREDIT",
    "PHQ9_DIFFICULTY",
    "PHQ9_PANEL_LOINC",
    "PHQ9_TOTAL_LOINC",
    "PREGNANCY",
    "PREGNANCY_RELEVANT",
    "PREGNANT",
    "QUESTIONNAIRES",
    "RECENCY",
    "ROWS",
    "SEX_AT_BIRTH",
    "SIGNED_AT",
    "STEPS",
    "SUBSTANCES",
    "SUBSTANCE_FREQUENCY",
    "SUBSTANCE_KINDS",
    "SUBSTANCE_USE",
    "THYROID",
    "TREATMENT_KINDS",
    "TREATMENT_OUTCOMES",
    "TREATMENT_ROW",
    "TRIAL_ROW",
    "US_STATES",
    "WEIGHT_KG",
    "WEIGHT_UNIT",
    "YES_NO",
    "YES_NO_UNSURE",
    "Choices",
    "Option",
    "Question",
    "Step",
    "When",
    "all_choices",
    "all_questions",
    "by_key",
]
