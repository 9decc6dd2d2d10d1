"""A readable summary of a draft's answers for the review page, in the questions' own words."""

import html
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.utils import formats
from django.utils.html import strip_tags
from django.utils.translation import gettext

from screening.intake import steps
from screening.intake.flow import context_for
from screening.intake.forms import DatePartsField


@dataclass
class Section:
    heading: str
    answers: list[tuple[str, str]]


@dataclass
class RowGroup:
    heading: str
    rows: list[str]


@dataclass
class StepSummary:
    step: steps.Step
    sections: list[Section] = field(default_factory=list)
    groups: list[RowGroup] = field(default_factory=list)
    needs_attention: bool = False


def _shown(form_field, value) -> str:
    if isinstance(form_field, DatePartsField):
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(form_field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(form_field, forms.MultipleChoiceField):
        labels = dict(form_field.choices)
        return ", ".join(str(labels.get(item, item)) for item in value) or gettext("None of these")
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    return str(value)


def _sections(form, saved: dict) -> list[Section]:
    layout = form.summary_sections or (("", tuple(form.fields)),)
    optional = gettext("{} (optional)").replace("{}", "")
    extras = form.summary_extras(saved)
    sections = []
    for heading, names in layout:
        answers = [
            (
                html.unescape(strip_tags(form.fields[name].label)).removesuffix(optional),
                _shown(form.fields[name], saved[name]),
            )
            for name in names
            if name in form.fields and name in saved and name not in form.summary_skip
        ] + extras.get(heading, [])
        if answers:
            sections.append(Section(heading, answers))
    return sections


def summarize(answers: dict, needing_attention=()) -> list[StepSummary]:
    context = context_for(answers)
    attention = {step.slug for step in needing_attention}
    summaries = []
    for step in steps.ANSWER_STEPS:
        saved = (answers or {}).get(step.slug) or {}
        summary = StepSummary(step, needs_attention=step.slug in attention)
        summary.sections = _sections(step.form(context=context), saved)
        for rows in step.formsets:
            lines = [rows.formset.form.summary_line(row) for row in saved.get(rows.prefix) or []]
            summary.groups.append(RowGroup(rows.heading, lines))
        summaries.append(summary)
    return summaries
