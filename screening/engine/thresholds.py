"""Clinic-configurable limits the screening rules compare answers against.

Pure Python on purpose: a Django model stores a clinic's overrides and builds a ``Thresholds``
with :meth:`Thresholds.from_dict`, so nothing here may import Django.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# (low, high) inclusive plausibility limits. They catch typos in a clinic's settings screen
# (a minimum age of 180, a diastolic limit of 1000) before they silently change every screening.
_LIMITS: dict[str, tuple[int, int]] = {
    "min_age": (0, 120),
    "min_failed_trials": (0, 20),
    "min_trial_weeks": (0, 1000),
    "phq9_consult_min": (0, 27),
    "bp_crisis_systolic": (50, 300),
    "bp_crisis_diastolic": (20, 200),
    "bp_severe_systolic": (50, 300),
    "bp_severe_diastolic": (20, 200),
    "bp_elevated_systolic": (50, 300),
    "bp_elevated_diastolic": (20, 200),
    "bp_elevated_systolic_over_65": (50, 300),
    "gad7_significant": (0, 21),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Defaults are the clinical reference's (listed in docs/screening-rules.md, "Thresholds")."""

    min_age: int = 18
    min_failed_trials: int = 2
    min_trial_weeks: int = 6
    phq9_consult_min: int = 10
    # The hypertensive-crisis range of the ACC/AHA guideline: urgent, for a medical reason.
    bp_crisis_systolic: int = 180
    bp_crisis_diastolic: int = 120
    bp_severe_systolic: int = 180
    bp_severe_diastolic: int = 100
    bp_elevated_systolic: int = 140
    bp_elevated_diastolic: int = 90
    bp_elevated_systolic_over_65: int = 150
    gad7_significant: int = 10

    def __post_init__(self) -> None:
        for name, (low, high) in _LIMITS.items():
            value = getattr(self, name)
            # bool is a subclass of int: True would silently mean 1.
            if type(value) is not int:
                raise ValueError(f"{name}: must be an integer, got {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{name}: must be from {low} to {high}, got {value}")
        # An "elevated" limit at or above the "severe" one would make the review band empty and
        # hide readings a clinician should see; that is a settings mistake, not a policy.
        for elevated in ("bp_elevated_systolic", "bp_elevated_systolic_over_65"):
            if getattr(self, elevated) >= self.bp_severe_systolic:
                raise ValueError(f"{elevated}: must be below bp_severe_systolic")
        if self.bp_elevated_diastolic >= self.bp_severe_diastolic:
            raise ValueError("bp_elevated_diastolic: must be below bp_severe_diastolic")

    def bp_in_crisis_range(self, systolic: int | None, diastolic: int | None) -> bool:
        """Whether a reading is at or above either crisis limit (either number may be None)."""
        return (systolic is not None and systolic >= self.bp_crisis_systolic) or (
            diastolic is not None and diastolic >= self.bp_crisis_diastolic
        )

    def to_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thresholds:
        """Build from stored overrides. Unknown keys are ignored (a newer settings row may carry
        fields this version does not know); a ``None`` value means "not overridden"."""
        if not isinstance(data, dict):
            raise ValueError(f"thresholds must be a mapping, got {type(data).__name__}")
        return cls(**{k: v for k, v in data.items() if k in _FIELDS and v is not None})

    def replace(self, **changes: int) -> Thresholds:
        """A copy with some limits changed, validated like a new instance."""
        return dataclasses.replace(self, **changes)


_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Thresholds))
assert set(_FIELDS) == set(_LIMITS), "every threshold needs plausibility limits"

DEFAULT_THRESHOLDS = Thresholds()
