"""The screening's flags as staff read them: severity in words, and each piece of evidence with
the same label and answer as its row on the page, linked to that row."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from screening.engine import SEVERITIES

from . import formatting as fmt
from .answers import Section, describe, label_for, rows_matching

_SEVERITY_WORDS = {
    "crisis": gettext_lazy("Crisis"),
    "exclude": gettext_lazy("Likely excludes"),
    "review": gettext_lazy("Needs review"),
    "info": gettext_lazy("For information"),
}
# Keyed by the engine's severities: one it adds without words here fails at import.
SEVERITY_LABELS = {severity: _SEVERITY_WORDS[severity] for severity in SEVERITIES}
# The one flag whose evidence is what the intake does not say: the staff page lists it as
# "still missing" in the summary rather than as evidence.
MISSING_INFO = "RV_MISSING_INFO"


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

    @property
    def lists_missing(self) -> bool:
        return self.code == MISSING_INFO


def _evidence(item: dict, sections: list[Section]) -> EvidenceLine:
    key = item.get("key", "")
    rows = rows_matching(sections, key)
    exact = [row for row in rows if key in row.keys] or rows
    missing = bool(item.get("missing"))
    answer = fmt.not_answered() if missing else describe(key, item.get("answer"))
    return EvidenceLine(key, label_for(key), answer, missing, exact[0].anchor if exact else None)


def missing_information(flags: list[FlagView]) -> list[EvidenceLine]:
    """What the screening needed and the intake does not say (absent, null or "unsure")."""
    return [line for flag in flags if flag.lists_missing for line in flag.evidence]


def present_flags(flags: list[dict] | None, sections: list[Section]) -> list[FlagView]:
    views = []
    for flag in flags or []:
        severity = flag.get("severity", "")
        label = SEVERITY_LABELS.get(severity)
        views.append(
            FlagView(
                code=flag.get("code", ""),
                severity=severity,
                severity_label=str(label) if label else fmt.humanize(severity),
                title=flag.get("title", ""),
                rationale=flag.get("rationale", ""),
                source=flag.get("source", ""),
                evidence=[_evidence(item, sections) for item in flag.get("evidence") or []],
            )
        )
    return views
