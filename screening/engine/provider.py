"""Where ``manage.py screen`` (and any other caller outside a request) gets thresholds.

Kept apart from evaluation: the engine itself never touches Django or a database.
"""

from __future__ import annotations

import logging

from .thresholds import DEFAULT_THRESHOLDS, Thresholds

logger = logging.getLogger(__name__)


def thresholds_provider() -> Thresholds:
    """The clinic's thresholds from ``screening.models.current_thresholds()`` when that exists
    and the database answers; otherwise the reference defaults.

    A failure after the function was found is logged as a warning rather than raised: a
    screening with default thresholds (which the result records) is more useful than none,
    and "the database is not reachable" shows up as many different exception types (including
    pytest-django's RuntimeError when a test has no database access).
    """
    try:
        from screening.models import current_thresholds
    except Exception:  # not written yet, Django not configured, app not installed
        return DEFAULT_THRESHOLDS
    try:
        thresholds = current_thresholds()
    except Exception as exc:
        logger.warning("using default screening thresholds: %s: %s", type(exc).__name__, exc)
        return DEFAULT_THRESHOLDS
    if isinstance(thresholds, dict):
        return Thresholds.from_dict(thresholds)
    if not isinstance(thresholds, Thresholds):
        logger.warning("current_thresholds() returned %r; using defaults", type(thresholds))
        return DEFAULT_THRESHOLDS
    return thresholds
