"""``screen()``: validate, score, run every rule, pick the outcome."""

from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter
from typing import Any

from .intake import parse_intake
from .result import SEVERITY_TO_OUTCOME, Flag, Result, Scores
from .rules import RULES, Rule
from .scoring import Facts, gad7_band, phq9_band
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

RULESET_VERSION = "2026.12-1"


class _Plan:
    """The rule table resolved once into set operations that run in C.

    Most answers are "no": testing every key in Python for every rule (and again for missing
    information) was most of a screening's time. Instead, per screening:

    - missing: the needed keys absent from the answers (a set difference against the dict)
      and the needed keys answered "unsure" (an intersection with ``(key, "unsure")`` pairs),
      plus what the rules' needs functions return;
    - fired: the ``(key, answer)`` pairs that make some simple answer rule fire. Only the
      rules with such a pair, and the rules with conditions of their own, are called. This
      cannot change a result: the pairs are exactly what the rule's condition tests (see
      rules.answers), and tests/engine/test_properties.py checks it against calling every rule.

    Intersecting ``dict.items()`` with a frozenset of pairs iterates the pairs and looks each
    key up in the dict, so list and dict answers are never hashed.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        order: list[Any] = []  # needed keys and needs functions, each once, in table order
        for rule in rules:
            for step in (*rule.needed_keys, rule.needs_function):
                if step is not None and step not in order:
                    order.append(step)
        # Where each needed key or needs function stands in the table, to order what is missing.
        self.position = {step: index for index, step in enumerate(order)}
        self.needs_functions = tuple(step for step in order if not isinstance(step, str))
        keys = [step for step in order if isinstance(step, str)]
        self.needed = frozenset(keys)
        self.needed_unsure = frozenset((key, "unsure") for key in keys)

        # (condition, the flag's fixed fields): a flag is these plus the evidence.
        self.rules = tuple(
            (rule.when, (rule.code, rule.severity, rule.title, rule.rationale, rule.source))
            for rule in rules
        )
        always: list[int] = []
        by_pair: dict[tuple[str, str], set[int]] = {}
        for index, rule in enumerate(rules):
            firing = getattr(rule.when, "firing", None)
            if firing is None:
                always.append(index)
                continue
            for key, values in firing.items():
                for value in values:
                    by_pair.setdefault((key, value), set()).add(index)
        self.always = tuple(always)
        self.by_pair = {pair: frozenset(indexes) for pair, indexes in by_pair.items()}
        self.firing_pairs = frozenset(by_pair)

    def to_run(self, fired: set) -> tuple[int, ...] | list[int]:
        """Indexes of the rules whose conditions must be called, in table order."""
        if not fired:
            return self.always
        run = set(self.always)
        by_pair = self.by_pair
        for pair in fired:
            run |= by_pair[pair]
        return sorted(run)


_PLAN = _Plan(RULES)


def _collect_missing(f: Facts, absent: frozenset, unsure: set, found: dict) -> None:
    """Fill ``f.missing`` in table order, so RV_MISSING_INFO lists keys the way a clinician
    reads the rules; each key once, at its first place. Only runs when something is missing."""
    position = _PLAN.position
    entries = [(position[key], 0, key, None) for key in absent]
    entries += [(position[key], 0, key, answer) for key, answer in unsure]
    for needs, needed in found.items():
        at = position[needs]
        entries += [(at, i, key, answer) for i, (key, answer) in enumerate(needed)]
    # (position, i) is unique, so the sort never compares keys or answers.
    entries.sort(key=_BY_PLACE)
    missing = f.missing
    for _, _, key, answer in entries:
        if key not in missing:
            missing[key] = answer


_BY_PLACE = itemgetter(0, 1)
_new_flag = tuple.__new__  # Flag(*fixed, evidence) without re-reading five rule attributes


def screen(
    data: Any,
    thresholds: Thresholds | None = None,
    now: date | datetime | None = None,
) -> Result:
    """Screen one ``clinic-intake/1`` dict.

    ``now`` is only used for the person's age when the intake has no ``submitted_at``.
    Raises :class:`IntakeError` when ``data`` is not a valid intake.
    """
    th = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    intake = parse_intake(data, now)
    f = Facts(intake, th)
    a = f.answers

    # Needs before conditions, so RV_MISSING_INFO can sit at its place in the table order.
    absent = _PLAN.needed.difference(a)
    items = a.items()
    unsure = items & _PLAN.needed_unsure
    found = {}
    for needs in _PLAN.needs_functions:
        needed = needs(f)
        if needed:
            found[needs] = needed
    if absent or unsure or found:
        _collect_missing(f, absent, unsure, found)

    fired = items & _PLAN.firing_pairs
    flags = []
    rules = _PLAN.rules
    for index in _PLAN.to_run(fired):
        when, fixed = rules[index]
        evidence = when(f)
        if evidence is not None:
            flags.append(_new_flag(Flag, (*fixed, tuple(evidence))))

    # The table is ordered by severity, so the first flag decides (IN_ESCORT_NEEDED always
    # fires; the fallback only guards a future table without it).
    outcome = SEVERITY_TO_OUTCOME[flags[0].severity] if flags else "eligible_for_consultation"
    scores = Scores(  # positional: about three times cheaper than keywords for a NamedTuple
        f.phq9_total,
        phq9_band(f.phq9_total),
        f.gad7_total,
        gad7_band(f.gad7_total),
        f.cssrs_risk,
        len(f.failed_trials),
        len(f.unclear_trials),
        f.bmi,
        intake.age,
    )
    return Result(outcome, RULESET_VERSION, th, scores, tuple(flags))
