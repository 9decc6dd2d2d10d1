"""Validation of one ``clinic-intake/1`` dict (see docs/intake-format.md).

The format is declared once, as data (SCHEMA below); the checks are generated from it, and a
plain reference check (check_value) words every error. The input is not copied: the flat
``answers`` mapping points at the caller's own values, so evidence can quote exactly what was
submitted. Unknown keys are ignored; an absent or ``null`` key means "not answered"; a known
key with a wrong type or an implausible value raises :class:`IntakeError` naming the dotted key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from screening import questionnaire as q

FORMAT = q.FORMAT


class IntakeError(ValueError):
    """An intake that is not a valid ``clinic-intake/1``; ``key`` is the dotted path."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}" if key else message)


def _shown(value: Any) -> str:
    # JSON notation, because the people reading these messages wrote JSON (true, null, "x").
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- Field descriptions --------------------------------------------------------------------------

ONE_OF, TEXT, BOOLEAN, INTEGER, NUMBER, DATE, DATETIME, SCORES, LIST, OBJECT = range(10)


class Field(NamedTuple):
    kind: int
    # ONE_OF: allowed answers; INTEGER, NUMBER: (low, high); SCORES: item count;
    # LIST: the item Field; OBJECT: (fields, compiled checker).
    arg: Any = None
    # ONE_OF: the choices as listed in messages.
    choices: str = ""


_text = Field(TEXT)
_boolean = Field(BOOLEAN)
_date = Field(DATE)
_datetime = Field(DATETIME)


def one_of(*choices: str) -> Field:
    return Field(ONE_OF, frozenset(choices), ", ".join(choices))


def integer(low: int, high: int) -> Field:
    return Field(INTEGER, (low, high))


def number(low: float, high: float) -> Field:
    return Field(NUMBER, (low, high))


def scores(count: int) -> Field:
    """A questionnaire: exactly ``count`` items, each 0-3 or null while unanswered."""
    return Field(SCORES, count)


def list_of(item: Field) -> Field:
    return Field(LIST, item)


def obj(fields: dict[str, Field]) -> Field:
    return Field(OBJECT, (fields, _compile(fields, section=None)))


def _date_problem(value: Any) -> str | None:
    # date.fromisoformat() also takes week dates and "20260101" since 3.11; the format says
    # YYYY-MM-DD, and accepting more would make exports disagree with what was typed.
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return f"must be a date as YYYY-MM-DD, got {_shown(value)}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"is not a real date: {_shown(value)}"
    return None


def _parse_datetime(value: Any) -> datetime | str:
    """The parsed date-time, or a problem message."""
    if type(value) is not str or len(value) < 16 or value[10] not in "Tt ":
        return f"must be a date-time like 2026-11-20T15:04:00-05:00, got {_shown(value)}"
    # Python 3.10 does not read a trailing Z; normalising keeps the engine version-independent.
    text = value[:-1] + "+00:00" if value[-1] in "Zz" else value
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return f"is not a valid date-time: {_shown(value)}"


def _datetime_problem(value: Any) -> str | None:
    parsed = _parse_datetime(value)
    return parsed if isinstance(parsed, str) else None


# --- The reference check: plain, exact, and the source of every error message ------------------


def check_value(field: Field, value: Any, key: str) -> None:
    """Raise IntakeError naming ``key`` (or the key inside it) unless ``value`` is valid.

    ``value`` is not None: None means "not answered" and is always allowed. The type test
    comes before any set lookup, since a list or an object cannot be looked up in a set.
    """
    kind, arg = field.kind, field.arg
    problem = None
    if kind == ONE_OF:
        if type(value) is not str or value not in arg:
            problem = f"must be one of {field.choices}; got {_shown(value)}"
    elif kind == TEXT:
        if type(value) is not str:
            problem = f"must be text, got {_shown(value)}"
    elif kind == BOOLEAN:
        if type(value) is not bool:
            problem = f"must be true or false, got {_shown(value)}"
    elif kind in (INTEGER, NUMBER):
        low, high = arg
        # type() rather than isinstance(): bool is an int subclass and true must not mean 1.
        if kind == INTEGER and type(value) is not int:
            problem = f"must be a whole number, got {_shown(value)}"
        elif kind == NUMBER and type(value) is not int and type(value) is not float:
            problem = f"must be a number, got {_shown(value)}"
        # Written so that NaN (which compares false with everything) is out of range too.
        elif not low <= value <= high:
            problem = f"must be from {low} to {high}, got {_shown(value)}"
    elif kind == DATE:
        problem = _date_problem(value)
    elif kind == DATETIME:
        problem = _datetime_problem(value)
    elif kind == SCORES:
        if type(value) is not list or len(value) != arg:
            problem = f"must be a list of {arg} answers (0-3 or null)"
        else:
            for i, item in enumerate(value):
                if item is not None and (type(item) is not int or not 0 <= item <= 3):
                    message = f"must be 0, 1, 2, 3 or null, got {_shown(item)}"
                    raise IntakeError(f"{key}[{i}]", message)
    elif kind == LIST:
        if type(value) is not list:
            problem = f"must be a list, got {_shown(value)}"
        else:
            for i, entry in enumerate(value):
                # A null inside a list is not "not answered": the list itself is the answer.
                if entry is None:
                    raise IntakeError(f"{key}[{i}]", "must not be null")
                check_value(arg, entry, f"{key}[{i}]")
    elif kind == OBJECT:
        if type(value) is not dict:
            problem = f"must be an object, got {_shown(value)}"
        else:
            for name, inner in arg[0].items():
                entry = value.get(name)
                if entry is not None:
                    check_value(inner, entry, f"{key}.{name}")
    if problem is not None:
        raise IntakeError(key, problem)


# --- The fast check: generated straight-line code, exact for valid input ------------------------

_ITEM_TYPES = frozenset((int, type(None)))
_ITEM_VALUES = frozenset((0, 1, 2, 3, None))
_TEXT_ONLY = frozenset((str,))


def _key_in(key: str, index: int | None, name: str) -> str:
    return f"{key}.{name}" if index is None else f"{key}[{index}].{name}"


def _objects(entries: list, key: str, check: Callable) -> bool:
    """Check a list of objects; False sends the list to check_value for its error."""
    for index, entry in enumerate(entries):
        if entry.__class__ is not dict:
            return False
        check(entry, key, index)
    return True


def _fast_test(field: Field, i: int, key: str) -> str:
    """A Python expression over ``v{i}`` that is true exactly when it is a valid answer.

    Written to do as little as possible for the usual answer: validation is most of a
    screening's time. A list or object where a choice was expected makes ``in`` raise
    TypeError, which parse_intake turns into check_value's exact message.
    """
    kind, arg, v = field.kind, field.arg, f"v{i}"
    if kind == ONE_OF:
        return f"{v} in A{i}"
    if kind == TEXT:
        return f"{v}.__class__ is str"
    if kind == BOOLEAN:
        return f"{v} is True or {v} is False"
    if kind == INTEGER:
        return f"{v}.__class__ is int and {arg[0]!r} <= {v} <= {arg[1]!r}"
    if kind == NUMBER:
        return (
            f"({v}.__class__ is int or {v}.__class__ is float) and {arg[0]!r} <= {v} <= {arg[1]!r}"
        )
    if kind == DATE:
        return f"{v}.__class__ is str and _date_problem({v}) is None"
    if kind == DATETIME:
        return f"{v}.__class__ is str and _datetime_problem({v}) is None"
    if kind == SCORES:
        return (
            f"{v}.__class__ is list and len({v}) == {arg}"
            f" and _ITEM_TYPES.issuperset(map(type, {v})) and _ITEM_VALUES.issuperset({v})"
        )
    if kind == OBJECT:
        return f"{v}.__class__ is dict and not C{i}({v}, {key}, None)"
    if kind == LIST and arg.kind == ONE_OF:
        return f"{v}.__class__ is list and A{i}.issuperset({v})"
    if kind == LIST and arg.kind == TEXT:
        return f"{v}.__class__ is list and _TEXT_ONLY.issuperset(map(type, {v}))"
    if kind == LIST and arg.kind == OBJECT:
        return f"{v}.__class__ is list and _objects({v}, {key}, C{i})"
    return "False"  # anything else always takes the exact path


def _compile(fields: dict[str, Field], section: str | None) -> Callable:
    """Generate ``check(block, key, index, answers=None)`` for one object's known keys.

    Generated from the schema (as dataclasses generates ``__init__``): a loop over field
    descriptions costs about twice as much per answer. For a section, each present answer is
    recorded in ``answers`` under its dotted key; for a nested object, keys are only formatted
    when there is an error to name. (Fetching all values with one ``map`` and recording them
    with one ``update`` was measured too, and is slower.)
    """
    env: dict[str, Any] = {
        "check_value": check_value,
        "_key_in": _key_in,
        "_objects": _objects,
        "_date_problem": _date_problem,
        "_datetime_problem": _datetime_problem,
        "_ITEM_TYPES": _ITEM_TYPES,
        "_ITEM_VALUES": _ITEM_VALUES,
        "_TEXT_ONLY": _TEXT_ONLY,
    }
    lines = ["def check(block, key, index, answers=None):", "    get = block.get"]
    for i, (name, field) in enumerate(fields.items()):
        env[f"F{i}"] = field
        if field.kind == ONE_OF:
            env[f"A{i}"] = field.arg
        elif field.kind == LIST and field.arg.kind == ONE_OF:
            env[f"A{i}"] = field.arg.arg
        elif field.kind == OBJECT:
            env[f"C{i}"] = field.arg[1]
        elif field.kind == LIST and field.arg.kind == OBJECT:
            env[f"C{i}"] = field.arg.arg[1]
        key = repr(f"{section}.{name}") if section else f"_key_in(key, index, {name!r})"
        store = f"answers[{key}] = v{i}" if section else "pass"
        lines += [
            f"    v{i} = get({name!r})",
            f"    if {_fast_test(field, i, key)}:",
            f"        {store}",
            f"    elif v{i} is not None:",
            f"        check_value(F{i}, v{i}, {key})",  # raises, naming the key
        ]
    source = "\n".join(lines)
    # The source is built only from the constant SCHEMA below, never from input.
    exec(compile(source, f"<intake check: {section or 'object'}>", "exec"), env)  # noqa: S102
    return env["check"]


def _answer(key: str) -> Field:
    """One answer from the questionnaire definition: its stored codes."""
    return one_of(*q.by_key(key).stored_choices.codes)


def _answers(key: str) -> Field:
    """A list of codes from the questionnaire definition."""
    return list_of(_answer(key))


def _row(row: q.Step, name: str) -> Field:
    return one_of(*row[name].stored_choices.codes)


def _section(section: str, *names: str) -> dict[str, Field]:
    return {name: _answer(f"{section}.{name}") for name in names}


# The medical questions answered yes / no / unsure (the demo and the strategies reuse it).
MEDICAL_YES_NO_KEYS = q.MEDICAL_YES_NO_KEYS


SCHEMA: dict[str, dict[str, Field]] = {
    "about": {
        "legal_name": _text,
        "preferred_name": _text,
        "date_of_birth": _date,
        "sex_at_birth": _answer("about.sex_at_birth"),
        "gender_identity": _text,
        "email": _text,
        "phone": _text,
        "postal_code": _text,
        "state": _text,
        "preferred_language": _answer("about.preferred_language"),
    },
    "care_team": {
        "psychiatrist": _text,
        "therapist": _text,
        "primary_care": _text,
        "referring_clinician": _text,
        "emergency_contact": obj({"name": _text, "relation": _text, "phone": _text}),
        "driver_available": _answer("care_team.driver_available"),
    },
    "mental_health": {
        "diagnoses": _answers("mental_health.diagnoses"),
        **_section("mental_health", "psychosis_now", "psychosis_past", "psychosis_family"),
        "mania_now": _answer("mental_health.mania_now"),
        "depression_onset_age": integer(0, 120),
        "hospitalizations": integer(0, 1000),
        "antidepressant_trials": list_of(
            obj(
                {
                    "medication": _text,
                    "max_daily_dose_mg": number(0, 1_000_000),
                    # A number, not only an integer: "2.5 weeks" is a plausible honest answer.
                    "weeks": number(0, 1000),
                    "current_episode": _boolean,
                    "improvement": _row(q.TRIAL_ROW, "improvement"),
                }
            )
        ),
        "other_treatments": list_of(
            obj(
                {"kind": _row(q.TREATMENT_ROW, "kind"), "outcome": _row(q.TREATMENT_ROW, "outcome")}
            )
        ),
    },
    "questionnaires": {
        "phq9": scores(len(q.PHQ9)),
        "phq9_difficulty": _answer("questionnaires.phq9_difficulty"),
        "gad7": scores(len(q.GAD7)),
        "cssrs": obj(dict.fromkeys((c.key.rsplit(".", 1)[1] for c in q.CSSRS), _boolean)),
    },
    "medical": {
        "hypertension": _answer("medical.hypertension"),
        "bp_systolic": integer(50, 300),
        "bp_diastolic": integer(20, 200),
        "bp_measured_on": _date,
        **_section("medical", *MEDICAL_YES_NO_KEYS),
        **_section("medical", "glaucoma", "liver_disease", "thyroid"),
        "height_cm": number(50, 272),
        "weight_kg": number(2, 650),
        "pregnant": _answer("medical.pregnant"),
        "allergies": list_of(_text),
    },
    "substances": {
        "alcohol": _answer("substances.alcohol"),
        **_section("substances", *q.SUBSTANCE_KINDS.codes),
        "problem_past_3_months": _answer("substances.problem_past_3_months"),
        "dissociative_misuse_ever": _answer("substances.dissociative_misuse_ever"),
    },
    "medications": {
        "current": list_of(obj({"name": _text, "dose": _text, "frequency": _text})),
        "classes": _answers("medications.classes"),
    },
    "consent": {
        "not_emergency_service": _boolean,
        "privacy_notice": _boolean,
        "contact_by_chosen_channels": _boolean,
        "signature": _text,
        # Zone optional here: the consent time is recorded, not computed with.
        "signed_at": _datetime,
    },
}

_SECTIONS = tuple(
    (section, _compile(fields, section), Field(OBJECT, (fields, None)))
    for section, fields in SCHEMA.items()
)


class Intake:
    """The validated intake: ``answers`` maps dotted keys (``"medical.glaucoma"``) to the
    submitted values, present keys only; dates and age are parsed once here."""

    __slots__ = ("data", "answers", "submitted_at", "date_of_birth", "reference_date", "age")

    def __init__(
        self,
        data: dict,
        answers: dict[str, Any],
        submitted_at: datetime | None,
        date_of_birth: date | None,
        reference_date: date,
        age: int | None,
    ) -> None:
        self.data = data
        self.answers = answers
        self.submitted_at = submitted_at
        self.date_of_birth = date_of_birth
        self.reference_date = reference_date
        self.age = age


def _reference_date(submitted_at: datetime | None, now: date | datetime | None) -> date:
    # The submission's own calendar day, in the zone it was written in: a person whose
    # 18th birthday it is in North Carolina is 18, whatever the day is in UTC.
    if submitted_at is not None:
        return submitted_at.date()
    if now is None:
        return date.today()
    if isinstance(now, datetime):
        return now.date()
    if isinstance(now, date):
        return now
    raise TypeError(f"now must be a date or datetime, got {type(now).__name__}")


def age_on(born: date, day: date) -> int:
    # Someone born on 29 February turns a year older on 1 March in common years.
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_intake(data: Any, now: date | datetime | None = None) -> Intake:
    """Validate ``data`` and return an :class:`Intake`; raise :class:`IntakeError` if invalid."""
    if type(data) is not dict:
        raise IntakeError("", f"the intake must be a JSON object, got {_shown(data)}")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise IntakeError("format", f'must be "{FORMAT}", got {_shown(fmt)}')

    answers: dict[str, Any] = {}
    for section, check, field in _SECTIONS:
        block = data.get(section)
        if block is None:
            continue
        if type(block) is not dict:
            raise IntakeError(section, f"must be an object, got {_shown(block)}")
        try:
            check(block, section, None, answers)
        except TypeError:
            # An unhashable value (a list or an object) where a choice was expected: let the
            # exact check find it and name its key.
            check_value(field, block, section)
            raise

    submitted_raw = data.get("submitted_at")
    submitted_at = None
    if submitted_raw is not None:
        submitted_at = _parse_datetime(submitted_raw)
        if isinstance(submitted_at, str):
            raise IntakeError("submitted_at", submitted_at)
        # Without a zone the submission day (and so the person's age) is ambiguous near midnight.
        if submitted_at.tzinfo is None:
            message = f"must include a time zone (Z or an offset), got {_shown(submitted_raw)}"
            raise IntakeError("submitted_at", message)
        answers["submitted_at"] = submitted_raw
    day = _reference_date(submitted_at, now)

    born = None
    age = None
    dob_raw = answers.get("about.date_of_birth")
    if dob_raw is not None:
        born = date.fromisoformat(dob_raw)
        if born > day:
            message = f"is after {day.isoformat()}, the day the intake was submitted or screened"
            raise IntakeError("about.date_of_birth", message)
        age = age_on(born, day)

    return Intake(data, answers, submitted_at, born, day, age)
