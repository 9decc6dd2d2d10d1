"""The building blocks of the questionnaire definition: options, choice lists and questions.

Plain Python on purpose: the screening engine reads the answer codes from here and must not
import Django. Wording is marked with ``_`` so that ``makemessages`` collects it; the pages
that show it pass it through Django's ``gettext`` (see ``screening.questionnaire.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = "clinic-intake/1"


def _(message: str) -> str:
    """Mark ``message`` for translation without translating it here (Django's gettext_noop)."""
    return message


@dataclass(frozen=True, slots=True)
class Option:
    """One answer: its stable code, what the person reads, and what a clinician reads."""

    code: str | int
    text: str
    label: str = ""
    # The LOINC answer code, where the instrument publishes one (PHQ-9 and GAD-7 answers).
    loinc: str | None = None

    @property
    def staff_label(self) -> str:
        return self.label or self.text


@dataclass(frozen=True, slots=True)
class Choices:
    """A named list of options; adding an answer is adding an Option here."""

    name: str
    options: tuple[Option, ...]

    def __iter__(self):
        return iter(self.options)

    def __len__(self) -> int:
        return len(self.options)

    @property
    def codes(self) -> tuple:
        return tuple(option.code for option in self.options)

    def without(self, *codes) -> tuple:
        """The codes, less some the intake asks but the format does not store as such."""
        return tuple(code for code in self.codes if code not in codes)

    def option(self, code) -> Option | None:
        for option in self.options:
            if option.code == code:
                return option
        return None

    def text_of(self, code) -> str:
        option = self.option(code)
        return option.text if option else str(code)

    def label_of(self, code) -> str:
        option = self.option(code)
        return option.staff_label if option else str(code)

    @property
    def labels(self) -> dict:
        return {option.code: option.staff_label for option in self.options}


@dataclass(frozen=True, slots=True)
class When:
    """A question is shown only when the answer to ``controller`` is one of ``values``."""

    controller: str
    values: tuple

    def applies(self, answer) -> bool:
        if isinstance(answer, list | tuple):
            return any(item in self.values for item in answer)
        return answer in self.values


@dataclass(frozen=True, slots=True)
class Question:
    """One question, once: everything a page, an export or a test needs to know about it.

    ``name`` is the step form's field (and the key in a draft's answers); ``key`` is where the
    answer lives in a ``clinic-intake/1`` document, or None when the export reshapes it (a unit
    choice, a yes/no that becomes a list entry).
    """

    name: str
    text: str
    label: str
    key: str | None = None
    choices: Choices | None = None
    help: str = ""
    shown_when: When | None = None
    loinc: str | None = None
    # The answer's kind in the format, for readers that have no form: choice, choices (a list
    # of codes), text, integer, number, date, datetime, boolean, score (0-3).
    kind: str = "choice"
    unit: str = ""
    # The codes the format stores, where they differ from the ones asked (pregnancy adds
    # "not applicable" for questions that were not asked).
    stored: Choices | None = None

    @property
    def codes(self) -> tuple:
        return self.choices.codes if self.choices else ()

    @property
    def stored_choices(self) -> Choices | None:
        return self.stored or self.choices


@dataclass(frozen=True, slots=True)
class Step:
    """The questions of one intake step, in the order the person meets them."""

    slug: str
    section: str  # the step's object in clinic-intake/1
    title: str  # what the person reads
    label: str  # what a clinician reads
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def names(self) -> tuple[str, ...]:
        return tuple(question.name for question in self.questions)
