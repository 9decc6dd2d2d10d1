"""What staff read: a clinic-intake/1 document and its screening result in words.

Plain Python over the questionnaire definition, no HTTP: the submission page and the printable
page both use it.

- `present_intake(intake, flags)`: the answers as sections in the intake's step order (answers);
- `present_contact(intake)`: what a coordinator needs to book, no clinical answers (answers);
- `present_flags(flags, sections)`: each flag with its evidence in the same words, and
  `missing_information(flags)` what the screening needed and was not told (flags);
- `present_scores(scores)`: the scores with their bands (scores);
- `present_act_now(intake, flags, ...)`: an urgent submission's "act now" panel (urgent).

`layout` lays the lines out from the definition; `formatting` words one value.
"""

from .answers import Row, Section, describe, label_for, present_contact, present_intake, related
from .flags import SEVERITY_LABELS, EvidenceLine, FlagView, missing_information, present_flags
from .formatting import generic, humanize
from .scores import BANDS, RISK, ScoreLine, present_scores
from .urgent import ActNow, present_act_now

__all__ = [
    "BANDS",
    "ActNow",
    "RISK",
    "SEVERITY_LABELS",
    "EvidenceLine",
    "FlagView",
    "Row",
    "ScoreLine",
    "Section",
    "describe",
    "generic",
    "humanize",
    "label_for",
    "missing_information",
    "present_act_now",
    "present_contact",
    "present_flags",
    "present_intake",
    "present_scores",
    "related",
]
