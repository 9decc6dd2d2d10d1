"""docs/: the rules page is the rule table rendered (`manage.py document_rules`), and the format
page names every key and answer the engine's schema accepts.

The whole module is skipped when pytest runs without its Django plugin, as the mutation runs do
(pyproject.toml, [tool.mutmut]): there any edit of the rule table would "fail" here only because
the page is stale, hiding whether a behavioural test noticed it; mutmut's copy of the tree has no
docs/, and its rewritten functions are not the ones the page describes.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from screening.engine import RULES, RULESET_VERSION
from screening.engine.docs import PATH, choices, clauses, render_rule, render_rules
from screening.engine.intake import LIST, OBJECT, ONE_OF, SCHEMA
from screening.engine.thresholds import DEFAULT_THRESHOLDS

REPO = Path(__file__).resolve().parents[2]
RULES_PAGE = REPO / PATH
FORMAT_PAGE = REPO / "docs" / "intake-format.md"


@pytest.fixture(autouse=True)
def full_run(request):
    if not request.config.pluginmanager.has_plugin("django"):
        pytest.skip("the docs are checked in the full test run, not in mutation runs")


def test_the_rules_page_is_up_to_date():
    committed = RULES_PAGE.read_text(encoding="utf-8") if RULES_PAGE.exists() else ""

    assert committed == render_rules(), f"{PATH} is stale: run manage.py document_rules"


def test_every_rule_is_on_the_page_with_its_fields():
    page = render_rules()

    for rule in RULES:
        section = render_rule(rule)
        assert f"### `{rule.code}`" in section
        assert f"- Severity: `{rule.severity}`" in section
        assert rule.title in section
        assert f"- Rationale: {rule.rationale}" in section
        assert f"- Source: {rule.source}" in section
        assert section in page
    assert f"Rule set `{RULESET_VERSION}`: {len(RULES)} rules" in page


def test_answer_rules_show_each_key_and_the_answers_that_fire():
    for rule in RULES:
        firing = getattr(rule.when, "firing", None)
        if firing is None:
            continue
        text = " ".join(clauses(rule.when))
        for key, values in firing.items():
            assert f"`{key}` is " in text, rule.code
            for value in values:
                assert f"`{value}`" in text, (rule.code, key, value)


def test_function_rules_name_their_thresholds_with_defaults():
    page = render_rules()
    section = page[page.index("### `RV_BP_ELEVATED`") :]
    section = section[: section.index("\n### ", 1)]

    for name in ("bp_elevated_systolic", "bp_elevated_diastolic", "bp_elevated_systolic_over_65"):
        assert f"[`{name}`](#thresholds) ({getattr(DEFAULT_THRESHOLDS, name)})" in section
    assert "`medical.bp_systolic`" in section


def test_the_thresholds_table_has_every_default():
    page = render_rules()
    table = page[page.index("## Thresholds") :]

    for name, value in DEFAULT_THRESHOLDS.to_dict().items():
        assert re.search(rf"^\| `{name}` \| {value} \|", table, re.MULTILINE), name


@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_page_renders_the_same_in_every_process(seed):
    # Sets of strings iterate in another order under another hash seed; the page must not.
    code = "from screening.engine.docs import render_rules; print(render_rules(), end='')"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    # Our own interpreter with a fixed program: nothing untrusted is executed.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert done.stdout == render_rules()


# --- The format page ------------------------------------------------------------------------------


YES_NO_UNSURE = ("yes", "no", "unsure")


def _section(page: str, name: str) -> str:
    start = page.index(f"### `{name}`")
    end = page.find("\n### ", start + 1)
    return page[start : end if end != -1 else len(page)]


def _row(text: str, name: str) -> str:
    """The table row for ``name``; a row saying "as `other`" borrows that row's answers."""
    rows = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
    assert rows, f"no row for `{name}`"
    same = re.search(r"\| as `(\w+)`", rows[0])
    return rows[0] + (_row(text, same.group(1)) if same else "")


def _documents(row: str, codes: tuple[str, ...]) -> bool:
    if codes == YES_NO_UNSURE and "| yes/no/unsure |" in row:
        return True
    return all(f"`{code}`" in row for code in codes)


def test_the_format_page_names_every_key_and_answer():
    page = FORMAT_PAGE.read_text(encoding="utf-8")

    for section, fields in SCHEMA.items():
        text = _section(page, section)
        for name, field in fields.items():
            key = f"{section}.{name}"
            assert _documents(_row(text, name), choices(key)), f"{key}: answers not documented"
            item = field.arg if field.kind == LIST else field
            if item.kind != OBJECT:
                continue
            for inner, inner_field in item.arg[0].items():
                # An object's keys are either rows of their own table or listed in its row.
                assert f"`{inner}`" in text, f"{key}.{inner} is not documented"
                if inner_field.kind == ONE_OF:
                    codes = tuple(inner_field.choices.split(", "))
                    assert _documents(_row(text, inner), codes), f"{key}.{inner}: answers"


def test_the_docs_point_at_nothing_outside_the_repository():
    for page in (REPO / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "shared/" not in text, page.name
        for target in re.findall(r"\]\(([^)#]+)", text):
            if "://" not in target:
                assert (page.parent / target).resolve().is_relative_to(REPO), target
                assert (page.parent / target).exists(), f"{page.name} links to {target}"


# --- The command ----------------------------------------------------------------------------------


def _command(*args):
    """(exit status, standard output, standard error) of manage.py document_rules."""
    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    try:
        call_command("document_rules", *args, stdout=out, stderr=err)
    except SystemExit as exited:
        return exited.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_check_passes_on_the_committed_page():
    assert _command("--check") == (0, f"{PATH} is up to date: {len(RULES)} rules\n", "")


def test_writes_the_page_and_check_fails_while_it_is_stale(tmp_path):
    from django.test import override_settings

    stale = (1, "", f"{PATH} is stale: run manage.py document_rules\n")
    with override_settings(BASE_DIR=tmp_path):
        assert _command("--check") == stale
        assert not (tmp_path / PATH).exists()

        assert _command() == (0, f"Wrote {PATH}: {len(RULES)} rules\n", "")
        assert (tmp_path / PATH).read_text(encoding="utf-8") == render_rules()
        assert _command() == (0, f"{PATH} was up to date: {len(RULES)} rules\n", "")
        assert _command("--check")[0] == 0

        (tmp_path / PATH).write_text("edited by hand\n", encoding="utf-8")
        assert _command("--check") == stale


def test_help_is_one_line():
    from screening.management.commands.document_rules import Command

    assert "\n" not in Command.help
    assert len(Command.help) <= 100
