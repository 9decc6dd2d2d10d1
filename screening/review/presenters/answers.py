"""Turn a clinic-intake/1 document and its screening result into what staff read.

Plain Python, no HTTP: the submission page and the printable export both use it.

- `present_intake(intake, flags)` gives the answers as sections in the intake's step order,
  each row with a human label and value ("Blood pressure, most recent reading: 128/82 mmHg on
  2 Nov 2026"), marked when a flag quotes it as evidence. Keys this module does not know are
  still shown with a generic label, so a newer intake never breaks the page.
- `present_flags(flags, sections)` gives each flag with its evidence in the same words and a
  link to the row it points at.
- `present_scores(scores)` gives the scores with their bands.

Evidence keys look like `medical.bp_systolic`, `questionnaires.phq9[8]`,
`mental_health.antidepressant_trials[0]` or `questionnaires.cssrs.q6`; a key matches a row
when either one contains the other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

NOT_ANSWERED = "Not answered"

YES_NO = {
    "yes": "Yes",
    "no": "No",
    "unsure": "Unsure",
    "not_applicable": "Not applicable",
}
SEX = {
    "female": "Female",
    "male": "Male",
    "intersex": "Intersex",
    "prefer_not_to_say": "Prefers not to say",
}
LANGUAGE = {"en": "English", "es": "Spanish"}
DIAGNOSES = {
    "depression": "Depression",
    "bipolar": "Bipolar disorder",
    "anxiety": "Anxiety",
    "ptsd": "PTSD",
    "ocd": "OCD",
    "schizophrenia": "Schizophrenia",
    "schizoaffective": "Schizoaffective disorder",
    "eating_disorder": "Eating disorder",
    "other": "Other",
}
IMPROVEMENT = {
    "none": "no improvement",
    "a_little": "a little (25% or less)",
    "partial": "partial",
    "much": "much better",
    "unsure": "unsure",
}
TREATMENT_KIND = {
    "psychotherapy": "Psychotherapy",
    "ect": "ECT",
    "tms": "TMS",
    "esketamine": "Esketamine (Spravato)",
    "ketamine": "Ketamine",
}
TREATMENT_OUTCOME = {
    "helped": "helped",
    "partly": "partly helped",
    "no": "did not help",
    "unsure": "unsure",
}
DIFFICULTY = {
    "not_difficult": "Not difficult at all",
    "somewhat": "Somewhat difficult",
    "very": "Very difficult",
    "extremely": "Extremely difficult",
}
HYPERTENSION = {
    "no": "No",
    "controlled": "Yes, controlled with treatment",
    "uncontrolled": "Yes, not controlled",
    "untreated": "Yes, not treated",
    "unsure": "Unsure",
}
GLAUCOMA = {
    "no": "No",
    "treated": "Yes, treated",
    "untreated": "Yes, not treated",
    "unsure": "Unsure",
}
LIVER = {
    "no": "No",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
    "unsure": "Unsure",
}
THYROID = {
    "no": "No",
    "underactive": "Underactive",
    "overactive_controlled": "Overactive, controlled",
    "overactive_uncontrolled": "Overactive, not controlled",
    "unsure": "Unsure",
}
ALCOHOL = {
    "never": "Never",
    "monthly_or_less": "Monthly or less",
    "weekly": "Weekly",
    "daily": "Daily",
    "heavy_daily": "Heavily, every day",
}
DRUG_USE = {
    "never": "Never",
    "past_only": "In the past only",
    "past_year": "In the past year",
    "past_month": "In the past month",
}
MED_CLASSES = {
    "benzodiazepine": "Benzodiazepine",
    "sedative_hypnotic": "Sedative-hypnotic",
    "opioid": "Opioid",
    "stimulant": "Stimulant",
    "maoi": "MAOI",
    "lamotrigine": "Lamotrigine",
    "memantine": "Memantine",
}
FREQUENCY = {
    0: "Not at all",
    1: "Several days",
    2: "More than half the days",
    3: "Nearly every day",
}
BANDS = {
    "minimal": "minimal",
    "mild": "mild",
    "moderate": "moderate",
    "moderately_severe": "moderately severe",
    "severe": "severe",
}
RISK = {"none": "none", "low": "low", "moderate": "moderate", "high": "high"}

# Staff-facing short forms of the standard items (full wording is in the patient's intake).
PHQ9_ITEMS = [
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about themself, or a failure, or letting family down",
    "Trouble concentrating on things",
    "Moving or speaking slowly, or being fidgety or restless",
    "Thoughts of being better off dead or of hurting themself",
]
GAD7_ITEMS = [
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
]
CSSRS_ITEMS = {
    "q1": "C-SSRS 1: wished to be dead or not wake up (past month)",
    "q2": "C-SSRS 2: thoughts of killing themself (past month)",
    "q3": "C-SSRS 3: thought about how they might do this",
    "q4": "C-SSRS 4: had these thoughts with some intention of acting on them",
    "q5": "C-SSRS 5: worked out details of a plan and intends to carry it out",
    "q6": "C-SSRS 6: ever did, started or prepared anything to end their life",
    "q6_past_3_months": "C-SSRS 6: was it within the past 3 months",
}


# --- Value formatting ---------------------------------------------------------------------------


def _date(value: Any) -> str:
    if value in (None, ""):
        return NOT_ANSWERED
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def _datetime(value: Any) -> str:
    if value in (None, ""):
        return NOT_ANSWERED
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def _choice(mapping):
    def fmt(value):
        if value is None or value == "":
            return NOT_ANSWERED
        return mapping.get(value, str(value))

    return fmt


def _choices(mapping):
    def fmt(value):
        if value is None:
            return NOT_ANSWERED
        if not isinstance(value, list):
            return generic(value)
        if not value:
            return "None"
        return ", ".join(mapping.get(v, str(v)) for v in value)

    return fmt


def _number(unit=""):
    def fmt(value):
        if value is None or value == "":
            return NOT_ANSWERED
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{value} {unit}".strip()

    return fmt


def _text(value):
    if value is None or value == "":
        return NOT_ANSWERED
    return generic(value)


def _bool(value):
    if value is None:
        return "Not asked"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def _agreed(value):
    if value is True:
        return "Agreed"
    if value is False:
        return "Not agreed"
    return NOT_ANSWERED


def _frequency(value):
    if value is None:
        return NOT_ANSWERED
    label = FREQUENCY.get(value)
    return f"{value}: {label}" if label else str(value)


def _trial(trial):
    if not isinstance(trial, dict):
        return generic(trial)
    parts = [str(trial.get("medication") or "medicine not named")]
    if trial.get("max_daily_dose_mg") is not None:
        parts.append(f"up to {_number('mg')(trial['max_daily_dose_mg'])} a day")
    if trial.get("weeks") is not None:
        parts.append(f"for {trial['weeks']} weeks")
    episode = trial.get("current_episode")
    if episode is True:
        parts.append("in this episode")
    elif episode is False:
        parts.append("in an earlier episode")
    improvement = trial.get("improvement")
    parts.append(
        "improvement: " + (IMPROVEMENT.get(improvement, str(improvement)) if improvement else "?")
    )
    return ", ".join(parts)


def _treatment(item):
    if not isinstance(item, dict):
        return generic(item)
    kind = TREATMENT_KIND.get(item.get("kind"), str(item.get("kind") or "Treatment"))
    outcome = item.get("outcome")
    return f"{kind}: {TREATMENT_OUTCOME.get(outcome, str(outcome or 'outcome not given'))}"


def _medicine(item):
    if not isinstance(item, dict):
        return generic(item)
    return " ".join(str(item.get(k)) for k in ("name", "dose", "frequency") if item.get(k))


def _contact(value):
    if not isinstance(value, dict):
        return _text(value)
    name = value.get("name") or "name not given"
    relation = f" ({value['relation']})" if value.get("relation") else ""
    phone = f", {value['phone']}" if value.get("phone") else ""
    return f"{name}{relation}{phone}"


def generic(value: Any) -> str:
    """Any JSON value as one readable line."""
    if value is None or value == "":
        return NOT_ANSWERED
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        return "; ".join(generic(v) for v in value) if value else "None"
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k)}: {generic(v)}" for k, v in value.items())
    if isinstance(value, str):
        return YES_NO.get(value, value)
    return str(value)


def humanize(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# --- The intake's steps -------------------------------------------------------------------------

# (key inside the section, label, formatter); a list's items get one row each when `each` is set.
Field = tuple  # (key, label, formatter) or (key, label, formatter, "each", item_label)

STEPS: list[tuple[str, str, list]] = [
    (
        "about",
        "About them",
        [
            ("legal_name", "Legal name", _text),
            ("preferred_name", "Preferred name", _text),
            ("date_of_birth", "Date of birth", _date),
            ("sex_at_birth", "Sex at birth", _choice(SEX)),
            ("gender_identity", "Gender identity", _text),
            ("preferred_language", "Preferred language", _choice(LANGUAGE)),
            ("email", "Email", _text),
            ("phone", "Phone", _text),
            ("postal_code", "ZIP code", _text),
            ("state", "State", _text),
        ],
    ),
    (
        "care_team",
        "Care team",
        [
            ("psychiatrist", "Psychiatrist", _text),
            ("therapist", "Therapist", _text),
            ("primary_care", "Primary care", _text),
            ("referring_clinician", "Referring clinician", _text),
            ("emergency_contact", "Emergency contact", _contact),
            ("driver_available", "Someone can take them home after treatment", _choice(YES_NO)),
        ],
    ),
    (
        "mental_health",
        "Mental health and treatments tried",
        [
            ("diagnoses", "Diagnoses they were given", _choices(DIAGNOSES)),
            ("psychosis_now", "Psychosis now", _choice(YES_NO)),
            ("psychosis_past", "Psychosis in the past", _choice(YES_NO)),
            ("psychosis_family", "Psychosis in the family", _choice(YES_NO)),
            ("mania_now", "Mania now", _choice(YES_NO)),
            ("depression_onset_age", "Age when depression started", _number()),
            ("hospitalizations", "Psychiatric hospital stays", _number()),
            ("antidepressant_trials", "Antidepressant trial", _trial, "each"),
            ("other_treatments", "Other treatment", _treatment, "each"),
        ],
    ),
    (
        "questionnaires",
        "Questionnaires",
        [
            ("phq9", "PHQ-9", _frequency, "items", PHQ9_ITEMS),
            (
                "phq9_difficulty",
                "PHQ-9: how difficult these problems made life",
                _choice(DIFFICULTY),
            ),
            ("gad7", "GAD-7", _frequency, "items", GAD7_ITEMS),
            ("cssrs", "C-SSRS screener", _bool, "fields", CSSRS_ITEMS),
        ],
    ),
    (
        "medical",
        "Medical history",
        [
            ("hypertension", "High blood pressure", _choice(HYPERTENSION)),
            ("*bp", "Blood pressure, most recent reading", None),
            ("heart_attack_12_months", "Heart attack in the last 12 months", _choice(YES_NO)),
            ("unstable_angina", "Unstable angina", _choice(YES_NO)),
            ("stent_or_bypass_12_months", "Stent or bypass in the last 12 months", _choice(YES_NO)),
            ("heart_failure", "Heart failure", _choice(YES_NO)),
            ("arrhythmia", "Irregular heartbeat", _choice(YES_NO)),
            ("stroke_or_tia", "Stroke or TIA", _choice(YES_NO)),
            ("brain_bleed", "Bleeding in the brain", _choice(YES_NO)),
            ("aneurysm_or_avm", "Aneurysm or AVM", _choice(YES_NO)),
            ("head_injury_lasting", "Head injury with lasting effects", _choice(YES_NO)),
            ("hypertensive_encephalopathy", "Hypertensive encephalopathy", _choice(YES_NO)),
            ("brain_shunt", "Brain shunt", _choice(YES_NO)),
            ("raised_intracranial_pressure", "Raised pressure in the skull", _choice(YES_NO)),
            ("glaucoma", "Glaucoma", _choice(GLAUCOMA)),
            ("eye_injury", "Eye injury", _choice(YES_NO)),
            ("seizures", "Seizures", _choice(YES_NO)),
            ("sleep_apnea", "Sleep apnea", _choice(YES_NO)),
            ("severe_lung_disease", "Severe lung disease", _choice(YES_NO)),
            ("bladder_problems", "Bladder problems", _choice(YES_NO)),
            ("dementia", "Dementia", _choice(YES_NO)),
            ("liver_disease", "Liver disease", _choice(LIVER)),
            ("thyroid", "Thyroid", _choice(THYROID)),
            ("height_cm", "Height", _number("cm")),
            ("weight_kg", "Weight", _number("kg")),
            ("pregnant", "Pregnant", _choice(YES_NO)),
            ("breastfeeding", "Breastfeeding", _choice(YES_NO)),
            ("planning_pregnancy", "Planning a pregnancy", _choice(YES_NO)),
            ("allergies", "Allergies", _choices({})),
            ("ketamine_allergy", "Allergy to ketamine", _choice(YES_NO)),
            (
                "prior_anesthesia_or_ketamine_reaction",
                "Bad reaction to anesthesia or ketamine before",
                _choice(YES_NO),
            ),
        ],
    ),
    (
        "substances",
        "Alcohol and other substances",
        [
            ("alcohol", "Alcohol", _choice(ALCOHOL)),
            ("cannabis", "Cannabis", _choice(DRUG_USE)),
            ("stimulants_nonprescribed", "Stimulants not prescribed", _choice(DRUG_USE)),
            ("opioids_nonprescribed", "Opioids not prescribed", _choice(DRUG_USE)),
            ("sedatives_nonprescribed", "Sedatives not prescribed", _choice(DRUG_USE)),
            ("dissociatives", "Dissociatives (ketamine, PCP, DXM)", _choice(DRUG_USE)),
            (
                "problem_past_3_months",
                "A substance use problem in the last 3 months",
                _choice(YES_NO),
            ),
            (
                "dissociative_misuse_ever",
                "Ever misused ketamine or other dissociatives",
                _choice(YES_NO),
            ),
        ],
    ),
    (
        "medications",
        "Medications",
        [
            ("current", "Current medicine", _medicine, "each"),
            ("classes", "Medicine groups that matter for ketamine", _choices(MED_CLASSES)),
        ],
    ),
    (
        "consent",
        "Consent",
        [
            ("not_emergency_service", "Understands this is not an emergency service", _agreed),
            ("privacy_notice", "Read the privacy notice", _agreed),
            ("contact_by_chosen_channels", "May be contacted by the chosen channels", _agreed),
            ("signature", "Signature", _text),
            ("signed_at", "Signed", _datetime),
        ],
    ),
]
STEP_KEYS = {key for key, _, _ in STEPS}
# Top-level keys shown elsewhere on the page (the header), not as answers.
HEADER_KEYS = {"format", "submitted_at"}

CONTACT_KEYS = [
    ("about", "legal_name"),
    ("about", "preferred_name"),
    ("about", "date_of_birth"),
    ("about", "phone"),
    ("about", "email"),
    ("about", "preferred_language"),
    ("about", "state"),
    ("care_team", "driver_available"),
]


# --- Rows and sections --------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: str
    keys: tuple[str, ...]
    missing: bool = False
    flag_codes: list[str] = field(default_factory=list)
    # A summary row (a questionnaire total) is evidence only when the whole list is quoted,
    # not when one of its items is.
    summary: bool = False

    @property
    def highlighted(self) -> bool:
        return bool(self.flag_codes)

    @property
    def anchor(self) -> str:
        return "answer-" + re.sub(r"[^a-z0-9]+", "-", self.keys[0].lower()).strip("-")


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]

    @property
    def highlighted(self) -> bool:
        return any(row.highlighted for row in self.rows)

    @property
    def anchor(self) -> str:
        return "step-" + self.key.replace("_", "-")


def related(a: str, b: str) -> bool:
    """True when one key is the other or contains it (`x.y` contains `x.y[2]` and `x.y.z`)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and long[len(short)] in ".["


def _rows_for_field(section_key, answers, spec) -> list[Row]:
    name, label, fmt = spec[0], spec[1], spec[2]
    mode = spec[3] if len(spec) > 3 else None
    path = f"{section_key}.{name}"

    if name == "*bp":
        return [_blood_pressure(section_key, answers)]
    value = answers.get(name)
    if mode == "each":
        if not isinstance(value, list) or not value:
            text = "None listed" if isinstance(value, list) else NOT_ANSWERED
            return [Row(label + "s", text, (path,), missing=value is None)]
        return [
            Row(f"{label} {i + 1}", fmt(item), (f"{path}[{i}]",)) for i, item in enumerate(value)
        ]
    if mode == "items":
        item_labels = spec[4]
        if not isinstance(value, list):
            return [Row(label, NOT_ANSWERED, (path,), missing=True)]
        rows = [
            Row(
                f"{label} {i + 1}. {item_labels[i] if i < len(item_labels) else ''}".strip(),
                fmt(item),
                (f"{path}[{i}]",),
                missing=item is None,
            )
            for i, item in enumerate(value)
        ]
        total = sum(v for v in value if isinstance(v, int) and not isinstance(v, bool))
        rows.append(Row(f"{label} total", str(total), (path,), summary=True))
        return rows
    if mode == "fields":
        item_labels = spec[4]
        if not isinstance(value, dict):
            return [Row(label, NOT_ANSWERED, (path,), missing=True)]
        rows = [
            Row(text, fmt(value.get(k)), (f"{path}.{k}",), missing=k not in value)
            for k, text in item_labels.items()
        ]
        rows += [
            Row(f"{label}: {humanize(k)}", generic(v), (f"{path}.{k}",))
            for k, v in value.items()
            if k not in item_labels
        ]
        return rows
    return [Row(label, fmt(value), (path,), missing=value is None or value == "")]


def _blood_pressure(section_key, answers) -> Row:
    keys = tuple(f"{section_key}.{k}" for k in ("bp_systolic", "bp_diastolic", "bp_measured_on"))
    systolic, diastolic = answers.get("bp_systolic"), answers.get("bp_diastolic")
    if systolic is None and diastolic is None:
        return Row("Blood pressure, most recent reading", NOT_ANSWERED, keys, missing=True)
    reading = f"{systolic if systolic is not None else '?'}/"
    reading += f"{diastolic if diastolic is not None else '?'} mmHg"
    when = answers.get("bp_measured_on")
    reading += f" on {_date(when)}" if when else " (date not given)"
    return Row("Blood pressure, most recent reading", reading, keys)


KNOWN_SUBKEYS = {
    section: {spec[0] for spec in specs} | ({"bp_systolic", "bp_diastolic", "bp_measured_on"})
    for section, _, specs in STEPS
}


def present_intake(intake: dict | None, flags: list[dict] | None = None) -> list[Section]:
    intake = intake if isinstance(intake, dict) else {}
    sections = []
    for key, title, specs in STEPS:
        answers = intake.get(key)
        answers = answers if isinstance(answers, dict) else {}
        rows = [row for spec in specs for row in _rows_for_field(key, answers, spec)]
        rows += [
            Row(humanize(name), generic(value), (f"{key}.{name}",))
            for name, value in answers.items()
            if name not in KNOWN_SUBKEYS[key]
        ]
        if key in intake and not isinstance(intake[key], dict):
            rows.append(Row(title, generic(intake[key]), (key,)))
        sections.append(Section(key, title, rows))
    extra = [
        Row(humanize(name), generic(value), (name,))
        for name, value in intake.items()
        if name not in STEP_KEYS and name not in HEADER_KEYS
    ]
    if extra:
        sections.append(Section("other", "Other answers", extra))
    _mark_evidence(sections, flags or [])
    return sections


def _mark_evidence(sections, flags):
    for flag in flags:
        code = flag.get("code", "")
        for evidence in flag.get("evidence") or []:
            key = evidence.get("key", "")
            for row in _rows_matching(sections, key):
                if code not in row.flag_codes:
                    row.flag_codes.append(code)


def _rows_matching(sections, key):
    return [
        row
        for section in sections
        for row in section.rows
        if (key in row.keys if row.summary else any(related(key, k) for k in row.keys))
    ]


def present_contact(intake: dict | None) -> list[Row]:
    """What a coordinator needs to reach the person and book them: no clinical answers."""
    intake = intake if isinstance(intake, dict) else {}
    specs = {(section, spec[0]): spec for section, _, specs in STEPS for spec in specs}
    rows = []
    for section, name in CONTACT_KEYS:
        answers = intake.get(section)
        answers = answers if isinstance(answers, dict) else {}
        rows += _rows_for_field(section, answers, specs[(section, name)])
    return rows


# --- Flags and scores ---------------------------------------------------------------------------

SEVERITY_LABELS = {
    "crisis": "Crisis",
    "exclude": "Likely excludes",
    "review": "Needs review",
    "info": "For information",
}


@dataclass
class EvidenceLine:
    key: str
    label: str
    answer: str
    missing: bool
    anchor: str | None


@dataclass
class FlagView:
    code: str
    severity: str
    severity_label: str
    title: str
    rationale: str
    source: str
    evidence: list[EvidenceLine]


def present_flags(flags: list[dict] | None, sections: list[Section]) -> list[FlagView]:
    views = []
    for flag in flags or []:
        lines = []
        for item in flag.get("evidence") or []:
            key = item.get("key", "")
            rows = _rows_matching(sections, key)
            exact = [r for r in rows if key in r.keys] or rows
            label = label_for(key)
            missing = bool(item.get("missing"))
            answer = "Not answered" if missing else describe(key, item.get("answer"))
            lines.append(
                EvidenceLine(key, label, answer, missing, exact[0].anchor if exact else None)
            )
        severity = flag.get("severity", "")
        views.append(
            FlagView(
                code=flag.get("code", ""),
                severity=severity,
                severity_label=SEVERITY_LABELS.get(severity, humanize(severity)),
                title=flag.get("title", ""),
                rationale=flag.get("rationale", ""),
                source=flag.get("source", ""),
                evidence=lines,
            )
        )
    return views


_INDEX = re.compile(r"\[(\d+)\]$")


def _spec_for(key: str):
    """(spec, item index or sub-field) for an evidence key, or (None, None)."""
    section, _, rest = key.partition(".")
    index = None
    match = _INDEX.search(rest)
    if match:
        index = int(match.group(1))
        rest = rest[: match.start()]
    name, _, sub = rest.partition(".")
    for step_key, _, specs in STEPS:
        if step_key != section:
            continue
        for spec in specs:
            if spec[0] == name:
                return spec, (sub or index)
    return None, None


def label_for(key: str) -> str:
    if key == "submitted_at":
        return "Date submitted"
    if key.startswith("medical.bp_"):
        return {
            "medical.bp_systolic": "Blood pressure, top number (systolic)",
            "medical.bp_diastolic": "Blood pressure, bottom number (diastolic)",
            "medical.bp_measured_on": "Date of the blood-pressure reading",
        }.get(key, humanize(key))
    spec, part = _spec_for(key)
    if spec is None:
        return humanize(key.rsplit(".", 1)[-1])
    mode = spec[3] if len(spec) > 3 else None
    if mode == "each" and isinstance(part, int):
        return f"{spec[1]} {part + 1}"
    if mode == "items" and isinstance(part, int):
        texts = spec[4]
        return f"{spec[1]} {part + 1}. {texts[part] if part < len(texts) else ''}".strip()
    if mode == "fields" and isinstance(part, str) and part:
        return spec[4].get(part, humanize(part))
    if isinstance(part, int):
        return f"{spec[1]} (item {part + 1})"
    return spec[1]


def describe(key: str, value: Any) -> str:
    """An evidence answer in the same words as the answer rows."""
    if key == "submitted_at":
        return _datetime(value)
    if key == "medical.bp_measured_on":
        return _date(value)
    if key in ("medical.bp_systolic", "medical.bp_diastolic"):
        return _number("mmHg")(value)
    spec, part = _spec_for(key)
    if spec is None:
        return generic(value)
    fmt = spec[2]
    mode = spec[3] if len(spec) > 3 else None
    if mode in ("each", "items", "fields") and part not in (None, ""):
        return fmt(value)
    if mode == "items" and isinstance(value, list):
        total = sum(v for v in value if isinstance(v, int) and not isinstance(v, bool))
        return f"{', '.join(generic(v) for v in value)} (total {total})"
    if mode == "each":
        return "; ".join(fmt(v) for v in value) if isinstance(value, list) else generic(value)
    if isinstance(part, int) and fmt is not None:
        # One item of a multiple-choice list, e.g. medications.classes[0].
        return fmt([value]) if isinstance(value, str) else generic(value)
    return fmt(value) if fmt is not None else generic(value)


@dataclass
class ScoreLine:
    label: str
    value: str
    band: str = ""


def present_scores(scores: dict | None) -> list[ScoreLine]:
    scores = scores or {}
    lines = []
    if "phq9_total" in scores:
        lines.append(
            ScoreLine(
                "PHQ-9 (depression)",
                _score(scores.get("phq9_total"), 27),
                BANDS.get(scores.get("phq9_band"), scores.get("phq9_band") or ""),
            )
        )
    if "gad7_total" in scores:
        lines.append(
            ScoreLine(
                "GAD-7 (anxiety)",
                _score(scores.get("gad7_total"), 21),
                BANDS.get(scores.get("gad7_band"), scores.get("gad7_band") or ""),
            )
        )
    if "cssrs_risk" in scores:
        risk = scores.get("cssrs_risk")
        lines.append(ScoreLine("C-SSRS suicide risk", RISK.get(risk, risk or "not established")))
    if "failed_adequate_trials" in scores:
        value = str(scores.get("failed_adequate_trials"))
        if scores.get("unclear_trials"):
            value += f" (and {scores['unclear_trials']} unclear)"
        lines.append(ScoreLine("Failed adequate antidepressant trials", value))
    if scores.get("bmi") is not None:
        lines.append(ScoreLine("BMI", str(scores["bmi"])))
    if scores.get("age") is not None:
        lines.append(ScoreLine("Age at submission", str(scores["age"])))
    return lines


def _score(value, maximum):
    return "not scored (items missing)" if value is None else f"{value} of {maximum}"
