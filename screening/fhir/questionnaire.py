"""The intake as one FHIR R4 Questionnaire, generated from the questionnaire definition.

Every step is a group (linkId: its section in clinic-intake/1). Every question the intake asks
is an item whose linkId is its clinic-intake/1 key, or ``<section>.<form name>`` for the few the
export reshapes (height and weight units, "any allergies?", the medicine groups). Repeatable
rows (antidepressant trials, other treatments, current medicines) are repeating groups; what
the intake works out rather than asks (weight in kg, the medicine groups taken, the PHQ-9 and
GAD-7 totals, the signing time) are read-only items. The PHQ-9, GAD-7 and C-SSRS are groups
of their own inside the questionnaires step, coded with LOINC where LOINC has a code.

``enableWhen`` comes from each question's ``shown_when`` (C-SSRS 3-5 after yes to 2, 6b after
yes to 6, the heart and brain details, pregnancy by sex at birth...). One rule lives in the
step's form rather than the definition and is written out here: the PHQ-9 difficulty question
is kept only when some problem was checked off (QuestionnairesForm.clean).

The tree (``TREE``) is built once; ``build_questionnaire(site, version)`` renders it for a site.
``enabled(node, answers)`` evaluates ``enableWhen`` the way a FHIR form filler does, for the
response builder and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening import questionnaire as q
from screening.questionnaire import Choices, Question

from .systems import (
    EXT_ITEM_CONTROL,
    EXT_ORDINAL,
    EXT_UNIT,
    ITEM_CONTROL,
    LOINC,
    QUESTIONNAIRE_ID,
    UCUM,
    UCUM_UNITS,
    Site,
)

PHQ9_ITEM9_LOINC = "44260-8"


@dataclass(frozen=True, slots=True)
class Condition:
    """One enableWhen entry: the item ``link_id`` answered ``=`` ``value`` (a code or a bool)."""

    link_id: str
    value: object


@dataclass(frozen=True, slots=True)
class Node:
    """An item of the Questionnaire: a group (``question`` None) or a question."""

    link_id: str
    text: str
    type: str
    question: Question | None = None
    children: tuple[Node, ...] = ()
    repeats: bool = False
    read_only: bool = False
    code: tuple[tuple[str, str, str], ...] = ()  # (system, code, display)
    conditions: tuple[Condition, ...] = ()
    unit: str = ""
    # The form's own name for an asked question (None for groups and worked-out items).
    form_name: str | None = None

    @property
    def choices(self) -> Choices | None:
        return self.question.choices if self.question is not None else None

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _type(question: Question) -> str:
    kind = question.kind
    if kind == "boolean":
        # C-SSRS and consent answers are stored as true/false; a trial's "this episode?" is
        # asked yes / no / not sure.
        if question.choices is None or question.choices is q.YES_NO:
            return "boolean"
        return "choice"
    return {
        "choice": "choice",
        "choices": "choice",
        "score": "choice",
        "text": "string",
        "integer": "integer",
        "number": "decimal",
        "date": "date",
        "datetime": "dateTime",
    }[kind]


def _repeats(question: Question) -> bool:
    # The allergies box takes one per line and is stored as a list.
    return question.kind == "choices" or question.key == "medical.allergies"


def _question(
    question: Question, link_id: str, *, form_name=None, read_only=False, conditions=()
) -> Node:
    code = ((LOINC, question.loinc, question.label),) if question.loinc else ()
    return Node(
        link_id=link_id,
        text=question.text,
        type=_type(question),
        question=question,
        repeats=_repeats(question),
        read_only=read_only,
        code=code,
        conditions=conditions,
        unit=question.unit,
        form_name=form_name,
    )


def _total(link_id, text, loinc, display) -> Node:
    return Node(link_id, text, "integer", read_only=True, code=((LOINC, loinc, display),))


# --- The tree --------------------------------------------------------------------------------

# Every asked question by its form name, to find a shown_when's controller.
_ASKED = {question.name: (step, question) for step in q.STEPS for question in step.questions}


def asked_link_id(step, question: Question) -> str:
    return question.key or f"{step.section}.{question.name}"


def _answer_value(controller: Question, code):
    """What a controller's answer ``code`` is in the document (true/false for booleans)."""
    if _type(controller) == "boolean":
        return code == "yes"
    return code


def _conditions(question: Question) -> tuple[Condition, ...]:
    when = question.shown_when
    if when is None:
        return ()
    step, controller = _ASKED[when.controller]
    link_id = asked_link_id(step, controller)
    return tuple(Condition(link_id, _answer_value(controller, value)) for value in when.values)


# The PHQ-9 difficulty question follows any problem checked off (QuestionnairesForm.clean).
PHQ9_ANY_PROBLEM = tuple(
    Condition(item.key, score) for item in q.PHQ9 for score in (1, 2, 3)
)  # fmt: skip
EXTRA_CONDITIONS = {q.PHQ9_DIFFICULTY.name: PHQ9_ANY_PROBLEM}


def _asked(step, question: Question) -> Node:
    conditions = _conditions(question) or EXTRA_CONDITIONS.get(question.name, ())
    return _question(
        question, asked_link_id(step, question), form_name=question.name, conditions=conditions
    )


def _derived(section: str) -> list[Node]:
    return [
        _question(question, question.key, read_only=True)
        for question in q.DERIVED
        if question.key.split(".")[0] == section
    ]


def _rows(section: str) -> list[Node]:
    return [
        Node(
            link_id=row.section,
            text=row.title,
            type="group",
            repeats=True,
            children=tuple(
                _question(question, f"{row.section}.{question.name}") for question in row.questions
            ),
        )
        for row in q.ROWS
        if row.section.split(".")[0] == section
    ]


def _questionnaires_step(step) -> Node:
    by_name = {question.name: question for question in step.questions}

    def items(questions):
        return tuple(_asked(step, by_name[question.name]) for question in questions)

    phq9 = Node(
        "questionnaires.phq9",
        "Mood (PHQ-9): over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?",
        "group",
        children=(
            *items((*q.PHQ9, q.PHQ9_DIFFICULTY)),
            _total(
                "questionnaires.phq9_total",
                "PHQ-9 total score",
                q.PHQ9_TOTAL_LOINC,
                "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
            ),
        ),
        code=((LOINC, q.PHQ9_PANEL_LOINC, "PHQ-9 quick depression assessment panel"),),
    )
    gad7 = Node(
        "questionnaires.gad7",
        "Anxiety (GAD-7): over the last 2 weeks, how often have you been bothered by the "
        "following problems?",
        "group",
        children=(
            *items((*q.GAD7, q.GAD7_DIFFICULTY)),
            _total(
                "questionnaires.gad7_total",
                "GAD-7 total score",
                q.GAD7_TOTAL_LOINC,
                "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
            ),
        ),
        code=((LOINC, q.GAD7_PANEL_LOINC, "Generalized anxiety disorder 7 item (GAD-7)"),),
    )
    cssrs = Node(
        "questionnaires.cssrs",
        "Thoughts of suicide (C-SSRS screener)",
        "group",
        children=items(q.CSSRS),
    )
    return Node(step.section, step.title, "group", children=(phq9, gad7, cssrs))


def _step(step) -> Node:
    if step is q.QUESTIONNAIRES:
        return _questionnaires_step(step)
    asked = [_asked(step, question) for question in step.questions]
    rows = _rows(step.section)
    children = (*rows, *asked) if step is q.MEDICATIONS else (*asked, *rows)
    return Node(step.section, step.title, "group", children=(*children, *_derived(step.section)))


TREE: tuple[Node, ...] = tuple(_step(step) for step in q.STEPS)
NODES: dict[str, Node] = {node.link_id: node for top in TREE for node in top.walk()}


# --- Evaluating enableWhen -------------------------------------------------------------------


def enabled(node: Node, answers: dict) -> bool:
    """Whether a form filler shows ``node``, given ``answers`` (linkId -> list of answer
    values: codes, numbers or booleans). Several conditions: any one suffices (the definition
    shows a question when the answer is one of several values)."""
    if not node.conditions:
        return True
    return any(
        condition.value in answers.get(condition.link_id, ()) for condition in node.conditions
    )


# --- Rendering -------------------------------------------------------------------------------


def coding(site: Site, choices: Choices, code) -> dict:
    """The Coding of one answer: LOINC's answer code where the instrument has one, else the
    clinic's code system for that list of answers."""
    option = choices.option(code)
    if option is not None and option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": option.text}
    return {
        "system": site.code_system(choices.name),
        "code": str(code),
        "display": option.text if option is not None else str(code),
    }


def _answer_options(site: Site, choices: Choices) -> list[dict]:
    options = []
    for option in choices:
        entry = {"valueCoding": coding(site, choices, option.code)}
        if option.loinc and isinstance(option.code, int):
            # The instrument's score for this answer.
            entry["extension"] = [{"url": EXT_ORDINAL, "valueDecimal": option.code}]
        options.append(entry)
    return options


def _enable_when(site: Site, condition: Condition) -> dict:
    controller = NODES[condition.link_id]
    entry = {"question": condition.link_id, "operator": "="}
    if controller.type == "boolean":
        entry["answerBoolean"] = bool(condition.value)
    else:
        entry["answerCoding"] = coding(site, controller.choices, condition.value)
    return entry


def _item(site: Site, node: Node) -> dict:
    item = {"linkId": node.link_id}
    if node.code:
        item["code"] = [
            {"system": system, "code": code, "display": display}
            for system, code, display in node.code
        ]
    item["text"] = node.text
    item["type"] = node.type
    if node.conditions:
        item["enableWhen"] = [_enable_when(site, condition) for condition in node.conditions]
        if len(node.conditions) > 1:
            item["enableBehavior"] = "any"
    if node.repeats:
        item["repeats"] = True
    if node.read_only:
        item["readOnly"] = True
    if node.unit:
        unit = UCUM_UNITS.get(node.unit, node.unit)
        item["extension"] = [
            {"url": EXT_UNIT, "valueCoding": {"system": UCUM, "code": unit, "display": node.unit}}
        ]
    if node.type == "choice" and node.choices is not None:
        item["answerOption"] = _answer_options(site, node.choices)
    children = [_item(site, child) for child in node.children]
    if node.question is not None and node.question.help:
        children.insert(0, _help(node))
    if children:
        item["item"] = children
    return item


def _help(node: Node) -> dict:
    return {
        "linkId": f"{node.link_id}.help",
        "text": node.question.help,
        "type": "display",
        "extension": [
            {
                "url": EXT_ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL, "code": "help", "display": "Help-Button"}]
                },
            }
        ],
    }


COPYRIGHT = "\n\n".join((q.PHQ9_CREDIT, q.GAD7_CREDIT, q.CSSRS_CREDIT))


def questionnaire_date(version: str) -> str:
    """The publication date a version names ("2026.11" -> "2026-11")."""
    return version.split("-")[0].replace(".", "-")


def build_questionnaire(site: Site, version: str, *, publisher: str = "") -> dict:
    """The intake as a FHIR R4 Questionnaire resource (a dict)."""
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "language": "en-US",
        "url": site.questionnaire,
        "identifier": [{"system": site.identifier("questionnaire"), "value": QUESTIONNAIRE_ID}],
        "version": version,
        "name": "ClinicIntake",
        "title": "Intake for ketamine and esketamine treatment of depression",
        "status": "active",
        "subjectType": ["Patient"],
        "date": questionnaire_date(version),
        "description": (
            "The clinic's confidential intake: about the person, their care team, "
            "mental-health history and treatments tried, the PHQ-9, GAD-7 and C-SSRS screener, "
            "medical history, substances, current medicines and consent."
        ),
        "purpose": (
            "Screening before a consultation. Answers are reviewed by a clinician; the "
            "questionnaire diagnoses nothing."
        ),
        "copyright": COPYRIGHT,
        "item": [_item(site, node) for node in TREE],
    }
    if publisher:
        resource["publisher"] = publisher
    return resource
