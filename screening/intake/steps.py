"""The intake's steps in order: slug (the URL), title, and the form and formsets each uses."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from screening.intake import forms as f


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type
    # (prefix, formset class, heading, help) for repeatable rows.
    formsets: tuple = field(default_factory=tuple)
    intro: str = ""
    rows_first: bool = False  # the repeatable rows come before the form's own questions

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1


@dataclass(frozen=True)
class Rows:
    prefix: str
    formset: type
    heading: str
    help: str = ""


STEPS = (
    Step(
        "about",
        _("About you"),
        f.AboutForm,
        intro=_("The basics, so we know who you are and how to reach you."),
    ),
    Step(
        "care-team",
        _("Care team and emergency contact"),
        f.CareTeamForm,
        intro=_("Who looks after you now, and who we could call in an emergency."),
    ),
    Step(
        "mental-health",
        _("Mental-health history"),
        f.MentalHealthForm,
        formsets=(
            Rows(
                "trials",
                f.TrialFormSet,
                _("Antidepressants you have taken"),
                _(
                    "Add each antidepressant you have tried, now or in the past. Your best guess "
                    "is fine; you can leave a dose or a number of weeks empty."
                ),
            ),
            Rows(
                "treatments",
                f.TreatmentFormSet,
                _("Other treatments you have had"),
                _(
                    "For example talk therapy, ECT, TMS, esketamine or ketamine. Leave this empty "
                    "if you have had none of these."
                ),
            ),
        ),
        intro=_(
            "Your diagnoses and the treatments you have tried. It helps us understand what "
            "has and hasn't worked for you."
        ),
    ),
    Step(
        "questionnaires",
        _("Questionnaires"),
        f.QuestionnairesForm,
        intro=_(
            "Three short questionnaires that clinicians use everywhere. There are no right or "
            "wrong answers."
        ),
    ),
    Step(
        "medical",
        _("Medical history"),
        f.MedicalForm,
        intro=_("Some health conditions need extra care with ketamine, so we ask about each one."),
    ),
    Step(
        "substances",
        _("Alcohol and drug use"),
        f.SubstancesForm,
        intro=_("This helps us keep treatment safe for you."),
    ),
    Step(
        "medications",
        _("Current medications"),
        f.MedicationsForm,
        formsets=(
            Rows(
                "medications",
                f.MedicationFormSet,
                _("Medicines you take now"),
                _(
                    "Include prescriptions, over-the-counter medicines and supplements. Leave "
                    "this empty if you take none."
                ),
            ),
        ),
        rows_first=True,
    ),
    Step(
        "review",
        _("Consent and review"),
        f.ConsentForm,
        intro=_("Check your answers, then sign and send your intake."),
    ),
)

BY_SLUG = {step.slug: step for step in STEPS}
SLUGS = tuple(step.slug for step in STEPS)
FIRST = STEPS[0]
REVIEW = BY_SLUG["review"]
QUESTIONNAIRES = BY_SLUG["questionnaires"]
MEDICAL = BY_SLUG["medical"]
# Every step but the last holds answers; the last is where they are checked and sent.
ANSWER_STEPS = STEPS[:-1]


def index_of(slug: str) -> int:
    return SLUGS.index(slug)


def next_step(step: Step) -> Step | None:
    i = index_of(step.slug)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    i = index_of(step.slug)
    return STEPS[i - 1] if i > 0 else None
