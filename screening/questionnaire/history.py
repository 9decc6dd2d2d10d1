"""About you, the care team and the mental-health history, with its repeatable rows."""

from .base import Question, Step, When, _
from .choices import (
    CONTACT_CHANNELS,
    DIAGNOSES,
    HEARD_ABOUT,
    IMPROVEMENT,
    IMPROVEMENT_STORED,
    LANGUAGE,
    SEX_AT_BIRTH,
    TREATMENT_KINDS,
    TREATMENT_OUTCOMES,
    US_STATES,
    YES_NO_UNSURE,
)

ABOUT = Step(
    "about",
    "about",
    _("About you"),
    _("About them"),
    (
        Question(
            "legal_name",
            _("Full legal name"),
            _("Legal name"),
            key="about.legal_name",
            help=_("As it appears on your ID or insurance card."),
            kind="text",
        ),
        Question(
            "preferred_name",
            _("Name you would like us to use"),
            _("Preferred name"),
            key="about.preferred_name",
            kind="text",
        ),
        Question(
            "date_of_birth",
            _("Date of birth"),
            _("Date of birth"),
            key="about.date_of_birth",
            help=_("Month, day and year, for example March 14, 1987"),
            kind="date",
        ),
        Question(
            "sex_at_birth",
            _("Sex assigned at birth"),
            _("Sex at birth"),
            key="about.sex_at_birth",
            choices=SEX_AT_BIRTH,
            help=_("Some medical questions depend on it."),
        ),
        Question(
            "gender_identity",
            _("Gender identity"),
            _("Gender identity"),
            key="about.gender_identity",
            help=_("In your own words."),
            kind="text",
        ),
        Question(
            "preferred_language",
            _("Preferred language"),
            _("Preferred language"),
            key="about.preferred_language",
            choices=LANGUAGE,
        ),
        Question("email", _("Email address"), _("Email"), key="about.email", kind="text"),
        Question("phone", _("Mobile phone number"), _("Phone"), key="about.phone", kind="text"),
        Question("postal_code", _("ZIP code"), _("ZIP code"), key="about.postal_code", kind="text"),
        Question("state", _("State"), _("State"), key="about.state", choices=US_STATES),
        Question(
            "contact_channels",
            _("How may we contact you? Choose all that are fine with you."),
            _("May be contacted by"),
            key="about.contact_channels",
            choices=CONTACT_CHANNELS,
            kind="choices",
        ),
        Question(
            "heard_about",
            _("How did you hear about us?"),
            _("Heard about the clinic from"),
            key="about.heard_about",
            choices=HEARD_ABOUT,
        ),
        Question(
            "heard_about_other",
            _("Where did you hear about us?"),
            _("Heard about the clinic from (in their words)"),
            key="about.heard_about_other",
            shown_when=When("heard_about", ("other",)),
            kind="text",
        ),
    ),
)

CARE_TEAM = Step(
    "care-team",
    "care_team",
    _("Care team and emergency contact"),
    _("Care team"),
    (
        Question(
            "psychiatrist",
            _("Psychiatrist"),
            _("Psychiatrist"),
            key="care_team.psychiatrist",
            help=_("Their name and practice, if you see one."),
            kind="text",
        ),
        Question(
            "therapist",
            _("Therapist or counselor"),
            _("Therapist"),
            key="care_team.therapist",
            kind="text",
        ),
        Question(
            "primary_care",
            _("Primary-care clinician"),
            _("Primary care"),
            key="care_team.primary_care",
            kind="text",
        ),
        Question(
            "referring_clinician",
            _("Clinician who referred you to us"),
            _("Referring clinician"),
            key="care_team.referring_clinician",
            help=_("Leave empty if you found us yourself."),
            kind="text",
        ),
        Question(
            "emergency_contact_name",
            _("Their name"),
            _("Emergency contact's name"),
            key="care_team.emergency_contact.name",
            kind="text",
        ),
        Question(
            "emergency_contact_relation",
            _("How they are related to you"),
            _("Emergency contact's relation"),
            key="care_team.emergency_contact.relation",
            help=_("For example: spouse, parent, friend."),
            kind="text",
        ),
        Question(
            "emergency_contact_phone",
            _("Their phone number"),
            _("Emergency contact's phone"),
            key="care_team.emergency_contact.phone",
            kind="text",
        ),
        Question(
            "driver_available",
            _("Is there someone who could take you home after a treatment?"),
            _("Someone can take them home after treatment"),
            key="care_team.driver_available",
            choices=YES_NO_UNSURE,
            help=_("After each treatment you can't drive until the next day."),
        ),
    ),
)

MENTAL_HEALTH = Step(
    "mental-health",
    "mental_health",
    _("Mental-health history"),
    _("Mental health and treatments tried"),
    (
        Question(
            "diagnoses",
            _("Which of these have you been told you have? Choose all that apply."),
            _("Diagnoses they were given"),
            key="mental_health.diagnoses",
            choices=DIAGNOSES,
            kind="choices",
        ),
        Question(
            "diagnoses_other",
            _("What else have you been told you have?"),
            _("Other diagnosis, in their words"),
            key="mental_health.diagnoses_other",
            shown_when=When("diagnoses", ("other",)),
            kind="text",
        ),
        Question(
            "depression_onset_age",
            _("How old were you when depression first started?"),
            _("Age when depression started"),
            key="mental_health.depression_onset_age",
            help=_("Your best guess is fine."),
            kind="integer",
        ),
        Question(
            "hospitalizations",
            _("How many times have you stayed in a hospital for your mental health?"),
            _("Psychiatric hospital stays"),
            key="mental_health.hospitalizations",
            help=_("Enter 0 if never."),
            kind="integer",
        ),
        Question(
            "psychosis_now",
            _(
                "Right now, do you hear or see things other people don't, or hold strong "
                "beliefs that others tell you are not real?"
            ),
            _("Psychosis now"),
            key="mental_health.psychosis_now",
            choices=YES_NO_UNSURE,
        ),
        Question(
            "psychosis_past",
            _("Have you had experiences like that in the past?"),
            _("Psychosis in the past"),
            key="mental_health.psychosis_past",
            choices=YES_NO_UNSURE,
        ),
        Question(
            "psychosis_family",
            _("Has a parent, brother, sister or child of yours had psychosis or schizophrenia?"),
            _("Psychosis in the family"),
            key="mental_health.psychosis_family",
            choices=YES_NO_UNSURE,
        ),
        Question(
            "mania_now",
            _(
                "Right now, are you in a period of unusually high or irritable mood, with much "
                "more energy and much less need for sleep than usual?"
            ),
            _("Mania now"),
            key="mental_health.mania_now",
            choices=YES_NO_UNSURE,
        ),
    ),
)

# Repeatable rows: each row's questions; the rows sit under the key given by the Step.
TRIAL_ROW = Step(
    "trials",
    "mental_health.antidepressant_trials",
    _("Antidepressants you have taken"),
    _("Antidepressant trial"),
    (
        Question("medication", _("Medicine name"), _("Medicine"), kind="text"),
        Question(
            "max_daily_dose_mg",
            _("Highest daily dose, in mg"),
            _("Highest daily dose"),
            help=_("Leave empty if you're not sure."),
            kind="number",
            unit="mg",
        ),
        Question(
            "weeks",
            _("How many weeks you took it"),
            _("Weeks taken"),
            help=_("Leave empty if you're not sure."),
            kind="number",
        ),
        Question(
            "current_episode",
            _("Was it during this current period of depression?"),
            _("During this episode"),
            choices=YES_NO_UNSURE,
            kind="boolean",
        ),
        Question(
            "improvement",
            _("How much did it help?"),
            _("Improvement"),
            choices=IMPROVEMENT,
            stored=IMPROVEMENT_STORED,
        ),
    ),
)
TREATMENT_ROW = Step(
    "treatments",
    "mental_health.other_treatments",
    _("Other treatments you have had"),
    _("Other treatment"),
    (
        Question("kind", _("Treatment"), _("Treatment"), choices=TREATMENT_KINDS),
        Question("outcome", _("How did it go?"), _("Outcome"), choices=TREATMENT_OUTCOMES),
    ),
)
