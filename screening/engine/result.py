"""The screening result and its JSON shape (docs/intake-format.md, "What manage.py screen
prints"). Keys may be added there, never renamed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .thresholds import Thresholds

OUTCOMES = ("urgent", "likely_excluded", "needs_review", "eligible_for_consultation")
OUTCOME_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}
SEVERITIES = ("crisis", "exclude", "review", "info")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
SEVERITY_TO_OUTCOME = dict(zip(SEVERITIES, OUTCOMES, strict=True))


class Evidence(NamedTuple):
    """One answer behind a flag. ``answer`` is the value found in the intake at ``key``;
    ``missing`` is true only in RV_MISSING_INFO evidence for a key that was absent or null
    (an "unsure" answer is present, so it is quoted with ``missing`` false)."""

    key: str
    answer: Any
    missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        # A copy of list and object answers (a trial, the PHQ-9 items): the result is often
        # stored or edited for display, and must not share objects with the intake.
        answer = self.answer
        if type(answer) is dict or type(answer) is list:
            answer = _copy_json(answer)
        if self.missing:
            return {"key": self.key, "answer": answer, "missing": True}
        return {"key": self.key, "answer": answer}


def _copy_json(value: Any) -> Any:
    if type(value) is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy_json(item) for item in value]
    return value


class Flag(NamedTuple):
    code: str
    severity: str
    title: str
    rationale: str
    source: str
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "rationale": self.rationale,
            "source": self.source,
            "evidence": [e.to_dict() for e in self.evidence],
        }


class Scores(NamedTuple):
    phq9_total: int | None
    phq9_band: str | None
    gad7_total: int | None
    gad7_band: str | None
    cssrs_risk: str | None
    failed_adequate_trials: int
    # Trials that might count once a missing or "unsure" answer is known.
    unclear_trials: int
    bmi: float | None
    # Whole years at the day of submission; None without a date of birth.
    age: int | None


@dataclass(frozen=True, slots=True)
class Result:
    outcome: str
    ruleset_version: str
    thresholds: Thresholds
    scores: Scores
    flags: tuple[Flag, ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.flags)

    @property
    def rank(self) -> int:
        """Sort key for queues: 0 is the most urgent."""
        return OUTCOME_RANK[self.outcome]

    def flag(self, code: str) -> Flag | None:
        for flag in self.flags:
            if flag.code == code:
                return flag
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "ruleset_version": self.ruleset_version,
            "thresholds": self.thresholds.to_dict(),
            "scores": self.scores._asdict(),
            "flags": [flag.to_dict() for flag in self.flags],
        }
