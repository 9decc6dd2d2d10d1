"""A clinic-intake/1 document as staff read it: sections in the intake's step order, each row
with a staff label and a value ("Blood pressure, most recent reading: 128/82 mmHg on
2 Nov 2026"), marked when a flag quotes it as evidence.

Labels and answer words come from the questionnaire definition (``screening.questionnaire``)
through ``layout``. A key the definition does not know is still shown, with a label made from
the key, so a newer intake never breaks the page; that fallback is for such keys only.

Evidence keys look like `medical.bp_systolic`, `questionnaires.phq9[8]`,
`mental_health.antidepressant_trials[0]` or `questionnaires.cssrs.q6`; a key matches a row
when either one contains the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from screening import questionnaire as q

from . import formatting as fmt
from . import layout
from .layout import Field, SectionLayout, translated


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


# --- Rows ---------------------------------------------------------------------------------------


def _numbered(label: str, index: int) -> str:
    return gettext("%(label)s %(number)s") % {"label": label, "number": index + 1}


def _item_label(f: Field, index: int) -> str:
    if index >= len(f.parts):
        return _numbered(f.title, index)
    return gettext("%(instrument)s %(number)s. %(item)s") % {
        "instrument": f.title,
        "number": index + 1,
        "item": translated(f.parts[index].label),
    }


def _total_label(f: Field) -> str:
    return gettext("%(instrument)s total") % {"instrument": f.title}


def _total(f: Field, items: Any, stored: Any) -> str:
    """ "16 of 27", from the items (the total the intake worked out when they are missing)."""
    if isinstance(items, list):
        scores = [v for v in items if isinstance(v, int) and not isinstance(v, bool)]
        text = gettext("%(total)s of %(maximum)s") % {"total": sum(scores), "maximum": f.maximum}
        if len(scores) < len(items) or len(items) < len(f.parts):
            text = gettext("%(total)s (not every item answered)") % {"total": text}
        return text
    if isinstance(stored, int) and not isinstance(stored, bool):
        return gettext("%(total)s of %(maximum)s") % {"total": stored, "maximum": f.maximum}
    return fmt.not_answered()


def _part(f: Field, key) -> layout.Part | None:
    return next((part for part in f.parts if part.key == key), None)


def _rows_for_field(answers: dict, f: Field, quoted: frozenset = frozenset()) -> list[Row]:
    path, label = f.key, f.title
    if f.mode == "reading":
        reading = layout.blood_pressure(answers)
        return [Row(label, reading or fmt.not_answered(), (path, *f.also), missing=reading is None)]
    if f.follow_up and f.name not in answers and path not in quoted:
        return []  # not asked, and no flag needs it
    value = answers.get(f.name)
    if f.mode == "each":
        if value is None or value == []:
            text = fmt.not_answered() if value is None else gettext("None listed")
            return [Row(label, text, (path,), missing=value is None)]
        if not isinstance(value, list):
            return [Row(label, fmt.generic(value), (path,))]
        return [
            Row(_numbered(label, i), f.format(item), (f"{path}[{i}]",))
            for i, item in enumerate(value)
        ]
    if f.mode == "items":
        stored = answers.get(f.also[0].rsplit(".", 1)[-1]) if f.also else None
        if not isinstance(value, list):
            if stored is None:
                return [Row(label, fmt.not_answered(), (path,), missing=True)]
            return [Row(_total_label(f), _total(f, None, stored), (path, *f.also), summary=True)]
        rows = [
            Row(
                _item_label(f, i),
                (part.format if (part := _part(f, i)) else f.format)(item),
                (f"{path}[{i}]",),
                missing=item is None,
            )
            for i, item in enumerate(value)
        ]
        rows.append(Row(_total_label(f), _total(f, value, stored), (path, *f.also), summary=True))
        return rows
    if f.mode == "fields":
        if not isinstance(value, dict):
            return [Row(label, fmt.not_answered(), (path,), missing=True)]
        rows = [
            Row(
                translated(part.label),
                part.format(value.get(part.key)),
                (f"{path}.{part.key}",),
                missing=part.key not in value,
            )
            for part in f.parts
        ]
        known = {part.key for part in f.parts}
        rows += [
            Row(
                gettext("%(group)s: %(field)s") % {"group": label, "field": fmt.humanize(k)},
                fmt.generic(v),
                (f"{path}.{k}",),
            )
            for k, v in value.items()
            if k not in known
        ]
        return rows
    return [Row(label, f.format(value), (path,), missing=value is None or value == "")]


def _unknown(prefix: str, answers: dict, known: set[str]) -> list[Row]:
    """Answers the definition does not know (a newer intake): shown, labelled from the key."""
    return [
        Row(fmt.humanize(name), fmt.generic(value), (f"{prefix}{name}",))
        for name, value in answers.items()
        if name not in known
    ]


def _section(intake: dict, section: SectionLayout, quoted: frozenset) -> Section:
    if section.key in layout.SECTION_KEYS:
        answers = intake.get(section.key)
        answers = answers if isinstance(answers, dict) else {}
        prefix = section.key + "."
    else:
        answers, prefix = intake, ""
    rows = [row for f in section.fields for row in _rows_for_field(answers, f, quoted)]
    if prefix:
        rows += _unknown(prefix, answers, section.names)
        if section.key in intake and not isinstance(intake[section.key], dict):
            rows.append(Row(section.title, fmt.generic(intake[section.key]), (section.key,)))
    return Section(section.key, section.title, rows)


def present_intake(intake: dict | None, flags: list[dict] | None = None) -> list[Section]:
    intake = intake if isinstance(intake, dict) else {}
    quoted = frozenset(
        evidence.get("key") for flag in flags or [] for evidence in flag.get("evidence") or []
    )
    sections = [_section(intake, section, quoted) for section in layout.SECTIONS]
    about = layout.ABOUT_THE_INTAKE
    if any(f.key in intake for f in about.fields):
        section = _section(intake, about, quoted)
        section.rows = [row for row in section.rows if not row.missing]
        sections.append(section)
    known = layout.SECTION_KEYS | layout.HEADER_KEYS | about.names
    extra = _unknown("", intake, known)
    if extra:
        sections.append(Section("other", translated(layout.OTHER_ANSWERS), extra))
    _mark_evidence(sections, flags or [])
    return sections


def _mark_evidence(sections: list[Section], flags: list[dict]) -> None:
    for flag in flags:
        code = flag.get("code", "")
        for evidence in flag.get("evidence") or []:
            for row in rows_matching(sections, evidence.get("key", "")):
                if code not in row.flag_codes:
                    row.flag_codes.append(code)


def rows_matching(sections: list[Section], key: str) -> list[Row]:
    return [
        row
        for section in sections
        for row in section.rows
        if (key in row.keys if row.summary else any(related(key, k) for k in row.keys))
    ]


def present_contact(intake: dict | None) -> list[Row]:
    """What a coordinator needs to reach the person and book them: no clinical answers."""
    intake = intake if isinstance(intake, dict) else {}
    rows = []
    for key in layout.CONTACT_KEYS:
        f = layout.FIELDS[key]
        answers = intake.get(f.section)
        rows += _rows_for_field(answers if isinstance(answers, dict) else {}, f)
    return rows


# --- One evidence key: its label and its answer -------------------------------------------------

_INDEX = re.compile(r"\[(\d+)\]$")


def _field_for(key: str) -> tuple[Field | None, Any]:
    """The line an evidence key belongs to, and which part of it: an item's index, a field's
    name, the key itself when the line stands for it too, or None for the whole line."""
    if key in layout.FIELDS:
        return layout.FIELDS[key], None
    if key in layout.ALSO:
        return layout.ALSO[key], key
    match = _INDEX.search(key)
    if match and key[: match.start()] in layout.FIELDS:
        return layout.FIELDS[key[: match.start()]], int(match.group(1))
    parent, _, sub = key.rpartition(".")
    if parent in layout.FIELDS:
        return layout.FIELDS[parent], sub
    return None, None


def _question_label(key: str, fallback: str) -> str:
    question = q.by_key(key)
    return translated(question.label) if question is not None else fallback


def label_for(key: str) -> str:
    if key == layout.SUBMITTED_AT:
        return translated(layout.SUBMITTED_AT_LABEL)
    f, part = _field_for(key)
    if f is None:
        return _question_label(key, fmt.humanize(key.rsplit(".", 1)[-1]))
    if f.mode == "items" and isinstance(part, int):
        return _item_label(f, part)
    if f.mode == "items" and part in f.also:
        return _total_label(f)
    if f.mode == "each" and isinstance(part, int):
        return _numbered(f.title, part)
    if f.mode == "fields" and isinstance(part, str):
        found = _part(f, part)
        return translated(found.label) if found else fmt.humanize(part)
    if f.mode == "reading" or isinstance(part, str):
        # One answer of a line that shows several (a blood-pressure number, the contact's phone).
        return _question_label(key, f"{f.title}: {fmt.humanize(str(part))}")
    if isinstance(part, int):
        return gettext("%(label)s (item %(number)s)") % {"label": f.title, "number": part + 1}
    return f.title


def describe(key: str, value: Any) -> str:
    """An evidence answer in the same words as the answer rows."""
    if key == layout.SUBMITTED_AT:
        return fmt.datetime(value)
    f, part = _field_for(key)
    question = q.by_key(key)
    if f is None or f.mode == "reading" or (f.mode == "" and isinstance(part, str)):
        return fmt.for_question(question)(value) if question else fmt.generic(value)
    if f.mode == "items":
        if isinstance(part, int):
            found = _part(f, part)
            return (found.format if found else f.format)(value)
        if part in f.also:
            return _total(f, None, value)
        if isinstance(value, list):
            total = sum(v for v in value if isinstance(v, int) and not isinstance(v, bool))
            return gettext("%(answers)s (total %(total)s)") % {
                "answers": ", ".join(fmt.generic(v) for v in value),
                "total": total,
            }
        return fmt.generic(value)
    if f.mode == "fields":
        found = _part(f, part) if isinstance(part, str) else None
        return found.format(value) if found else fmt.generic(value)
    if f.mode == "each":
        if isinstance(part, int):
            return f.format(value)
        if isinstance(value, list):
            return "; ".join(f.format(v) for v in value)
        return fmt.generic(value)
    if isinstance(part, int):
        # One item of a multiple-choice list, e.g. medications.classes[0].
        return f.format([value]) if isinstance(value, str) else fmt.generic(value)
    return f.format(value)
