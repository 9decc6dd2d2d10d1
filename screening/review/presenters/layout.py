"""The lines of the staff pages, read from the questionnaire definition.

Every section is an intake step (``screening.questionnaire.STEPS``) under its staff label, and
every line a question under its staff label, in the order the person met them. A few answers
read better together and are laid out here, not worded: the blood-pressure reading (three
questions, one line), the emergency contact (one line), each questionnaire's items with a total,
the C-SSRS answers, one line per repeatable row (a trial, a treatment, a medicine), and the
answers the export works out (weight in kg, the medicine groups) next to what they come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from screening import questionnaire as q
from screening.questionnaire import Question, Step

from . import formatting as fmt

# Where a question's key puts it: `section.name`, `section.name[2]` or `section.name.sub`.
_KEY = re.compile(r"(?P<section>\w+)\.(?P<name>\w+)(?:\[(?P<index>\d+)\]|\.(?P<sub>\w+))?")

# The instruments' names, for their items' lines ("PHQ-9 9. Thoughts of ...") and totals.
INSTRUMENTS = {
    "questionnaires.phq9": gettext_lazy("PHQ-9"),
    "questionnaires.gad7": gettext_lazy("GAD-7"),
    "questionnaires.cssrs": gettext_lazy("C-SSRS screener"),
}
# One line for answers given separately: the first key names the line.
BLOOD_PRESSURE = ("medical.bp_systolic", "medical.bp_diastolic", "medical.bp_measured_on")
BLOOD_PRESSURE_LABEL = gettext_lazy("Blood pressure, most recent reading")
EMERGENCY_CONTACT = "care_team.emergency_contact"
EMERGENCY_CONTACT_LABEL = gettext_lazy("Emergency contact")
# An answer the export works out sits after the question it comes from; the others close
# their section.
WORKED_OUT_AFTER = {q.WEIGHT_KG.key: "medical.height_cm"}


@dataclass(frozen=True)
class Part:
    """One item of a questionnaire or one field of an answer kept as an object."""

    key: str | int
    label: Any  # translated when shown
    format: fmt.Formatter


@dataclass(frozen=True)
class Field:
    """One line of a section, or one line per item of a list.

    ``mode`` is "" (one answer), "reading" (the blood pressure, from its section's answers),
    "each" (a list of rows, one line each), "items" (a scored questionnaire: a line per item
    and its total) or "fields" (an object, a line per field).
    """

    section: str
    name: str
    label: Any  # a questionnaire label or a lazy string; translated when shown
    format: Callable[[Any], str]
    mode: str = ""
    parts: tuple[Part, ...] = ()
    # Further keys the line stands for (the other blood-pressure answers, a stored total).
    also: tuple[str, ...] = ()
    maximum: int = 0
    # Asked only after some answers (shown_when): no line when it was not asked.
    follow_up: bool = False

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}" if self.section else self.name

    @property
    def title(self) -> str:
        return translated(self.label)

    @property
    def names(self) -> set[str]:
        """The section's keys this line shows."""
        return {self.name} | {key.rsplit(".", 1)[-1] for key in self.also}


def _label(question: Question, step: Step) -> Any:
    """A question's staff label; a follow-up whose label repeats in its step ("How often in the
    past month") is named after the question it follows up."""
    same = [other for other in step.questions if other.label == question.label]
    if len(same) > 1 and question.shown_when is not None:
        controller = step[question.shown_when.controller]
        return _Joined(controller.label, question.label)
    return question.label


@dataclass(frozen=True)
class _Joined:
    """Two labels shown as one ("Cannabis: how often in the past month"), translated late."""

    first: str
    second: str

    def __str__(self) -> str:
        second = gettext(self.second)
        return gettext("%(question)s: %(follow_up)s") % {
            "question": gettext(self.first),
            "follow_up": second[:1].lower() + second[1:],
        }


def translated(label: Any) -> str:
    """A label in the reader's language: the definition's plain strings are only marked for
    translation; lazy strings and joined labels translate themselves."""
    return gettext(label) if isinstance(label, str) else str(label)


# --- Repeatable rows: one line each ---------------------------------------------------------


def _choice_label(step: Step, name: str, code: Any) -> str | None:
    return fmt.staff_label(step[name].choices, code)


def trial(item: Any) -> str:
    """ "sertraline, up to 150 mg a day, for 10 weeks, in this episode, improvement: ..." """
    if not isinstance(item, dict):
        return fmt.generic(item)
    parts = [str(item.get("medication") or gettext("medicine not named"))]
    if item.get("max_daily_dose_mg") is not None:
        dose = fmt.number(q.TRIAL_ROW["max_daily_dose_mg"].unit)(item["max_daily_dose_mg"])
        parts.append(gettext("up to %(dose)s a day") % {"dose": dose})
    if item.get("weeks") is not None:
        parts.append(gettext("for %(weeks)s weeks") % {"weeks": item["weeks"]})
    episode = item.get("current_episode")
    if episode is True:
        parts.append(gettext("in this episode"))
    elif episode is False:
        parts.append(gettext("in an earlier episode"))
    improvement = item.get("improvement")
    if item.get("stopped_for_side_effects") is True:
        # The export stores "unsure" with this marker: what was asked reads better.
        improvement = "side_effects"
    words = _choice_label(q.TRIAL_ROW, "improvement", improvement) if improvement else None
    words = words or (str(improvement) if improvement else "?")
    parts.append(gettext("improvement: %(improvement)s") % {"improvement": words})
    return ", ".join(parts)


def treatment(item: Any) -> str:
    if not isinstance(item, dict):
        return fmt.generic(item)
    kind = item.get("kind")
    kind = _choice_label(q.TREATMENT_ROW, "kind", kind) or str(
        kind or gettext(q.TREATMENT_ROW["kind"].label)
    )
    outcome = item.get("outcome")
    outcome = _choice_label(q.TREATMENT_ROW, "outcome", outcome) or str(
        outcome or gettext("outcome not given")
    )
    return f"{kind}: {outcome}"


def medicine(item: Any) -> str:
    if not isinstance(item, dict):
        return fmt.generic(item)
    return " ".join(str(item[k]) for k in q.MEDICATION_ROW.names() if item.get(k))


ROW_FORMATS = {
    q.TRIAL_ROW.section: trial,
    q.TREATMENT_ROW.section: treatment,
    q.MEDICATION_ROW.section: medicine,
}


def contact(value: Any) -> str:
    if not isinstance(value, dict):
        return fmt.text(value)
    name = value.get("name") or gettext("name not given")
    relation = f" ({value['relation']})" if value.get("relation") else ""
    phone = f", {value['phone']}" if value.get("phone") else ""
    return f"{name}{relation}{phone}"


def blood_pressure(answers: dict) -> str | None:
    """ "128/82 mmHg on 2 Nov 2026", or None when neither number was given."""
    systolic, diastolic = (answers.get(key.split(".")[1]) for key in BLOOD_PRESSURE[:2])
    if systolic is None and diastolic is None:
        return None
    unit = q.by_key(BLOOD_PRESSURE[0]).unit
    reading = (
        f"{systolic if systolic is not None else '?'}/"
        f"{diastolic if diastolic is not None else '?'} {unit}"
    )
    when = answers.get(BLOOD_PRESSURE[2].split(".")[1])
    if when:
        return gettext("%(reading)s on %(day)s") % {"reading": reading, "day": fmt.date(when)}
    return gettext("%(reading)s (date not given)") % {"reading": reading}


# --- Building the sections from the definition ------------------------------------------------


def _worked_out(section: str) -> list[Question]:
    return [question for question in q.DERIVED if question.key.startswith(section + ".")]


def _ordered(step: Step) -> list[Question | Step]:
    """The step's questions stored under its section, then its repeatable rows, then the
    answers the export works out (next to what they come from, where that is set)."""
    items: list[Question | Step] = [question for question in step.questions if question.key]
    items += [row for row in q.ROWS if row.section.partition(".")[0] == step.section]
    for question in _worked_out(step.section):
        keys = [item.key if isinstance(item, Question) else None for item in items]
        after = WORKED_OUT_AFTER.get(question.key)
        at = keys.index(after) + 1 if after is not None and after in keys else len(items)
        items.insert(at, question)
    return items


def _fields(step: Step) -> list[Field]:
    fields: list[Field] = []
    groups: dict[str, dict] = {}
    for question in _ordered(step):
        if isinstance(question, Step):
            section, _, name = question.section.partition(".")
            fields.append(
                Field(
                    section,
                    name,
                    question.label,
                    ROW_FORMATS.get(question.section, fmt.generic),
                    mode="each",
                )
            )
            continue
        match = _KEY.fullmatch(question.key)
        if match is None or match["section"] != step.section:
            continue
        name, key = match["name"], f"{step.section}.{match['name']}"
        if question.key in BLOOD_PRESSURE:
            if question.key == BLOOD_PRESSURE[0]:
                fields.append(
                    Field(
                        step.section,
                        name,
                        BLOOD_PRESSURE_LABEL,
                        blood_pressure,
                        mode="reading",
                        also=BLOOD_PRESSURE[1:],
                    )
                )
        elif key == EMERGENCY_CONTACT:
            if key not in groups:
                groups[key] = {}
                fields.append(Field(step.section, name, EMERGENCY_CONTACT_LABEL, contact))
        elif match["index"] is not None or match["sub"] is not None:
            if key not in groups:
                groups[key] = {"index": len(fields), "parts": [], "items": match["index"]}
                fields.append(None)  # filled in below, once every part is known
            part = match["sub"] if match["sub"] is not None else int(match["index"])
            groups[key]["parts"].append(
                Part(part, _label(question, step), fmt.for_question(question))
            )
        else:
            fields.append(
                Field(
                    step.section,
                    name,
                    _label(question, step),
                    fmt.for_question(question),
                    follow_up=question.shown_when is not None,
                )
            )
    for key, group in groups.items():
        if "index" not in group:
            continue
        name = key.split(".", 1)[1]
        label = INSTRUMENTS.get(key, fmt.humanize(name))
        parts = tuple(group["parts"])
        if group["items"] is not None:
            choices = q.by_key(f"{key}[0]").choices
            fields[group["index"]] = Field(
                step.section,
                name,
                label,
                fmt.score(choices),
                mode="items",
                parts=parts,
                also=(f"{key}_total",),
                maximum=max(choices.codes) * len(parts),
            )
        else:
            fields[group["index"]] = Field(
                step.section, name, label, fmt.generic, mode="fields", parts=parts
            )
    return fields


@dataclass(frozen=True)
class SectionLayout:
    key: str
    label: Any
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return translated(self.label)

    @property
    def names(self) -> set[str]:
        return {name for f in self.fields for name in f.names}


SECTIONS = tuple(SectionLayout(step.section, step.label, tuple(_fields(step))) for step in q.STEPS)
SECTION_KEYS = {section.key for section in SECTIONS}
FIELDS = {f.key: f for section in SECTIONS for f in section.fields}
# The other keys a line stands for, e.g. a stored total for its questionnaire's line.
ALSO = {key: f for f in FIELDS.values() for key in f.also}

# Top-level keys about the intake itself rather than the person's answers.
SUBMITTED_AT = "submitted_at"
SUBMITTED_AT_LABEL = gettext_lazy("Date submitted")
HEADER_KEYS = {"format", SUBMITTED_AT}
ABOUT_THE_INTAKE = SectionLayout(
    "intake",
    gettext_lazy("About this intake"),
    (
        Field("", "questionnaire_version", gettext_lazy("Questionnaire version"), fmt.text),
        Field("", "language", gettext_lazy("Answered in"), fmt.choice(q.LANGUAGE)),
        Field(
            "",
            "support_page_shown_at",
            gettext_lazy("Crisis support page shown"),
            fmt.datetime,
        ),
        Field(
            "",
            "medical_notice_shown_at",
            gettext_lazy("Blood-pressure notice shown"),
            fmt.datetime,
        ),
    ),
)
OTHER_ANSWERS = gettext_lazy("Other answers")

# What a coordinator needs to reach the person and book them: no clinical answers.
CONTACT_KEYS = (
    "about.legal_name",
    "about.preferred_name",
    "about.date_of_birth",
    "about.phone",
    "about.email",
    "about.contact_channels",
    "about.preferred_language",
    "about.state",
    "care_team.driver_available",
)
