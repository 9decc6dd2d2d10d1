"""The screening rules as a Markdown page (docs/screening-rules.md), rendered from the rule table.

Plain Python like the rest of the engine: ``manage.py document_rules`` writes the page, and
tests/engine/test_rules_doc.py fails while the committed page differs from :func:`render_rules`.

What a rule fires on is read from the table itself, never written twice:

- an answer condition (``answers``, ``yes``) gives its keys and the answers that fire;
- a list condition (``listed``) gives its key and the entries that fire;
- ``either`` gives the conditions it combines;
- a condition written as a function is described by the rule's title, and the answers, derived
  values (``Facts``) and thresholds the function reads, found in its code.

The words for the derived values and the thresholds are below (FACTS, THRESHOLDS): a rule that
reads a new derived value, or a new threshold, fails to render until it is described here.
"""

from __future__ import annotations

import dataclasses
import dis
import inspect
import json
import types
from collections.abc import Callable, Iterable
from typing import Any

from .evaluate import RULESET_VERSION
from .intake import LIST, ONE_OF, SCHEMA
from .result import OUTCOMES, SEVERITIES, SEVERITY_TO_OUTCOME
from .rules import RULES, Rule
from .scoring import _FAILED, Facts
from .thresholds import _LIMITS, DEFAULT_THRESHOLDS, Thresholds

PATH = "docs/screening-rules.md"

# What each derived value means, and the thresholds it depends on. Keyed by Facts attribute;
# None for values that only carry evidence.
FACTS: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "age": (
        "whole years on the day of `submitted_at` (or of the screening, without it), from "
        "`about.date_of_birth`",
        (),
    ),
    "phq9": ("the nine PHQ-9 answers, `questionnaires.phq9`", ()),
    "phq9_total": ("the PHQ-9 total; none unless all nine items are answered", ()),
    "gad7": ("the seven GAD-7 answers, `questionnaires.gad7`", ()),
    "gad7_total": ("the GAD-7 total; none unless all seven items are answered", ()),
    "cssrs_level": (
        "the C-SSRS screener level: `high` for yes to q4 or q5, or yes to q6 unless "
        "`q6_past_3_months` is false (a missing timing counts as recent); `moderate` for yes to "
        "q3, or yes to q6 more than 3 months ago; `low` for yes to q1 or q2 only; else `none`",
        (),
    ),
    "cssrs_evidence": None,
    "cssrs_needed": (
        "the C-SSRS answers still needed under the skip logic: q1, q2 and q6 always, q3 to q5 "
        "after yes to q2, `q6_past_3_months` after yes to q6",
        (),
    ),
    "trials": ("the list `mental_health.antidepressant_trials`", ()),
    "failed_trials": (
        "the failed adequate trials: in the current episode (`current_episode` true), taken at "
        "least `min_trial_weeks` weeks, with improvement "
        + " or ".join(
            f"`{code}`"
            for code in SCHEMA["mental_health"]["antidepressant_trials"]
            .arg.arg[0]["improvement"]
            .choices.split(", ")
            if code in _FAILED
        ),
        ("min_trial_weeks",),
    ),
    "unclear_trials": (
        "for each trial that could still count, the answers (weeks, episode, improvement) that "
        "are missing or `unsure`",
        ("min_trial_weeks",),
    ),
    "bmi": ("body-mass index from `medical.height_cm` and `medical.weight_kg`", ()),
    "missing": (
        "every answer some rule needs that is absent, null or `unsure`, in table order",
        (),
    ),
}

# What each threshold is, in words (the defaults and limits come from thresholds.py).
THRESHOLDS: dict[str, str] = {
    "min_age": "Minimum age, in whole years on the day of submission.",
    "min_failed_trials": "Failed adequate antidepressant trials that establish treatment "
    "resistance.",
    "min_trial_weeks": "Weeks a trial must last to count as adequate.",
    "phq9_consult_min": "PHQ-9 total from which a consultation is offered without review.",
    "bp_crisis_systolic": "Systolic reading (mmHg) at or above which it is a hypertensive crisis.",
    "bp_crisis_diastolic": "Diastolic reading (mmHg) at or above which it is a hypertensive "
    "crisis.",
    "bp_severe_systolic": "Systolic reading (mmHg) at or above which blood pressure is severe.",
    "bp_severe_diastolic": "Diastolic reading (mmHg) at or above which blood pressure is severe.",
    "bp_elevated_systolic": "Systolic reading (mmHg) above which blood pressure is elevated, up "
    "to age 65 and when the age is unknown.",
    "bp_elevated_diastolic": "Diastolic reading (mmHg) above which blood pressure is elevated.",
    "bp_elevated_systolic_over_65": "Systolic reading (mmHg) above which blood pressure is "
    "elevated, over age 65.",
    "gad7_significant": "GAD-7 total from which anxiety is noted for the clinician.",
}

SEVERITY_HEADINGS = {
    "crisis": "Urgent (crisis)",
    "exclude": "Likely excluded (absolute contraindications)",
    "review": "Needs review (relative contraindications and precautions)",
    "info": "Informational",
}

_KEYS = frozenset(
    [
        "submitted_at",
        *(f"{section}.{name}" for section, fields in SCHEMA.items() for name in fields),
    ]
)
_FACT_NAMES = frozenset(Facts.__slots__) - {"answers", "thresholds"}
_THRESHOLD_NAMES = tuple(field.name for field in dataclasses.fields(Thresholds))


def choices(key: str) -> tuple[str, ...]:
    """The answers the format allows for ``key`` (or for each entry of its list), in order."""
    section, _, name = key.partition(".")
    field = SCHEMA.get(section, {}).get(name)
    if field is not None and field.kind == LIST:
        field = field.arg
    if field is None or field.kind != ONE_OF:
        return ()
    return tuple(field.choices.split(", "))


def _in_order(key: str, values: Iterable[str]) -> list[str]:
    # In the format's order (sets have none that survives a new process); any other after.
    values = set(values)
    order = [code for code in choices(key) if code in values]
    return order + sorted(values.difference(order))


def _code(text: Any) -> str:
    return f"`{text}`"


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- What a function reads ----------------------------------------------------------------------


@dataclasses.dataclass
class Reads:
    keys: dict[str, None] = dataclasses.field(default_factory=dict)
    facts: dict[str, None] = dataclasses.field(default_factory=dict)
    thresholds: dict[str, None] = dataclasses.field(default_factory=dict)
    strings: dict[str, None] = dataclasses.field(default_factory=dict)
    words: dict[str, None] = dataclasses.field(default_factory=dict)

    def all_thresholds(self) -> list[str]:
        """The thresholds read, directly or through a derived value, in the table's order."""
        names = set(self.thresholds)
        for fact in self.facts:
            names.update(_fact(fact)[1])
        return [name for name in _THRESHOLD_NAMES if name in names]

    def compared(self) -> list[str]:
        """The answer codes the function compares with, among those its keys allow."""
        allowed = {code for key in self.keys for code in choices(key)}
        return [text for text in self.strings if text in allowed]


def _fact(name: str) -> tuple[str, tuple[str, ...]]:
    if name not in FACTS:
        raise KeyError(f"describe Facts.{name} in FACTS in screening/engine/docs.py")
    return FACTS[name] or ("", ())


def _codes_of(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # comprehensions and nested functions
            yield from _codes_of(const)


def reads(function: Callable, found: Reads | None = None, seen: set | None = None) -> Reads:
    """The keys, derived values, thresholds and answer codes ``function`` reads, following the
    helpers of its own module and the methods of Thresholds it calls."""
    found = Reads() if found is None else found
    seen = set() if seen is None else seen
    if function in seen or not isinstance(function, types.FunctionType):
        return found
    seen.add(function)
    for value in inspect.getclosurevars(function).nonlocals.values():
        if isinstance(value, str) and value in _KEYS:
            found.keys[value] = None
    namespace = function.__globals__
    for code in _codes_of(function.__code__):
        for instruction in dis.get_instructions(code):
            op, name = instruction.opname, instruction.argval
            if op == "LOAD_CONST" and isinstance(name, str):
                if name in _KEYS:
                    found.keys[name] = None
                else:
                    found.strings[name] = None
            elif op in ("LOAD_GLOBAL", "LOAD_NAME"):
                value = namespace.get(name)
                if isinstance(value, str) and value in _KEYS:
                    found.keys[value] = None
                elif isinstance(value, tuple) and value and all(type(v) is str for v in value):
                    found.words.update(dict.fromkeys(value))
                elif (
                    isinstance(value, types.FunctionType)
                    and value.__module__ == function.__module__
                ):
                    reads(value, found, seen)
            elif op in ("LOAD_ATTR", "LOAD_METHOD"):
                if name in _FACT_NAMES:
                    _fact(name)
                    found.facts[name] = None
                elif name in _THRESHOLD_NAMES:
                    found.thresholds[name] = None
                elif isinstance(getattr(Thresholds, name, None), types.FunctionType):
                    reads(getattr(Thresholds, name), found, seen)
    return found


# --- One rule -------------------------------------------------------------------------------------


def _factory(condition: Callable) -> str:
    """``listed`` for a condition made by ``listed(...)``; "" for a plain function."""
    qualname = getattr(condition, "__qualname__", "")
    return qualname.split(".<locals>.", 1)[0] if ".<locals>." in qualname else ""


def _function_name(condition: Callable) -> str:
    factory = _factory(condition)
    if not factory:
        return f"{condition.__name__}()"
    arguments = [
        json.dumps(value)
        for value in inspect.getclosurevars(condition).nonlocals.values()
        if isinstance(value, str | int)
    ]
    return f"{factory}({', '.join(arguments)})"


def _always_fires(condition: Callable) -> bool:
    # Declared never to return None (``-> list[Evidence]``): it fires on every intake.
    returns = inspect.signature(condition).return_annotation
    return isinstance(returns, str) and "None" not in returns and returns.startswith("list")


def _reading(found: Reads) -> str:
    """What a function reads, as the end of a sentence ("which reads ...")."""
    read = [_code(key) for key in found.keys]
    facts = [name for name in found.facts if FACTS.get(name)]
    if facts:
        noun = "value" if len(facts) == 1 else "values"
        read.append(
            f"the derived {noun} " + _and([f"[`{name}`](#derived-values)" for name in facts])
        )
    parts = ["reads " + _and(read)] if read else []
    if found.words:
        parts.append("looks for " + _or([_code(word) for word in found.words]))
    compared = found.compared()
    if compared:
        parts.append("compares with the answers " + _and([_code(code) for code in compared]))
    thresholds = [
        f"[`{name}`](#thresholds) ({getattr(DEFAULT_THRESHOLDS, name)})"
        for name in found.all_thresholds()
    ]
    if thresholds:
        noun = "threshold" if len(thresholds) == 1 else "thresholds"
        parts.append(f"uses the {noun} " + _and(thresholds))
    return "; ".join(parts)


def clauses(condition: Callable) -> list[str]:
    """The condition as clauses, any of which makes the rule fire."""
    firing = getattr(condition, "firing", None)
    if firing is not None:
        return [
            f"{_code(key)} is {_or([_code(v) for v in _in_order(key, values)])}"
            for key, values in firing.items()
        ]
    factory = _factory(condition)
    closure = inspect.getclosurevars(condition).nonlocals if factory else {}
    if factory == "listed":
        key = closure["key"]
        wanted = _in_order(key, closure["wanted"])
        return [f"{_code(key)} includes {_or([_code(v) for v in wanted])}"]
    if factory == "either":
        return [clause for each in closure["conditions"] for clause in clauses(each)]
    if _always_fires(condition):
        text = f"always, whatever the answers (`{_function_name(condition)}`)"
    else:
        text = f"worked out by `{_function_name(condition)}`"
    reading = _reading(reads(condition))
    return [f"{text}, which {reading}" if reading else text]


def _needs(rule: Rule) -> str:
    function = rule.needs_function
    if function is not None:
        found = reads(function)
        reading = _reading(found)
        text = f"depends on the answers, worked out by `{function.__name__}()`"
        return f"{text}, which {reading}" if reading else text
    keys = rule.needed_keys
    if not keys:
        return "nothing of its own"
    return _and([_code(key) for key in keys])


def _is_custom(condition: Callable) -> bool:
    return getattr(condition, "firing", None) is None and _factory(condition) not in (
        "listed",
        "either",
    )


def render_rule(rule: Rule) -> str:
    outcome = SEVERITY_TO_OUTCOME[rule.severity]
    found = clauses(rule.when)
    if _is_custom(rule.when) and not _always_fires(rule.when):
        fires = [f"- Fires when: as the title says, {found[0]}"]
    elif len(found) == 1:
        fires = [f"- Fires when: {found[0]}"]
    else:
        fires = ["- Fires when any of:", *(f"  - {clause}" for clause in found)]
    return "\n".join(
        [
            f"### `{rule.code}`",
            "",
            f"**{rule.title}**",
            "",
            f"- Severity: `{rule.severity}`, outcome `{outcome}`",
            *fires,
            f"- Needs: {_needs(rule)}",
            f"- Rationale: {rule.rationale}",
            f"- Source: {rule.source}",
        ]
    )


# --- The page -------------------------------------------------------------------------------------


def _thresholds_table() -> list[str]:
    used_by: dict[str, list[str]] = {name: [] for name in _THRESHOLD_NAMES}
    for rule in RULES:
        found = Reads()
        for condition in _conditions(rule.when):
            reads(condition, found)
        if rule.needs_function is not None:
            reads(rule.needs_function, found)
        for name in found.all_thresholds():
            used_by[name].append(f"`{rule.code}`")
    rows = [
        "| Threshold | Default | Allowed | Meaning | Used by |",
        "|---|---|---|---|---|",
    ]
    for name in _THRESHOLD_NAMES:
        if name not in THRESHOLDS:
            raise KeyError(
                f"describe the threshold {name} in THRESHOLDS in screening/engine/docs.py"
            )
        low, high = _LIMITS[name]
        default = getattr(DEFAULT_THRESHOLDS, name)
        users = ", ".join(used_by[name]) or "none"
        rows.append(f"| `{name}` | {default} | {low} to {high} | {THRESHOLDS[name]} | {users} |")
    return rows


def _conditions(condition: Callable) -> list[Callable]:
    """The condition itself, or the conditions an ``either`` combines."""
    if _factory(condition) == "either":
        nested = inspect.getclosurevars(condition).nonlocals["conditions"]
        return [inner for each in nested for inner in _conditions(each)]
    return [condition]


def render_rules() -> str:
    """The whole page, as docs/screening-rules.md holds it."""
    count = dict.fromkeys(SEVERITIES, 0)
    for rule in RULES:
        count[rule.severity] += 1
    lines = [
        "<!-- Generated from screening/engine/rules.py by `manage.py document_rules`; "
        "do not edit by hand. -->",
        "",
        "# Screening rules",
        "",
        f"Rule set `{RULESET_VERSION}`: {len(RULES)} rules. The screening sorts and explains "
        "intakes for a clinician; it never diagnoses and never decides care. The intake it reads "
        "is described in [intake-format.md](intake-format.md).",
        "",
        "## How a result comes about",
        "",
        "Every rule is checked against the intake. Each rule that fires becomes a flag with its "
        "code, severity, title, rationale, source and evidence (the answers that raised it), in "
        "the order of this page. The outcome is that of the most severe flag:",
        "",
        "| Severity | Outcome | Rules |",
        "|---|---|---|",
        *(
            f"| `{severity}` | `{SEVERITY_TO_OUTCOME[severity]}` | {count[severity]} |"
            for severity in SEVERITIES
        ),
        "",
        "Precedence: " + " > ".join(f"`{outcome}`" for outcome in OUTCOMES) + ".",
        "",
        "Each rule also names the answers it cannot decide without (*Needs*). A needed answer "
        'that is absent, null or `unsure` is listed in the one `RV_MISSING_INFO` flag: "not '
        'answered" and "unsure" never count as "no". Where *Needs* depends on the answers, the '
        "function named there decides which keys are needed for this intake (a pregnancy question "
        "left out for someone male at birth, say, is not missing).",
        "",
        "A condition that is not a plain comparison of answers is described by the rule's title "
        "and what its function in `screening/engine/rules.py` reads: answers, "
        "[derived values](#derived-values) and [thresholds](#thresholds) (with their defaults; a "
        "clinic may change them).",
        "",
        "## All rules",
        "",
        "| Code | Severity | Title |",
        "|---|---|---|",
        *(f"| [`{r.code}`](#{r.code.lower()}) | `{r.severity}` | {r.title} |" for r in RULES),
    ]
    for severity in SEVERITIES:
        rules = [rule for rule in RULES if rule.severity == severity]
        if not rules:
            continue
        lines += ["", f"## {SEVERITY_HEADINGS[severity]}"]
        for rule in rules:
            lines += ["", render_rule(rule)]
    lines += [
        "",
        "## Derived values",
        "",
        "Worked out once per screening from the answers (`screening/engine/scoring.py`) and read "
        "by the rules:",
        "",
        *(
            f"- `{name}`: {entry[0]}"
            + (f" (thresholds: {_and([_code(t) for t in entry[1]])})" if entry[1] else "")
            for name, entry in FACTS.items()
            if entry
        ),
        "",
        "## Thresholds",
        "",
        "The defaults below are used until an administrator changes them at `/staff/thresholds/`; "
        "each screening's result records the thresholds it used.",
        "",
        *_thresholds_table(),
        "",
    ]
    return "\n".join(lines)
