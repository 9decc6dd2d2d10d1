"""The screening engine: plain Python, no Django, no I/O inside evaluation.

>>> from screening.engine import screen
>>> result = screen(intake_dict)          # raises IntakeError for an invalid intake
>>> result.outcome, result.to_dict()

The rules are declared in ``rules.py``; docs/screening-rules.md is generated from them
(``manage.py document_rules``), and docs/intake-format.md describes the intake.
"""

from .evaluate import RULESET_VERSION, screen
from .intake import FORMAT, Intake, IntakeError, parse_intake
from .result import (
    OUTCOME_RANK,
    OUTCOMES,
    SEVERITIES,
    SEVERITY_TO_OUTCOME,
    Evidence,
    Flag,
    Result,
    Scores,
)
from .rules import RULES, RULES_BY_CODE, Rule
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FORMAT",
    "OUTCOMES",
    "OUTCOME_RANK",
    "RULES",
    "RULES_BY_CODE",
    "RULESET_VERSION",
    "SEVERITIES",
    "SEVERITY_TO_OUTCOME",
    "Evidence",
    "Flag",
    "Intake",
    "IntakeError",
    "Result",
    "Rule",
    "Scores",
    "Thresholds",
    "parse_intake",
    "screen",
]
