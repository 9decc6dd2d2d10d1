"""A clinic-intake/1 document as a QuestionnaireResponse to the generated Questionnaire.

Every answer in the document is in the response, under the item the Questionnaire gives it.
The few questions the export reshapes are answered from what the document keeps: the height
in centimetres and the weight in kilograms (so the unit questions say cm and kg), "any
allergies?" from the allergy list, each medicine group from the groups taken or unsure of.
Answers to a question whose condition is answered and not met are left out (the export writes
"no" to each heart and brain detail after "no" to the overall question; "no" overall says it).
A document without the controlling answer keeps the dependent answers it has.
"""

from __future__ import annotations

import re

from screening import questionnaire as q

from .questionnaire import NODES, TREE, Node, coding
from .systems import Site

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
NOT_ASKED = "not_applicable"


def lookup(document: dict, key: str):
    """The value at a dotted clinic-intake/1 key (``questionnaires.phq9[8]``), or None."""
    value = document
    for name, index in _PART.findall(key):
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        else:
            value = (
                value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            )
        if value is None:
            return None
    return value


def _medical_derived(medical: dict) -> dict:
    found = {}
    if medical.get("height_cm") is not None:
        found["medical.height_unit"] = "cm"
    if medical.get("weight_kg") is not None:
        found["medical.weight_value"] = medical["weight_kg"]
        found["medical.weight_unit"] = "kg"
    allergies = medical.get("allergies")
    if isinstance(allergies, list):
        found["medical.has_allergies"] = "yes" if allergies else "no"
    return found


def _medication_groups(medications: dict) -> dict:
    if "classes" not in medications:
        return {}
    taken = set(medications.get("classes") or ())
    unsure = set(medications.get("classes_unsure") or ())
    return {
        f"medications.takes_{code}": (
            "yes" if code in taken else "unsure" if code in unsure else "no"
        )
        for code in q.MEDICATION_CLASSES.codes
    }


def _section(document: dict, name: str) -> dict:
    value = document.get(name)
    return value if isinstance(value, dict) else {}


def document_values(document: dict, scores: dict | None = None) -> dict:
    """linkId -> the document's value for every item outside the repeating rows."""
    values = {}
    for link_id, node in NODES.items():
        if node.question is not None and node.question.key:
            value = lookup(document, node.question.key)
            if value is not None:
                values[link_id] = value
    values |= _medical_derived(_section(document, "medical"))
    values |= _medication_groups(_section(document, "medications"))
    for name in ("phq9_total", "gad7_total"):
        total = (scores or {}).get(name)
        if total is not None:
            values[f"questionnaires.{name}"] = total
    return values


def as_answers(node: Node, value) -> list:
    """A document value as the list of answer values the item takes (codes, numbers, text)."""
    if value is None or value == "":
        return []
    if node.repeats:
        items = value if isinstance(value, list) else [value]
        return [item for item in items if item not in (None, "")]
    if node.type == "choice" and isinstance(value, bool):
        return ["yes" if value else "no"]
    if node.type == "choice" and value == NOT_ASKED:
        return []
    return [value]


def _row_answers(node: Node, row: dict) -> dict:
    found = {}
    for child in node.children:
        name = child.link_id.rsplit(".", 1)[1]
        value = row.get(name)
        if name == "improvement" and row.get("stopped_for_side_effects"):
            value = "side_effects"
        answers = as_answers(child, value)
        if answers:
            found[child.link_id] = answers
    return found


def _answer(site: Site, node: Node, value) -> dict:
    kind = node.type
    if kind == "choice":
        return {"valueCoding": coding(site, node.choices, value)}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": value}
    if kind == "date":
        return {"valueDate": str(value)}
    if kind == "dateTime":
        return {"valueDateTime": str(value)}
    return {"valueString": str(value)}


def _kept(node: Node, answers: dict) -> bool:
    """False only when the condition's question was answered and the condition is not met."""
    if not node.conditions:
        return True
    controllers = {condition.link_id for condition in node.conditions}
    if not any(answers.get(link_id) for link_id in controllers):
        return True
    return any(
        condition.value in answers.get(condition.link_id, ()) for condition in node.conditions
    )


def _items(site: Site, nodes, answers: dict, document: dict) -> list:
    items = []
    for node in nodes:
        if node.type == "group" and node.repeats:
            rows = lookup(document, node.link_id) or []
            for row in rows if isinstance(rows, list) else ():
                row_answers = _row_answers(node, row if isinstance(row, dict) else {})
                children = _items(site, node.children, row_answers, document)
                if children:
                    items.append({"linkId": node.link_id, "text": node.text, "item": children})
        elif node.type == "group":
            children = _items(site, node.children, answers, document)
            if children:
                items.append({"linkId": node.link_id, "text": node.text, "item": children})
        elif answers.get(node.link_id) and _kept(node, answers):
            items.append(
                {
                    "linkId": node.link_id,
                    "text": node.text,
                    "answer": [_answer(site, node, value) for value in answers[node.link_id]],
                }
            )
    return items


def response_items(site: Site, document: dict, scores: dict | None = None) -> list:
    """The QuestionnaireResponse's items for a clinic-intake/1 document."""
    values = document_values(document or {}, scores)
    answers = {}
    for link_id, value in values.items():
        found = as_answers(NODES[link_id], value)
        if found:
            answers[link_id] = found
    return _items(site, TREE, answers, document or {})
