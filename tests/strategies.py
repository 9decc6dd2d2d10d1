"""Hypothesis strategies for valid ``clinic-intake/1`` documents, and small helpers to address
an intake by the engine's dotted keys.

Written from the format (docs/intake-format.md) and the questionnaire definition's answer codes,
not from the engine's schema, so that a schema mistake in the engine shows up as a failing
property instead of being generated around.

    from tests.strategies import intakes
    @given(intakes())                  # partial: any key may be absent or null
    @given(intakes(complete=True))     # every key answered, as a finished form sends it

Dates of birth are at most 2024-12-31 and submission times in 2025-2027, so an intake without
``submitted_at`` is valid whenever "now" is after 2024.
"""

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import strategies as st

from screening import questionnaire as q

EXAMPLE_PATH = Path(__file__).parent / "data" / "intake-example.json"

YES_NO_UNSURE = q.YES_NO_UNSURE.codes

CONDITION_KEYS = q.MEDICAL_YES_NO_KEYS
SUBSTANCE_USE_KEYS = q.SUBSTANCE_KINDS.codes
CSSRS_KEYS = tuple(question.key.rsplit(".", 1)[1] for question in q.CSSRS)


def _codes(key: str):
    """Any answer the format stores for this key, from the questionnaire definition."""
    return st.sampled_from(q.by_key(key).stored_choices.codes)


def _row_codes(row: q.Step, name: str):
    return st.sampled_from(row[name].stored_choices.codes)


# --- Addressing an intake by dotted key ---------------------------------------------------------

ABSENT = object()  # what resolve() returns for a key that is not in the intake at all
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(key: str) -> list:
    return [name if name else int(index) for name, index in _PART.findall(key)]


def resolve(data, key: str):
    """The value at a dotted key such as ``mental_health.antidepressant_trials[0].weeks``, or
    ABSENT when any step is missing."""
    value = data
    for part in _parts(key):
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return ABSENT
        elif not isinstance(value, dict) or part not in value:
            return ABSENT
        value = value[part]
    return value


DELETE = object()  # with_answers(...) value that removes the key


def with_answers(base: dict, changes: dict) -> dict:
    """A deep copy of ``base`` with dotted keys set (creating sections as needed) or removed
    with DELETE. ``{"medical": DELETE}`` removes a whole section."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        parts = _parts(key)
        target = data
        for part, following in zip(parts, parts[1:], strict=False):
            if isinstance(part, str) and (part not in target or target[part] is None):
                target[part] = [] if isinstance(following, int) else {}
            target = target[part]
        last = parts[-1]
        if value is DELETE:
            if isinstance(last, int):
                del target[last]
            else:
                target.pop(last, None)
        else:
            target[last] = value
    return data


def example_intake() -> dict:
    """A fresh copy of the reference example (tests/data/intake-example.json)."""
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


# --- Strategies ---------------------------------------------------------------------------------

_text = st.text(max_size=30)
_ynu = st.sampled_from(YES_NO_UNSURE)
_zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=-8)), timezone(timedelta(0))]
)


@st.composite
def _zoned_datetime(draw) -> str:
    moment = draw(
        st.datetimes(
            min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=_zones
        )
    )
    text = moment.isoformat()
    # Both spellings of UTC occur in the wild.
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


def _date_text(low: date, high: date):
    return st.dates(min_value=low, max_value=high).map(date.isoformat)


def _questionnaire(items: int, complete: bool):
    item = st.integers(0, 3)
    if not complete:
        item = st.one_of(item, item, item, st.none())
    return st.lists(item, min_size=items, max_size=items)


def _section(fields: dict, complete: bool):
    """A complete section has every key answered; a partial one may leave any key absent or
    null (both mean "not answered")."""
    if complete:
        return st.fixed_dictionaries(fields)
    return st.fixed_dictionaries(
        {}, optional={key: st.one_of(st.none(), value) for key, value in fields.items()}
    )


def _cssrs(complete: bool):
    if complete:
        # Follows the skip logic, as a finished form would.
        @st.composite
        def answered(draw):
            q2 = draw(st.booleans())
            q6 = draw(st.booleans())
            follow = st.booleans() if q2 else st.none()
            return {
                "q1": draw(st.booleans()),
                "q2": q2,
                "q3": draw(follow),
                "q4": draw(follow),
                "q5": draw(follow),
                "q6": q6,
                "q6_past_3_months": draw(st.booleans() if q6 else st.none()),
            }

        return answered()
    # Any mix, including answers skip logic would not ask: the engine must cope with both.
    return _section(dict.fromkeys(CSSRS_KEYS, st.booleans()), complete=False)


def _trial(complete: bool):
    return _section(
        {
            "medication": st.sampled_from(["sertraline", "bupropion", "venlafaxine", "other"]),
            "max_daily_dose_mg": st.integers(0, 600),
            "weeks": st.one_of(
                st.integers(0, 1000), st.floats(0, 1000, allow_nan=False, allow_infinity=False)
            ),
            "current_episode": st.booleans(),
            "improvement": _row_codes(q.TRIAL_ROW, "improvement"),
        },
        complete,
    )


def _sections(complete: bool) -> dict:
    use = st.sampled_from(q.RECENCY.codes)
    return {
        "about": _section(
            {
                "legal_name": _text,
                "preferred_name": _text,
                "date_of_birth": _date_text(date(1920, 1, 1), date(2024, 12, 31)),
                "sex_at_birth": _codes("about.sex_at_birth"),
                "gender_identity": _text,
                "preferred_language": _codes("about.preferred_language"),
                "email": _text,
                "phone": _text,
                "postal_code": _text,
                "state": _text,
            },
            complete,
        ),
        "care_team": _section(
            {
                "psychiatrist": _text,
                "referring_clinician": _text,
                "emergency_contact": _section(
                    {"name": _text, "relation": _text, "phone": _text}, complete
                ),
                "driver_available": _ynu,
            },
            complete,
        ),
        "mental_health": _section(
            {
                "diagnoses": st.lists(_codes("mental_health.diagnoses"), max_size=3),
                "psychosis_now": _ynu,
                "psychosis_past": _ynu,
                "psychosis_family": _ynu,
                "mania_now": _ynu,
                "depression_onset_age": st.integers(0, 120),
                "hospitalizations": st.integers(0, 1000),
                "antidepressant_trials": st.lists(_trial(complete), max_size=5),
                "other_treatments": st.lists(
                    _section(
                        {
                            "kind": _row_codes(q.TREATMENT_ROW, "kind"),
                            "outcome": _row_codes(q.TREATMENT_ROW, "outcome"),
                        },
                        complete,
                    ),
                    max_size=3,
                ),
            },
            complete,
        ),
        "questionnaires": _section(
            {
                "phq9": _questionnaire(len(q.PHQ9), complete),
                "phq9_difficulty": _codes("questionnaires.phq9_difficulty"),
                "gad7": _questionnaire(len(q.GAD7), complete),
                "cssrs": _cssrs(complete),
            },
            complete,
        ),
        "medical": _section(
            {
                "hypertension": _codes("medical.hypertension"),
                "bp_systolic": st.integers(50, 300),
                "bp_diastolic": st.integers(20, 200),
                "bp_measured_on": _date_text(date(2020, 1, 1), date(2027, 12, 31)),
                **dict.fromkeys(CONDITION_KEYS, _ynu),
                "glaucoma": _codes("medical.glaucoma"),
                "liver_disease": _codes("medical.liver_disease"),
                "thyroid": _codes("medical.thyroid"),
                "height_cm": st.floats(50, 272),
                "weight_kg": st.one_of(st.integers(2, 650), st.floats(2, 650)),
                "pregnant": _codes("medical.pregnant"),
                "allergies": st.lists(
                    st.one_of(_text, st.sampled_from(["Ketamine", "esketamine (hives)"])),
                    max_size=3,
                ),
            },
            complete,
        ),
        "substances": _section(
            {
                "alcohol": _codes("substances.alcohol"),
                **dict.fromkeys(SUBSTANCE_USE_KEYS, use),
                "problem_past_3_months": _ynu,
                "dissociative_misuse_ever": _ynu,
            },
            complete,
        ),
        "medications": _section(
            {
                "current": st.lists(
                    _section({"name": _text, "dose": _text, "frequency": _text}, complete),
                    max_size=3,
                ),
                "classes": st.lists(_codes("medications.classes"), max_size=3, unique=True),
            },
            complete,
        ),
        "consent": _section(
            {
                "not_emergency_service": st.booleans(),
                "privacy_notice": st.booleans(),
                "contact_by_chosen_channels": st.booleans(),
                "signature": _text,
                "signed_at": _zoned_datetime(),
            },
            complete,
        ),
    }


def intakes(complete: bool = False):
    """Valid ``clinic-intake/1`` dicts. With ``complete=False`` any section or key may be
    absent or null, as in a partly saved form or an older export."""
    sections = _sections(complete)
    if complete:
        return st.fixed_dictionaries(
            {"format": st.just(q.FORMAT), "submitted_at": _zoned_datetime(), **sections}
        )
    return st.fixed_dictionaries(
        {"format": st.just(q.FORMAT)},
        optional={"submitted_at": _zoned_datetime(), "unknown_extra": _text, **sections},
    )
