"""Mutation testing of the screening engine, on demand (README: "Mutation testing of the
screening rules"). Too slow for every CI run: some minutes per part on one core.

    .venv/bin/python -m tests.engine.mutation            # both parts, then the scores
    .venv/bin/python -m tests.engine.mutation mutmut     # mutmut over rules/scoring/evaluate
    .venv/bin/python -m tests.engine.mutation table      # single-point edits of the tables
    .venv/bin/python -m tests.engine.mutation table --list    # the table edits, not run

``mutmut`` mutates the code inside functions (configured in pyproject.toml, [tool.mutmut]); it
leaves module-level data alone, and that is where the rules live: the RULES table, the PHQ-9 and
GAD-7 bands, the trial answers that count as failed, the keys. ``table`` makes single-point edits
of that data in the source (drop a key, a firing answer, a list entry, a part of a rule, a needed
key, a band; add an answer that must not fire; change a severity; swap neighbouring rules...),
imports the edited module in a forked child and runs the engine's tests there, stopping at the
first failure. Each part prints its score per file and lists the mutants that survived; those
known to be equivalent (EQUIVALENT_* below, and the README) are listed apart with their reason.
The exit status is 1 while any other mutant survives.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "screening" / "engine"
FILES = ("rules.py", "scoring.py", "evaluate.py")
# The engine's tests, the slow generated ones last: each run stops at the first failure.
TESTS = sorted(
    str(path.relative_to(ROOT))
    for path in (ROOT / "tests" / "engine").glob("test_*.py")
    if path.name != "test_screen_command.py"
)
TESTS.sort(key=lambda path: path.endswith("test_properties.py"))
# The engine's tests without Django (as in [tool.mutmut] pytest_add_cli_args).
PYTEST_ARGS = [
    "-p",
    "no:django",
    "-p",
    "no:cacheprovider",
    "--confcutdir=tests/engine",
    "--ignore=tests/engine/test_screen_command.py",
    "-q",
]

# Table edits that cannot change any result, each with the reason.
EQUIVALENT_TABLE = {
    "scoring._PHQ9_BY_TOTAL: range(28) -> range(29)": (
        "a PHQ-9 total of 28 cannot occur (nine items of 0-3), so the extra entry is never read"
    ),
    "scoring._GAD7_BY_TOTAL: range(22) -> range(23)": (
        "a GAD-7 total of 22 cannot occur (seven items of 0-3), so the extra entry is never read"
    ),
    "scoring._FAILED: also 'partial'": (
        "a trial with partial improvement is ruled out by _NOT_FAILED before _FAILED is read"
    ),
    "scoring._FAILED: also 'much'": (
        "a trial with much improvement is ruled out by _NOT_FAILED before _FAILED is read"
    ),
    "evaluate._BY_PLACE: itemgetter(0, 1) -> itemgetter(0)": (
        "entries share a position only when they come from one needs function, in order; the "
        "sort is stable"
    ),
}

# mutmut mutants that cannot change any result (names as `mutmut results` prints them, which
# change when the function does), each with the reason. The README lists the same.
EQUIVALENT_MUTMUT = {
    "screening.engine.rules.x_allergy_list_names_ketamine__mutmut_8": (
        '"\\n".join -> "XX\\nXX".join: the joined text only pre-screens the list; no ketamine '
        "name holds an x or a newline, so no match spans two entries either way"
    ),
    "screening.engine.evaluate.x__collect_missing__mutmut_3": (
        "tie-break 0 -> 1 for absent keys: each needed key has a place of its own; the "
        "tie-break only orders the entries of one needs function"
    ),
    "screening.engine.evaluate.x__collect_missing__mutmut_6": (
        'tie-break 0 -> 1 for "unsure" keys: as above'
    ),
    "screening.engine.evaluate.x__collect_missing__mutmut_11": (
        "sort(key=_BY_PLACE) -> sort(): (place, tie-break) is unique, so comparing whole "
        "entries never reaches the key or the answer"
    ),
}


# --- Table edits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    file: str  # "rules.py"
    name: str  # what was changed, readable
    start: tuple[int, int]  # (line, column) of the replaced source, 1-based lines
    end: tuple[int, int]
    replacement: str

    def apply(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line.encode()))
        data = source.encode()
        start = offsets[self.start[0] - 1] + self.start[1]
        end = offsets[self.end[0] - 1] + self.end[1]
        return (data[:start] + self.replacement.encode() + data[end:]).decode()


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def _replace(file: str, name: str, node: ast.AST, new: ast.AST | str) -> Mutant:
    text = new if isinstance(new, str) else ast.unparse(new)
    return Mutant(file, name, *_span(node), text)


def _without(elements: list, index: int) -> list:
    return elements[:index] + elements[index + 1 :]


def _strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Tuple) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]
    return None


def _choices(key: str) -> list[str]:
    """The answers the intake format allows for a key (or for the entries of a list key)."""
    from screening.engine.intake import LIST, ONE_OF, SCHEMA

    section, name = key.split(".", 1)
    field = SCHEMA[section][name]
    if field.kind == LIST:
        field = field.arg
    return sorted(field.arg) if field.kind == ONE_OF else []


YES_NO_UNSURE = ["yes", "no", "unsure"]
SEVERITIES = ["CRISIS", "EXCLUDE", "REVIEW", "INFO"]


def _answers_mutants(file, where, call):
    """answers({key: answers, ...}): drop an entry, drop an answer, add an answer."""
    (firing,) = call.args
    entries = list(zip(firing.keys, firing.values, strict=True))
    for i, (key, _) in enumerate(entries):
        rest = _without(entries, i)
        smaller = ast.Dict([k for k, _ in rest], [v for _, v in rest])
        yield _replace(file, f"{where}: drop key {key.value}", firing, smaller)
    for key, value in entries:
        given = ["yes"] if isinstance(value, ast.Name) and value.id == "YES" else _strings(value)
        for answer in given:
            rest = ast.Tuple([ast.Constant(v) for v in given if v != answer])
            yield _replace(file, f"{where}: {key.value} stops firing on {answer!r}", value, rest)
        for answer in _choices(key.value):
            if answer not in given:
                more = ast.Tuple([ast.Constant(v) for v in [*given, answer]])
                yield _replace(file, f"{where}: {key.value} also fires on {answer!r}", value, more)


def _yes_mutants(file, where, call):
    """yes(key, ...): drop a key; let one key fire on another answer too."""
    keys = [arg.value for arg in call.args]
    for i, key in enumerate(keys):
        smaller = ast.Call(call.func, _without(call.args, i), [])
        yield _replace(file, f"{where}: drop key {key}", call, smaller)
    for key in keys:
        for answer in YES_NO_UNSURE[1:]:
            firing = {k: ("yes", answer) if k == key else ("yes",) for k in keys}
            yield _replace(
                file, f"{where}: {key} also fires on {answer!r}", call, f"answers({firing!r})"
            )


def _listed_mutants(file, where, call):
    """listed(key, entries): drop an entry, add an entry."""
    key, entries = call.args
    given = _strings(entries)
    for i, entry in enumerate(given):
        rest = ast.Tuple([ast.Constant(v) for v in _without(given, i)])
        yield _replace(file, f"{where}: {key.value} stops firing on {entry!r}", entries, rest)
    for entry in _choices(key.value):
        if entry not in given:
            more = ast.Tuple([ast.Constant(v) for v in [*given, entry]])
            yield _replace(file, f"{where}: {key.value} also fires on {entry!r}", entries, more)


def _condition_mutants(file, where, node):
    if not isinstance(node, ast.Call):
        return  # a condition of its own: its body is mutmut's
    helper = node.func.id
    if helper == "answers":
        yield from _answers_mutants(file, where, node)
    elif helper == "yes":
        yield from _yes_mutants(file, where, node)
    elif helper == "listed":
        yield from _listed_mutants(file, where, node)
    elif helper == "either":
        for i, part in enumerate(node.args):
            smaller = ast.Call(node.func, _without(node.args, i), [])
            yield _replace(file, f"{where}: drop part {ast.unparse(part)[:40]}", node, smaller)
        for part in node.args:
            yield from _condition_mutants(file, where, part)
    elif helper == "cssrs_level":
        (level,) = node.args
        for other in ("none", "low", "moderate", "high"):
            if other != level.value:
                yield _replace(file, f"{where}: level {other!r}", level, repr(other))


def _rule_mutants(file, tree):
    table = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "RULES"
    )
    rules = table.elts
    ranks = [SEVERITIES.index(rule.args[1].id) for rule in rules]
    for index, rule in enumerate(rules):
        code = rule.args[0].value
        where = f"rules.{code}"
        severity = rule.args[1]
        # Another severity where the table stays grouped by severity (elsewhere the table's own
        # assertion refuses it at import).
        for rank, other in enumerate(SEVERITIES):
            changed = [*ranks[:index], rank, *ranks[index + 1 :]]
            if other != severity.id and changed == sorted(changed):
                yield _replace(file, f"{where}: severity {other}", severity, other)
        keywords = {keyword.arg: keyword for keyword in rule.keywords}
        when = keywords["when"].value
        yield from _condition_mutants(file, where, when)
        needs = keywords.get("needs")
        if needs is not None:
            value = needs.value
            if isinstance(value, ast.Tuple):
                for i, key in enumerate(value.elts):
                    smaller = ast.Tuple(_without(value.elts, i))
                    yield _replace(file, f"{where}: needs no {key.value}", value, smaller)
            # Dropping needs= makes the rule need what its condition reads; for a condition of
            # its own that reads nothing declared, needs=() is the same thing.
            if isinstance(value, ast.Name) or value.elts or isinstance(when, ast.Call):
                without = ast.Call(
                    rule.func, rule.args, [k for k in rule.keywords if k is not needs]
                )
                yield _replace(file, f"{where}: no needs=", rule, without)
        following = rules[index + 1] if index + 1 < len(rules) else None
        if following is not None and following.args[1].id == severity.id:
            other_code = following.args[0].value
            yield Mutant(
                file,
                f"{where}: after {other_code}",
                _span(rule)[0],
                _span(following)[1],
                f"{ast.get_source_segment(SOURCES[file], following)},\n"
                f"    {ast.get_source_segment(SOURCES[file], rule)}",
            )


def _module_data(file, tree):
    """Module-level assignments, as (name, value node)."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                yield target.id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id, node.value


def _data_mutants(file, tree):
    module = file.removesuffix(".py")
    for name, value in _module_data(file, tree):
        where = f"{module}.{name}"
        if (
            name.startswith("_")
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            # A dotted key the rules read or quote.
            yield _replace(file, f"{where}: {value.value!r} -> 'XX'", value, repr("XX"))
        elif name == "YES":
            for answer in YES_NO_UNSURE[1:]:
                yield _replace(
                    file, f"{where}: also {answer!r}", value, f"frozenset(('yes', {answer!r}))"
                )
        elif name == "_KETAMINE_NAMES":
            given = _strings(value)
            for i, word in enumerate(given):
                rest = ast.Tuple([ast.Constant(v) for v in _without(given, i)])
                yield _replace(file, f"{where}: no {word!r}", value, rest)
        elif name in ("PHQ9_BANDS", "GAD7_BANDS"):
            bands = value.elts
            for i, band in enumerate(bands):
                upper, label = band.elts
                yield _replace(
                    file, f"{where}: drop {label.value}", value, ast.Tuple(_without(bands, i))
                )
                for delta in (-1, 1):
                    yield _replace(
                        file,
                        f"{where}: {label.value} up to {upper.value + delta}",
                        upper,
                        str(upper.value + delta),
                    )
                yield _replace(file, f"{where}: {label.value} -> 'XX'", label, repr("XX"))
        elif name in ("_PHQ9_BY_TOTAL", "_GAD7_BY_TOTAL"):
            stop = value.args[0].generators[0].iter.args[0]
            for delta in (-1, 1):
                yield _replace(
                    file,
                    f"{where}: range({stop.value}) -> range({stop.value + delta})",
                    stop,
                    str(stop.value + delta),
                )
        elif name == "_Q":
            names = value.generators[0].iter
            given = _strings(names)
            for i, item in enumerate(given):
                rest = ast.Tuple([ast.Constant(v) for v in _without(given, i)])
                yield _replace(file, f"{where}: no {item!r}", names, rest)
        elif name in ("_FAILED", "_NOT_FAILED"):
            given = _strings(value.args[0])
            for i, item in enumerate(given):
                rest = ast.Tuple([ast.Constant(v) for v in _without(given, i)])
                yield _replace(file, f"{where}: no {item!r}", value.args[0], rest)
            for item in ("none", "a_little", "partial", "much", "unsure"):
                if item not in given:
                    more = ast.Tuple([ast.Constant(v) for v in [*given, item]])
                    yield _replace(file, f"{where}: also {item!r}", value.args[0], more)
        elif name == "_BY_PLACE":
            for args in ("0", "1", "1, 0"):
                yield _replace(
                    file,
                    f"{where}: itemgetter(0, 1) -> itemgetter({args})",
                    value,
                    f"itemgetter({args})",
                )


SOURCES = {file: (ENGINE / file).read_text(encoding="utf-8") for file in FILES}


def table_mutants() -> list[Mutant]:
    found = []
    for file in FILES:
        tree = ast.parse(SOURCES[file])
        if file == "rules.py":
            found += _rule_mutants(file, tree)
        found += _data_mutants(file, tree)
    return found


class _Edited(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports one engine module from edited source (never from its cached bytecode)."""

    def __init__(self, name: str, path: Path, source: str) -> None:
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)  # noqa: S102


VERBOSE = False  # --verbose: the children's test output is shown


def _run_in_child(mutant: Mutant | None, tests: list[str]) -> int:
    """Fork, import the engine with the edit, run the tests; the child's exit status."""
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    code = 3
    try:
        for name in list(sys.modules):
            if name.startswith(("screening.engine", "tests.engine")) or name == "tests":
                del sys.modules[name]
        if mutant is not None:
            name = f"screening.engine.{mutant.file.removesuffix('.py')}"
            source = mutant.apply(SOURCES[mutant.file])
            sys.meta_path.insert(0, _Edited(name, ENGINE / mutant.file, source))
        import pytest

        if not VERBOSE:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
        code = int(pytest.main([*PYTEST_ARGS, "-x", *tests]))
    finally:
        os._exit(code)


def run_table(tests: list[str], only: str | None, list_only: bool) -> bool:
    mutants = [m for m in table_mutants() if only is None or only in m.name]
    if list_only:
        for mutant in mutants:
            print(f"{mutant.file}: {mutant.name}")
        print(f"{len(mutants)} table edits")
        return True
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import hypothesis  # noqa: F401  (imported once here, not in every child)
    import pytest  # noqa: F401

    if _run_in_child(None, tests) != 0:
        print("the engine's tests fail without any edit")
        return False
    results: dict[str, list[tuple[Mutant, int]]] = {file: [] for file in FILES}
    started = time.monotonic()
    for number, mutant in enumerate(mutants, 1):
        code = _run_in_child(mutant, tests)
        results[mutant.file].append((mutant, code))
        mark = "killed" if code != 0 else "SURVIVED"
        print(f"[{number}/{len(mutants)}] {mark:8} {mutant.file}: {mutant.name}", flush=True)
    print(f"\ntable edits: {len(mutants)} in {time.monotonic() - started:.0f} s")
    return _report(
        "table edits",
        {f: [(m.name, c != 0) for m, c in r] for f, r in results.items()},
        EQUIVALENT_TABLE,
    )


def _report(part: str, results: dict[str, list[tuple[str, bool]]], equivalent: dict) -> bool:
    ok = True
    print(f"\n{part}: score per file (killed / all; equivalent ones apart)")
    for file, outcomes in results.items():
        if not outcomes:
            continue
        killed = sum(1 for _, dead in outcomes if dead)
        same = [name for name, dead in outcomes if not dead and name in equivalent]
        other = [name for name, dead in outcomes if not dead and name not in equivalent]
        real = len(outcomes) - len(same)
        print(
            f"  {file:12} {killed}/{len(outcomes)} killed ({100 * killed / len(outcomes):.1f}%); "
            f"{len(same)} equivalent; non-equivalent killed {killed}/{real} "
            f"({100 * killed / real if real else 100:.1f}%)"
        )
        for name in same:
            print(f"      equivalent: {name}: {equivalent[name]}")
        for name in other:
            print(f"      SURVIVED:   {name}")
            ok = False
    return ok


# --- mutmut ---------------------------------------------------------------------------------------

MUTMUT_STATUS = {0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests"}


def run_mutmut(max_children: int, keep: bool) -> bool:
    mutmut = Path(sys.executable).with_name("mutmut")
    if not keep:
        # mutmut keeps earlier results for functions it sees unchanged; a score is only
        # trustworthy from a fresh copy.
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [str(mutmut), "run", "--max-children", str(max_children)], cwd=ROOT, check=False
    )
    print(f"\nmutmut: {time.monotonic() - started:.0f} s")
    results = {}
    for file in FILES:
        meta = ROOT / "mutants" / "screening" / "engine" / f"{file}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        results[file] = [(name, code in (1, 3)) for name, code in sorted(codes.items())]
        for name, code in sorted(codes.items()):
            if code not in (0, 1, 3):
                print(f"  {name}: {MUTMUT_STATUS.get(code, f'exit {code}')}")
    return _report("mutmut", results, EQUIVALENT_MUTMUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", nargs="?", choices=("mutmut", "table", "all"), default="all")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut workers (default 1)")
    parser.add_argument("--keep", action="store_true", help="mutmut: reuse mutants/")
    parser.add_argument("--tests", nargs="*", default=TESTS, help="table edits: tests to run")
    parser.add_argument("-k", dest="only", help="table edits: only those whose name has this")
    parser.add_argument("--list", action="store_true", help="table edits: list them, run nothing")
    parser.add_argument("--verbose", action="store_true", help="table edits: show test output")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    ok = True
    if args.part in ("mutmut", "all"):
        ok &= run_mutmut(args.max_children, args.keep)
    if args.part in ("table", "all"):
        ok &= run_table(args.tests, args.only, args.list)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
