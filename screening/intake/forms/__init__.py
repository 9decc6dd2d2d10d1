"""The intake's forms, one module per step (screening.intake.steps puts them in order); their
questions come from screening.questionnaire."""

from .about import AboutForm, CareTeamForm
from .call_me import CallMeForm
from .consent import ConsentForm, channels_in_words
from .fields import MAX_ROWS, DatePartsField, IntakeForm, Reveal
from .medical import MedicalForm
from .mental_health import (
    MedicationFormSet,
    MentalHealthForm,
    TreatmentFormSet,
    TrialFormSet,
)
from .questionnaires import QuestionnairesForm, questionnaire_shows_risk
from .substances import MedicationsForm, SubstancesForm

__all__ = [
    "MAX_ROWS",
    "AboutForm",
    "CallMeForm",
    "CareTeamForm",
    "ConsentForm",
    "DatePartsField",
    "IntakeForm",
    "MedicalForm",
    "MedicationFormSet",
    "MedicationsForm",
    "MentalHealthForm",
    "QuestionnairesForm",
    "Reveal",
    "SubstancesForm",
    "TreatmentFormSet",
    "TrialFormSet",
    "channels_in_words",
    "questionnaire_shows_risk",
]
