"""`manage.py screen FILE.json`: prints the screening as JSON; exit 2 naming the problem."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from screening import engine
from screening.management.commands import screen as screen_command
from screening.management.commands.screen import Command
from screening.models import current_thresholds_or_defaults
from tests.strategies import EXAMPLE_PATH, example_intake, with_answers

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def default_thresholds(monkeypatch):
    """Screen with the reference thresholds, whatever the database holds."""
    monkeypatch.setattr(
        screen_command, "current_thresholds_or_defaults", lambda: engine.DEFAULT_THRESHOLDS
    )


def run(*args, stdin=None):
    out, err = StringIO(), StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command("screen", *args, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*args, stdin=None):
    out, err = StringIO(), StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    with pytest.raises(SystemExit) as exited:
        call_command("screen", *args, **options)
    assert out.getvalue() == ""
    return exited.value.code, err.getvalue()


def test_prints_the_example_screening_as_indented_json(default_thresholds):
    out, _ = run(str(EXAMPLE_PATH))

    assert json.loads(out) == engine.screen(example_intake()).to_dict()
    assert json.loads(out)["outcome"] == "eligible_for_consultation"
    assert out.startswith('{\n  "outcome"')


def test_reads_standard_input_for_a_dash(default_thresholds):
    intake = with_answers(example_intake(), {"questionnaires.phq9[8]": 2})

    out, _ = run("-", stdin=json.dumps(intake))

    assert json.loads(out)["outcome"] == "urgent"
    assert json.loads(out)["flags"][0]["code"] == "RISK_PHQ9_ITEM9"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("{bad", "not valid JSON", id="broken JSON"),
        pytest.param("", "not valid JSON", id="empty"),
        pytest.param('{"format": NaN}', "not valid JSON", id="NaN"),
        pytest.param("[]", "must be a JSON object", id="a list"),
        pytest.param('{"format": "clinic-intake/2"}', "format:", id="wrong format"),
        pytest.param(
            json.dumps(with_answers(example_intake(), {"questionnaires.phq9[3]": True})),
            "questionnaires.phq9[3]: must be 0, 1, 2, 3 or null, got true",
            id="boolean PHQ-9 item",
        ),
        pytest.param(
            json.dumps(with_answers(example_intake(), {"medical.bp_systolic": 400})),
            "medical.bp_systolic: must be from 50 to 300, got 400",
            id="implausible blood pressure",
        ),
    ],
)
def test_exits_2_naming_the_problem(default_thresholds, text, expected):
    code, err = run_failing("-", stdin=text)

    assert code == 2
    assert expected in err
    assert "standard input" in err
    assert "Traceback" not in err


def test_exits_2_for_a_file_that_cannot_be_read(default_thresholds, tmp_path):
    code, err = run_failing(str(tmp_path / "no-such-intake.json"))

    assert code == 2
    assert "cannot read" in err


def test_help_is_one_line():
    assert "\n" not in Command.help
    assert len(Command.help) <= 100


def test_uses_the_clinic_thresholds_it_is_given(monkeypatch):
    stricter = engine.DEFAULT_THRESHOLDS.replace(min_failed_trials=3)
    monkeypatch.setattr(screen_command, "current_thresholds_or_defaults", lambda: stricter)

    result = json.loads(run(str(EXAMPLE_PATH))[0])

    assert result["outcome"] == "needs_review"
    assert result["thresholds"]["min_failed_trials"] == 3


@pytest.mark.django_db
def test_the_clinic_thresholds_come_from_the_database():
    from screening.models import ClinicThresholds

    ClinicThresholds.objects.create(values={"min_failed_trials": 3}, note="stricter TRD")

    assert current_thresholds_or_defaults().min_failed_trials == 3
    assert json.loads(run(str(EXAMPLE_PATH))[0])["outcome"] == "needs_review"


def test_the_defaults_are_used_without_a_database(caplog):
    # pytest-django blocks database access in this test, as an unreachable server would.
    assert current_thresholds_or_defaults() == engine.DEFAULT_THRESHOLDS
    assert "using default screening thresholds" in caplog.text


def _manage(*args, stdin=None):
    env = {**os.environ, "DEBUG": "true"}
    # Our own interpreter and manage.py with fixed arguments: nothing untrusted is executed.
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "screen", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_command_line_screens_a_file_and_exits_0():
    done = _manage(str(EXAMPLE_PATH))

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scores"]["bmi"] == 25.7


def test_command_line_exits_2_without_a_traceback():
    bad = json.dumps(with_answers(example_intake(), {"about.date_of_birth": "1987-02-30"}))

    done = _manage("-", stdin=bad)

    assert done.returncode == 2
    assert done.stdout == ""
    assert "about.date_of_birth" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_readme_shows_what_screening_the_example_prints(default_thresholds):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "manage.py screen tests/data/intake-example.json"
    assert EXAMPLE_PATH == REPO / "tests" / "data" / "intake-example.json"
    shown = re.search(r"```json\n(.*?)\n```", readme[readme.index(command) :], re.DOTALL)

    assert shown is not None, "no JSON block after the README's screen command"
    assert json.loads(shown.group(1)) == json.loads(run(str(EXAMPLE_PATH))[0])
