"""How one answer reads to staff: codes through the questionnaire's staff labels, dates and times
in the clinic's time zone ("Nov 2, 2026", "Nov 20, 2026, 3:03 PM": clinic.datetimes), numbers
with their unit.

Each formatter takes one JSON value from a clinic-intake/1 document and returns a string; none
of them raises, whatever the value, so an odd or newer intake never breaks a page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from clinic import datetimes
from screening import questionnaire as q
from screening.questionnaire import Choices, Question

Formatter = Callable[[Any], str]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
# Every yes / no / unsure / not applicable answer the format stores, with its staff label.
STORED_YES_NO = q.PREGNANT


def not_answered() -> str:
    return gettext("Not answered")


def _blank(value: Any) -> bool:
    return value is None or value == ""


def staff_label(choices: Choices | None, code: Any) -> str | None:
    """The clinician's words for an answer code, translated; None for a code not in the list."""
    option = choices.option(code) if choices is not None else None
    return gettext(option.staff_label) if option is not None else None


def humanize(key: str) -> str:
    """A key the questionnaire does not define, in words: the fallback for a newer intake."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def generic(value: Any) -> str:
    """Any JSON value as one readable line."""
    if _blank(value):
        return not_answered()
    if value is True:
        return staff_label(STORED_YES_NO, "yes")
    if value is False:
        return staff_label(STORED_YES_NO, "no")
    if isinstance(value, list):
        return "; ".join(generic(v) for v in value) if value else gettext("None")
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k)}: {generic(v)}" for k, v in value.items())
    if isinstance(value, str):
        if _ISO_DATETIME.fullmatch(value):
            return datetime(value)
        if _ISO_DATE.fullmatch(value):
            return date(value)
        return staff_label(STORED_YES_NO, value) or value
    return str(value)


def date(value: Any) -> str:
    if _blank(value):
        return not_answered()
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return date_format(day, "SHORT_DATE_FORMAT")


def datetime(value: Any) -> str:
    if _blank(value):
        return not_answered()
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return datetimes.moment(moment)


def choice(choices: Choices | None) -> Formatter:
    def fmt(value):
        if _blank(value):
            return not_answered()
        return staff_label(choices, value) or generic(value)

    return fmt


def choice_list(choices: Choices | None) -> Formatter:
    def fmt(value):
        if value is None:
            return not_answered()
        if not isinstance(value, list):
            return generic(value)
        if not value:
            return gettext("None")
        return ", ".join(staff_label(choices, v) or generic(v) for v in value)

    return fmt


def number(unit: str = "") -> Formatter:
    def fmt(value):
        if _blank(value):
            return not_answered()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{value} {unit}".strip()

    return fmt


def text(value: Any) -> str:
    if _blank(value):
        return not_answered()
    if isinstance(value, list):
        return ", ".join(generic(v) for v in value) if value else gettext("None")
    return generic(value)


def yes_no(choices: Choices | None) -> Formatter:
    """A stored true / false; null means the question was skipped, not answered no."""

    def fmt(value):
        if value is None:
            return gettext("Not asked")
        if value is True:
            return staff_label(choices, "yes") or generic(True)
        if value is False:
            return staff_label(choices, "no") or generic(False)
        return generic(value)

    return fmt


def agreed(value: Any) -> str:
    if value is True:
        return gettext("Agreed")
    if value is False:
        return gettext("Not agreed")
    return not_answered()


def score(choices: Choices | None) -> Formatter:
    """A scored item with its words: "3: Nearly every day"."""

    def fmt(value):
        if value is None:
            return not_answered()
        label = staff_label(choices, value)
        return f"{value}: {label}" if label else generic(value)

    return fmt


def for_question(question: Question) -> Formatter:
    """The formatter for one question's stored answer, from its kind in the definition."""
    choices = question.stored_choices
    kind = question.kind
    if kind == "choices":
        return choice_list(choices)
    if kind == "score":
        return score(choices)
    if kind in ("integer", "number"):
        return number(question.unit)
    if kind == "date":
        return date
    if kind == "datetime":
        return datetime
    if kind == "boolean":
        # A statement agreed to has no answer list; a yes / no question stores true / false.
        return yes_no(choices) if choices is not None else agreed
    if kind == "choice" and choices is not None:
        return choice(choices)
    return text
