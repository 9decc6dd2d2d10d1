"""Scores shown to staff, and the derived facts the rules read.

Each function here is pure and cheap; :class:`Facts` computes them once per screening so the
rules in ``rules.py`` only compare.
"""

from __future__ import annotations

from typing import Any

from .intake import Intake
from .thresholds import Thresholds

# (highest total in the band, band)
PHQ9_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately_severe"),
    (27, "severe"),
)
GAD7_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))

CSSRS_LEVELS = ("none", "low", "moderate", "high")

# (key, answer) pairs; answer None means the key was absent or null.
Needed = list[tuple[str, Any]]


def total(items: list | None) -> int | None:
    """Sum of a questionnaire, or None unless every item was answered: a partial total would
    understate severity and could wrongly place someone below a threshold."""
    if items is None or None in items:
        return None
    return sum(items)


def band(score: int | None, bands: tuple[tuple[int, str], ...]) -> str | None:
    if score is None:
        return None
    for upper, name in bands:
        if score <= upper:
            return name
    return bands[-1][1]


# Looked up by total: cheaper than walking the bands on every screening.
_PHQ9_BY_TOTAL = tuple(band(total, PHQ9_BANDS) for total in range(28))
_GAD7_BY_TOTAL = tuple(band(total, GAD7_BANDS) for total in range(22))


def phq9_band(score: int | None) -> str | None:
    return None if score is None else _PHQ9_BY_TOTAL[score]


def gad7_band(score: int | None) -> str | None:
    return None if score is None else _GAD7_BY_TOTAL[score]


def unanswered_items(items: list | None, key: str) -> Needed:
    if items is None:
        return [(key, None)]
    if None not in items:
        return []
    return [(f"{key}[{i}]", None) for i, item in enumerate(items) if item is None]


_CSSRS = "questionnaires.cssrs"
_Q = {name: f"{_CSSRS}.{name}" for name in ("q1", "q2", "q3", "q4", "q5", "q6", "q6_past_3_months")}


def assess_cssrs(cssrs: dict | None) -> tuple[str, Needed, Needed]:
    """C-SSRS screener triage: (level established by the answers, its evidence, items needed).

    The level is a lower bound when items are missing, with one deliberate exception: yes to
    Q6 (behaviour) with its timing unanswered is taken as recent (high). The behaviour itself is
    established and only its date is not; ordering the urgent queue as if it were recent is the
    cautious reading, and the missing timing is listed for staff to ask.
    Yes answers are honoured even where skip logic says the item should be null: ignoring a
    disclosed risk because of a form inconsistency would be the worse error.
    """
    if cssrs is None:
        return "none", [], [(_CSSRS, None)]
    q = cssrs.get
    q1, q2, q3, q4, q5, q6 = q("q1"), q("q2"), q("q3"), q("q4"), q("q5"), q("q6")
    recent = q("q6_past_3_months")

    needed: Needed = []
    if q1 is None:
        needed.append((_Q["q1"], None))
    if q2 is None:
        needed.append((_Q["q2"], None))
    if q2 is True:  # Q3-Q5 are asked only after yes to Q2
        for name, value in (("q3", q3), ("q4", q4), ("q5", q5)):
            if value is None:
                needed.append((_Q[name], None))
    if q6 is None:
        needed.append((_Q["q6"], None))
    elif q6 is True and recent is None:
        needed.append((_Q["q6_past_3_months"], None))

    high: Needed = []
    if q4 is True:
        high.append((_Q["q4"], True))
    if q5 is True:
        high.append((_Q["q5"], True))
    if q6 is True and recent is not False:
        high.append((_Q["q6"], True))
        if recent is True:
            high.append((_Q["q6_past_3_months"], True))
    if high:
        return "high", high, needed

    moderate: Needed = []
    if q3 is True:
        moderate.append((_Q["q3"], True))
    if q6 is True:  # and the behaviour was over 3 months ago, or it would have been high
        moderate += [(_Q["q6"], True), (_Q["q6_past_3_months"], False)]
    if moderate:
        return "moderate", moderate, needed

    low: Needed = []
    if q1 is True:
        low.append((_Q["q1"], True))
    if q2 is True:
        low.append((_Q["q2"], True))
    return ("low" if low else "none"), low, needed


_TRIALS = "mental_health.antidepressant_trials"
_FAILED = frozenset(("none", "a_little"))
_NOT_FAILED = frozenset(("partial", "much"))


def assess_trials(trials: list | None, min_weeks: int) -> tuple[Needed, list[Needed]]:
    """Failed adequate trials in the current episode, as (key, trial) pairs, and for each
    unclear trial the answers that would settle it.

    A trial is unclear only when a missing or "unsure" answer could make it count: one already
    ruled out (too short, a past episode, partial or much improvement) needs nothing more,
    which is why the example's three-week venlafaxine trial with "unsure" improvement does not
    ask for anything.
    """
    failed: Needed = []
    unclear: list[Needed] = []
    if not trials:
        return failed, unclear
    for i, trial in enumerate(trials):
        get = trial.get
        weeks = get("weeks")
        episode = get("current_episode")
        improvement = get("improvement")
        if (
            (weeks is not None and weeks < min_weeks)
            or episode is False
            or improvement in _NOT_FAILED
        ):
            continue
        key = f"{_TRIALS}[{i}]"
        if weeks is not None and episode is True and improvement in _FAILED:
            failed.append((key, trial))
            continue
        gaps: Needed = []
        if weeks is None:
            gaps.append((f"{key}.weeks", None))
        if episode is None:
            gaps.append((f"{key}.current_episode", None))
        if improvement is None or improvement == "unsure":
            gaps.append((f"{key}.improvement", improvement))
        unclear.append(gaps)
    return failed, unclear


def bmi(height_cm: float | None, weight_kg: float | None) -> float | None:
    if height_cm is None or weight_kg is None:
        return None
    metres = height_cm / 100
    return round(weight_kg / (metres * metres), 1)


class Facts:
    """What the rules read: the intake's answers, the thresholds and the computed scores."""

    __slots__ = (
        "answers",
        "thresholds",
        "age",
        "phq9",
        "phq9_total",
        "gad7",
        "gad7_total",
        "cssrs_level",
        "cssrs_evidence",
        "cssrs_needed",
        "trials",
        "failed_trials",
        "unclear_trials",
        "bmi",
        "missing",
    )

    def __init__(self, intake: Intake, thresholds: Thresholds) -> None:
        a = intake.answers
        self.answers = a
        self.thresholds = thresholds
        self.age = intake.age
        self.phq9 = a.get("questionnaires.phq9")
        self.phq9_total = total(self.phq9)
        self.gad7 = a.get("questionnaires.gad7")
        self.gad7_total = total(self.gad7)
        self.cssrs_level, self.cssrs_evidence, self.cssrs_needed = assess_cssrs(
            a.get("questionnaires.cssrs")
        )
        self.trials = a.get(_TRIALS)
        self.failed_trials, self.unclear_trials = assess_trials(
            self.trials, thresholds.min_trial_weeks
        )
        self.bmi = bmi(a.get("medical.height_cm"), a.get("medical.weight_kg"))
        # Filled by the evaluator from every rule's needs before the conditions run.
        self.missing: dict[str, Any] = {}

    @property
    def cssrs_risk(self) -> str | None:
        # "none" would read as a negative screen; with unanswered items it is unknown.
        if self.cssrs_level == "none" and self.cssrs_needed:
            return None
        return self.cssrs_level
