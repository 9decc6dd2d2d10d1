"""What staff read: a clinic-intake/1 document and its screening result in words."""

from .answers import (
    describe,
    generic,
    humanize,
    label_for,
    present_contact,
    present_flags,
    present_intake,
    present_scores,
    related,
)

__all__ = [
    "describe",
    "generic",
    "humanize",
    "label_for",
    "present_contact",
    "present_flags",
    "present_intake",
    "present_scores",
    "related",
]
