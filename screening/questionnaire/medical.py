"""Medical history, substance use, current medications and consent."""

from .base import Choices, Option, Question, Step, When, _
from .choices import (
    ALCOHOL,
    GLAUCOMA,
    HEIGHT_UNIT,
    HOW_OFTEN,
    HYPERTENSION,
    LIVER,
    PREGNANT,
    RECENCY,
    THYROID,
    WEIGHT_UNIT,
    YES_NO,
    YES_NO_UNSURE,
)

# Asked only when the overall heart or brain question is answered yes or not sure.
_HEART_WHEN = When("heart_any", ("yes", "unsure"))
_BRAIN_WHEN = When("brain_any", ("yes", "unsure"))
PREGNANCY_RELEVANT = ("female", "intersex", "prefer_not_to_say")


def _yes_no_unsure(name, text, label, shown_when=None, stored=None):
    return Question(
        name,
        text,
        label,
        key=f"medical.{name}",
        choices=YES_NO_UNSURE,
        shown_when=shown_when,
        stored=stored,
    )


HEART = (
    _yes_no_unsure(
        "heart_attack_12_months",
        _("A heart attack in the past 12 months"),
        _("Heart attack in the last 12 months"),
        _HEART_WHEN,
    ),
    _yes_no_unsure(
        "unstable_angina",
        _("Chest pain (angina) that is new, getting worse, or comes on at rest"),
        _("Unstable angina"),
        _HEART_WHEN,
    ),
    _yes_no_unsure(
        "stent_or_bypass_12_months",
        _("A stent or heart bypass surgery in the past 12 months"),
        _("Stent or bypass in the last 12 months"),
        _HEART_WHEN,
    ),
    _yes_no_unsure("heart_failure", _("Heart failure"), _("Heart failure"), _HEART_WHEN),
    _yes_no_unsure(
        "arrhythmia",
        _("An irregular heartbeat (arrhythmia)"),
        _("Irregular heartbeat"),
        _HEART_WHEN,
    ),
)
BRAIN = (
    _yes_no_unsure(
        "stroke_or_tia", _("A stroke or a mini-stroke (TIA)"), _("Stroke or TIA"), _BRAIN_WHEN
    ),
    _yes_no_unsure(
        "brain_bleed", _("Bleeding in the brain"), _("Bleeding in the brain"), _BRAIN_WHEN
    ),
    _yes_no_unsure(
        "aneurysm_or_avm",
        _(
            "An aneurysm (a bulging blood vessel in the brain, the aorta or elsewhere), or an "
            "arteriovenous malformation (AVM)"
        ),
        _("Aneurysm or AVM"),
        _BRAIN_WHEN,
    ),
    _yes_no_unsure(
        "head_injury_lasting",
        _("A head injury with effects that lasted"),
        _("Head injury with lasting effects"),
        _BRAIN_WHEN,
    ),
    _yes_no_unsure(
        "hypertensive_encephalopathy",
        _("Brain problems caused by very high blood pressure (hypertensive encephalopathy)"),
        _("Hypertensive encephalopathy"),
        _BRAIN_WHEN,
    ),
    _yes_no_unsure("brain_shunt", _("A shunt in the brain"), _("Brain shunt"), _BRAIN_WHEN),
    _yes_no_unsure(
        "raised_intracranial_pressure",
        _("Raised pressure inside the head now (intracranial hypertension)"),
        _("Raised pressure in the skull"),
        _BRAIN_WHEN,
    ),
)
OTHER_CONDITIONS = (
    _yes_no_unsure("seizures", _("Have you ever had seizures or epilepsy?"), _("Seizures")),
    _yes_no_unsure("sleep_apnea", _("Do you have sleep apnea?"), _("Sleep apnea")),
    _yes_no_unsure(
        "severe_lung_disease",
        _("Do you have serious lung disease, for example severe COPD?"),
        _("Severe lung disease"),
    ),
    _yes_no_unsure(
        "bladder_problems",
        _("Do you have ongoing bladder or urinary problems, for example interstitial cystitis?"),
        _("Bladder problems"),
    ),
    _yes_no_unsure("dementia", _("Do you have dementia or a memory disorder?"), _("Dementia")),
)
_PREGNANCY_WHEN = When("sex_at_birth", PREGNANCY_RELEVANT)
PREGNANCY = (
    _yes_no_unsure("pregnant", _("Are you pregnant?"), _("Pregnant"), _PREGNANCY_WHEN, PREGNANT),
    _yes_no_unsure(
        "breastfeeding", _("Are you breastfeeding?"), _("Breastfeeding"), _PREGNANCY_WHEN
    ),
    _yes_no_unsure(
        "planning_pregnancy",
        _("Are you planning a pregnancy in the coming months?"),
        _("Planning a pregnancy"),
        _PREGNANCY_WHEN,
    ),
)

MEDICAL = Step(
    "medical",
    "medical",
    _("Medical history"),
    _("Medical history"),
    (
        Question(
            "hypertension",
            _("Has a clinician ever told you that you have high blood pressure?"),
            _("High blood pressure"),
            key="medical.hypertension",
            choices=HYPERTENSION,
        ),
        Question(
            "bp_systolic",
            _("Top number (systolic)"),
            _("Blood pressure, top number (systolic)"),
            key="medical.bp_systolic",
            kind="integer",
            unit="mmHg",
            loinc="8480-6",
        ),
        Question(
            "bp_diastolic",
            _("Bottom number (diastolic)"),
            _("Blood pressure, bottom number (diastolic)"),
            key="medical.bp_diastolic",
            kind="integer",
            unit="mmHg",
            loinc="8462-4",
        ),
        Question(
            "bp_measured_on",
            _("When was it taken?"),
            _("Date of the blood-pressure reading"),
            key="medical.bp_measured_on",
            kind="date",
        ),
        Question(
            "heart_any",
            _(
                "Have you ever had a heart problem, such as a heart attack, chest pain "
                "(angina), a stent or bypass, heart failure or an irregular heartbeat?"
            ),
            _("Any heart problem"),
            key="medical.heart_any",
            choices=YES_NO_UNSURE,
        ),
        *HEART,
        Question(
            "brain_any",
            _(
                "Have you ever had a stroke, bleeding in the brain, an aneurysm anywhere in the "
                "body, a head injury with lasting effects, or raised pressure in the brain?"
            ),
            _("Any stroke, bleed, aneurysm or brain injury"),
            key="medical.brain_any",
            choices=YES_NO_UNSURE,
        ),
        *BRAIN,
        Question(
            "glaucoma",
            _("Have you been told you have glaucoma (raised pressure in the eye)?"),
            _("Glaucoma"),
            key="medical.glaucoma",
            choices=GLAUCOMA,
        ),
        _yes_no_unsure("eye_injury", _("Have you had an injury to your eye?"), _("Eye injury")),
        *OTHER_CONDITIONS,
        Question(
            "liver_disease",
            _("Have you been told you have liver disease?"),
            _("Liver disease"),
            key="medical.liver_disease",
            choices=LIVER,
        ),
        Question(
            "thyroid",
            _("Do you have a thyroid condition?"),
            _("Thyroid"),
            key="medical.thyroid",
            choices=THYROID,
        ),
        Question("height_unit", _("Height in"), _("Height given in"), choices=HEIGHT_UNIT),
        Question(
            "height_cm",
            _("Height in centimeters"),
            _("Height"),
            key="medical.height_cm",
            shown_when=When("height_unit", ("cm",)),
            kind="number",
            unit="cm",
            loinc="8302-2",
        ),
        Question(
            "height_ft",
            _("Feet"),
            _("Height, feet"),
            shown_when=When("height_unit", ("ft_in",)),
            kind="integer",
        ),
        Question(
            "height_in",
            _("Inches"),
            _("Height, inches"),
            shown_when=When("height_unit", ("ft_in",)),
            kind="number",
        ),
        Question(
            "weight_value",
            _("Weight"),
            _("Weight as given"),
            help=_("Used for dosing."),
            kind="number",
        ),
        Question("weight_unit", _("Weight in"), _("Weight given in"), choices=WEIGHT_UNIT),
        *PREGNANCY,
        Question(
            "has_allergies",
            _("Do you have any allergies, to medicines or anything else?"),
            _("Has allergies"),
            choices=YES_NO,
        ),
        Question(
            "allergies",
            _("What are you allergic to?"),
            _("Allergies"),
            key="medical.allergies",
            help=_("One per line, for example: penicillin."),
            shown_when=When("has_allergies", ("yes",)),
            kind="text",
        ),
        _yes_no_unsure(
            "ketamine_allergy",
            _("Are you allergic to ketamine or esketamine (Spravato®)?"),
            _("Allergy to ketamine"),
        ),
        _yes_no_unsure(
            "prior_anesthesia_or_ketamine_reaction",
            _("Have you ever had a bad reaction to an anesthetic or to ketamine?"),
            _("Bad reaction to anesthesia or ketamine before"),
        ),
    ),
)
# Not asked: worked out from what was typed, in the format's units.
WEIGHT_KG = Question(
    "weight_kg",
    _("Weight"),
    _("Weight"),
    key="medical.weight_kg",
    kind="number",
    unit="kg",
    loinc="29463-7",
)

SUBSTANCE_KINDS = Choices(
    "substance",
    (
        Option("cannabis", _("Cannabis (marijuana)"), _("Cannabis")),
        Option(
            "stimulants_nonprescribed",
            _(
                "Stimulants not prescribed to you, for example cocaine, methamphetamine, or "
                "someone else's ADHD medicine"
            ),
            _("Stimulants not prescribed"),
        ),
        Option(
            "opioids_nonprescribed",
            _(
                "Opioids not prescribed to you, for example heroin, fentanyl, or someone else's "
                "pain pills"
            ),
            _("Opioids not prescribed"),
        ),
        Option(
            "sedatives_nonprescribed",
            _(
                "Sedatives not prescribed to you, for example someone else's Xanax® or "
                "sleeping pills"
            ),
            _("Sedatives not prescribed"),
        ),
        Option(
            "dissociatives",
            _("Ketamine, PCP or other dissociative drugs not prescribed to you"),
            _("Dissociatives (ketamine, PCP, DXM)"),
        ),
    ),
)
SUBSTANCE_USE = tuple(
    Question(option.code, option.text, option.label, key=f"substances.{option.code}",
             choices=RECENCY)
    for option in SUBSTANCE_KINDS
)  # fmt: skip
SUBSTANCE_FREQUENCY = tuple(
    Question(
        f"{option.code}_frequency",
        _("How often in the past month?"),
        _("How often in the past month"),
        key=f"substances.{option.code}_frequency",
        choices=HOW_OFTEN,
        shown_when=When(option.code, ("past_month",)),
    )
    for option in SUBSTANCE_KINDS
)

SUBSTANCES = Step(
    "substances",
    "substances",
    _("Alcohol and drug use"),
    _("Alcohol and other substances"),
    (
        Question(
            "alcohol",
            _("How often do you drink alcohol?"),
            _("Alcohol"),
            key="substances.alcohol",
            choices=ALCOHOL,
        ),
        *(q for pair in zip(SUBSTANCE_USE, SUBSTANCE_FREQUENCY, strict=True) for q in pair),
        Question(
            "problem_past_3_months",
            _(
                "In the past 3 months, has alcohol or drug use caused problems for you, or have "
                "you felt you should cut down?"
            ),
            _("A substance use problem in the last 3 months"),
            key="substances.problem_past_3_months",
            choices=YES_NO_UNSURE,
        ),
        Question(
            "ever_treated",
            _("Have you ever had treatment for alcohol or drug use?"),
            _("Ever treated for alcohol or drug use"),
            key="substances.ever_treated",
            choices=YES_NO_UNSURE,
        ),
    ),
)
# Not asked: any use of dissociatives not prescribed to the person is misuse.
DISSOCIATIVE_MISUSE = Question(
    "dissociative_misuse_ever",
    _("Ever misused ketamine or other dissociatives"),
    _("Ever misused ketamine or other dissociatives"),
    key="substances.dissociative_misuse_ever",
    choices=YES_NO_UNSURE,
)

MEDICATION_CLASSES = Choices(
    "medication_class",
    (
        Option(
            "benzodiazepine",
            _(
                "Benzodiazepines, for example alprazolam (Xanax®), lorazepam (Ativan®), "
                "clonazepam (Klonopin®) or diazepam (Valium®)"
            ),
            _("Benzodiazepine"),
        ),
        Option("lamotrigine", _("Lamotrigine (Lamictal®)"), _("Lamotrigine")),
        Option(
            "maoi",
            _(
                "MAO inhibitors, for example phenelzine (Nardil®), tranylcypromine (Parnate®) "
                "or selegiline (Emsam®)"
            ),
            _("MAOI"),
        ),
        Option(
            "stimulant",
            _(
                "Stimulants, for example amphetamine (Adderall®), methylphenidate (Ritalin®, "
                "Concerta®) or modafinil"
            ),
            _("Stimulant"),
        ),
        Option(
            "opioid",
            _("Opioids, for example oxycodone, hydrocodone, tramadol, buprenorphine or methadone"),
            _("Opioid"),
        ),
        Option("memantine", _("Memantine (Namenda®)"), _("Memantine")),
        Option(
            "sedative_hypnotic",
            _(
                "Other sedatives or sleeping pills, for example zolpidem (Ambien®) or "
                "eszopiclone (Lunesta®)"
            ),
            _("Sedative-hypnotic"),
        ),
    ),
)
MEDICATIONS = Step(
    "medications",
    "medications",
    _("Current medications"),
    _("Medications"),
    tuple(
        Question(
            f"takes_{option.code}",
            option.text,
            option.label,
            choices=YES_NO_UNSURE,
        )
        for option in MEDICATION_CLASSES
    ),
)
# Not asked as such: the classes answered "yes" above, and those answered "not sure".
MEDICATION_CLASSES_TAKEN = Question(
    "classes",
    _("Medicine groups that matter for ketamine"),
    _("Medicine groups that matter for ketamine"),
    key="medications.classes",
    choices=MEDICATION_CLASSES,
    kind="choices",
)
MEDICATION_CLASSES_UNSURE = Question(
    "classes_unsure",
    _("Not sure whether they take these"),
    _("Not sure whether they take"),
    key="medications.classes_unsure",
    choices=MEDICATION_CLASSES,
    kind="choices",
)
MEDICATION_ROW = Step(
    "medications",
    "medications.current",
    _("Medicines you take now"),
    _("Current medicine"),
    (
        Question("name", _("Medicine name"), _("Medicine"), kind="text"),
        Question("dose", _("Dose"), _("Dose"), help=_("For example, 50 mg."), kind="text"),
        Question(
            "frequency",
            _("How often"),
            _("How often"),
            help=_("For example, twice a day."),
            kind="text",
        ),
    ),
)

CONSENT = Step(
    "review",
    "consent",
    _("Consent and review"),
    _("Consent"),
    (
        Question(
            "not_emergency_service",
            _(
                "I understand that this form is not an emergency service and is not watched in "
                "real time. If I need help now, I will call or text 988, or call 911."
            ),
            _("Understands this is not an emergency service"),
            key="consent.not_emergency_service",
            kind="boolean",
        ),
        Question(
            "privacy_notice",
            _("I have read how the clinic uses and protects my information."),
            _("Read the privacy notice"),
            key="consent.privacy_notice",
            kind="boolean",
        ),
        Question(
            "contact_by_chosen_channels",
            _("The clinic may contact me the ways I chose."),
            _("May be contacted by the chosen channels"),
            key="consent.contact_by_chosen_channels",
            kind="boolean",
        ),
        Question(
            "signature",
            _("Type your full name to sign"),
            _("Signature"),
            key="consent.signature",
            kind="text",
        ),
    ),
)
SIGNED_AT = Question(
    "signed_at", _("Signed"), _("Signed"), key="consent.signed_at", kind="datetime"
)
