"""The screening's scores as staff read them: totals out of their maximum, with their bands."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from screening import questionnaire as q
from screening.engine.scoring import CSSRS_LEVELS, GAD7_BANDS, PHQ9_BANDS

_BAND_WORDS = {
    "minimal": gettext_lazy("minimal"),
    "mild": gettext_lazy("mild"),
    "moderate": gettext_lazy("moderate"),
    "moderately_severe": gettext_lazy("moderately severe"),
    "severe": gettext_lazy("severe"),
}
_RISK_WORDS = {
    "none": gettext_lazy("none"),
    "low": gettext_lazy("low"),
    "moderate": gettext_lazy("moderate"),
    "high": gettext_lazy("high"),
}
# Keyed by the engine's bands and C-SSRS levels: one it adds without words here fails at import.
BANDS = {name: _BAND_WORDS[name] for _, name in (*PHQ9_BANDS, *GAD7_BANDS)}
RISK = {level: _RISK_WORDS[level] for level in CSSRS_LEVELS}
# The highest total of each questionnaire: the highest answer times the number of items.
PHQ9_MAXIMUM = max(q.FREQUENCY.codes) * len(q.PHQ9)
GAD7_MAXIMUM = max(q.FREQUENCY.codes) * len(q.GAD7)


@dataclass
class ScoreLine:
    label: str
    value: str
    band: str = ""


def _words(mapping: dict, code, default: str = "") -> str:
    if code in mapping:
        return str(mapping[code])
    return str(code) if code else default


def _score(value, maximum) -> str:
    if value is None:
        return gettext("not scored (items missing)")
    return gettext("%(total)s of %(maximum)s") % {"total": value, "maximum": maximum}


def present_scores(scores: dict | None) -> list[ScoreLine]:
    scores = scores or {}
    lines = []
    if "phq9_total" in scores:
        lines.append(
            ScoreLine(
                gettext("PHQ-9 (depression)"),
                _score(scores.get("phq9_total"), PHQ9_MAXIMUM),
                _words(BANDS, scores.get("phq9_band")),
            )
        )
    if "gad7_total" in scores:
        lines.append(
            ScoreLine(
                gettext("GAD-7 (anxiety)"),
                _score(scores.get("gad7_total"), GAD7_MAXIMUM),
                _words(BANDS, scores.get("gad7_band")),
            )
        )
    if "cssrs_risk" in scores:
        risk = _words(RISK, scores.get("cssrs_risk"), gettext("not established"))
        lines.append(ScoreLine(gettext("C-SSRS suicide risk"), risk))
    if "failed_adequate_trials" in scores:
        value = str(scores.get("failed_adequate_trials"))
        if scores.get("unclear_trials"):
            value = gettext("%(failed)s (and %(unclear)s unclear)") % {
                "failed": value,
                "unclear": scores["unclear_trials"],
            }
        lines.append(ScoreLine(gettext("Failed adequate antidepressant trials"), value))
    if scores.get("bmi") is not None:
        lines.append(ScoreLine(gettext("BMI"), str(scores["bmi"])))
    if scores.get("age") is not None:
        lines.append(ScoreLine(gettext("Age at submission"), str(scores["age"])))
    return lines
