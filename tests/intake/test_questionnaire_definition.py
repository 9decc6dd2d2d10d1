"""The questionnaire definition: every code has the words a patient reads and a label a
clinician reads, and the engine's schema accepts exactly the codes the definition lists."""

import pytest

from screening import questionnaire as q
from screening.engine import intake as engine_intake

CHOICES = q.all_choices()
QUESTIONS = q.all_questions()


@pytest.mark.parametrize("choices", CHOICES, ids=lambda c: c.name)
def test_every_code_has_a_patient_wording_and_a_staff_label(choices):
    assert choices.options, f"{choices.name} offers no answer"
    for option in choices:
        assert str(option.text).strip(), f"{choices.name}: {option.code!r} has no patient wording"
        assert option.staff_label.strip(), f"{choices.name}: {option.code!r} has no staff label"
    codes = choices.codes
    assert len(set(codes)) == len(codes), f"{choices.name} lists a code twice"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda question: question.name)
def test_every_question_has_wording_and_a_label(question):
    assert question.text.strip()
    assert question.label.strip()
    if question.kind in ("choice", "choices", "score"):
        assert question.choices is not None, f"{question.name} has no answers to choose from"


def test_keys_are_unique_and_sit_in_a_section_of_the_format():
    keys = [question.key for question in QUESTIONS if question.key]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert key.split(".", 1)[0] in engine_intake.SCHEMA, key


def test_a_question_shown_only_after_another_names_a_question_and_real_answers():
    by_name = {}
    for step in (*q.STEPS, *q.ROWS):
        for question in step.questions:
            by_name.setdefault(question.name, question)
    for question in QUESTIONS:
        if question.shown_when is None:
            continue
        controller = by_name[question.shown_when.controller]
        assert set(question.shown_when.values) <= set(controller.codes), question.name


def _one_of_fields(prefix, fields):
    for name, field in fields.items():
        key = f"{prefix}.{name}"
        if field.kind == engine_intake.ONE_OF:
            yield key, field.arg
        elif field.kind == engine_intake.LIST and field.arg.kind == engine_intake.ONE_OF:
            yield key, field.arg.arg
        elif field.kind == engine_intake.LIST and field.arg.kind == engine_intake.OBJECT:
            yield from _one_of_fields(key + "[]", field.arg.arg[0])
        elif field.kind == engine_intake.OBJECT:
            yield from _one_of_fields(key, field.arg[0])


ROWS = {row.section: row for row in q.ROWS}


def _stored_codes(key):
    if "[]." in key:
        section, name = key.split("[].")
        return set(ROWS[section][name].stored_choices.codes)
    return set(q.by_key(key).stored_choices.codes)


@pytest.mark.parametrize(
    ("key", "codes"),
    [
        item
        for section, fields in engine_intake.SCHEMA.items()
        for item in _one_of_fields(section, fields)
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_engine_accepts_exactly_the_codes_the_definition_stores(key, codes):
    assert set(codes) == _stored_codes(key)


def test_the_phq9_and_gad7_carry_their_loinc_codes():
    assert [item.loinc for item in q.PHQ9][8] == "44260-8"
    assert all(item.loinc for item in (*q.PHQ9, *q.GAD7))
    assert {option.loinc for option in q.FREQUENCY} == {
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    }


def test_a_trial_stopped_for_side_effects_is_stored_as_unsure_not_as_its_own_code():
    """The person may answer "stopped because of side effects"; the format stores "unsure" with
    a marker, so the engine refuses the asked code if it ever reached it."""
    from screening.engine import IntakeError, screen

    trial = {"medication": "sertraline", "improvement": "side_effects"}
    with pytest.raises(IntakeError, match="improvement"):
        screen({"format": q.FORMAT, "mental_health": {"antidepressant_trials": [trial]}})


def test_how_much_an_antidepressant_helped_is_asked_in_bands_that_do_not_overlap():
    words = {option.code: option.text for option in q.IMPROVEMENT}
    assert "more than half" in words["much"]
    assert "more than a quarter, up to half" in words["partial"]
    assert "a quarter better or less" in words["a_little"]
    # The codes the engine counts are unchanged: "a_little" and "none" make a failed trial.
    assert q.TRIAL_ROW["improvement"].stored_choices.codes == (
        "much",
        "partial",
        "a_little",
        "none",
        "unsure",
    )
