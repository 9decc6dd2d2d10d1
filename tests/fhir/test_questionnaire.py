"""The generated Questionnaire: valid R4, coded, and branching as the intake's forms do."""

import pytest
from django.http import QueryDict

from screening import questionnaire as q
from screening.fhir import export
from screening.fhir.questionnaire import NODES, TREE, build_questionnaire, enabled
from screening.fhir.response import response_items
from screening.fhir.systems import Site
from screening.intake import flow, steps
from screening.intake.export import answers_to_intake
from screening.models import QUESTIONNAIRE_VERSION
from tests.fhir.helpers import validate, walk_items
from tests.intake.helpers import step_data

SITE = Site("https://intake.clinic.example")


@pytest.fixture(scope="module")
def resource():
    return build_questionnaire(SITE, QUESTIONNAIRE_VERSION, publisher="Harbor Ketamine Clinic")


def items_by_link(resource):
    return {item["linkId"]: item for item in walk_items(resource["item"])}


def test_it_is_a_valid_r4_questionnaire_with_a_canonical_url_and_version(resource):
    parsed = validate(resource)

    assert parsed.url == "https://intake.clinic.example/fhir/R4/Questionnaire/clinic-intake"
    assert parsed.version == QUESTIONNAIRE_VERSION
    assert parsed.status == "active"


def test_the_served_questionnaire_uses_site_url_and_the_recorded_version(settings):
    settings.SITE_URL = "https://intake.example.org"

    served = export.questionnaire()

    assert served["url"] == "https://intake.example.org/fhir/R4/Questionnaire/clinic-intake"
    assert served["version"] == QUESTIONNAIRE_VERSION


def test_items_are_nested_as_the_steps(resource):
    assert [item["linkId"] for item in resource["item"]] == [step.section for step in q.STEPS]
    assert [item["text"] for item in resource["item"]] == [step.title for step in q.STEPS]
    assert all(item["type"] == "group" for item in resource["item"])


def test_every_question_the_intake_asks_is_an_item_once(resource):
    link_ids = [item["linkId"] for item in walk_items(resource["item"])]
    assert len(link_ids) == len(set(link_ids))
    asked = {node.form_name for node in NODES.values() if node.form_name}
    assert asked == {question.name for step in q.STEPS for question in step.questions}
    for question in q.DERIVED:
        assert items_by_link(resource)[question.key]["readOnly"] is True


def test_answer_options_carry_the_definitions_codes(resource):
    items = items_by_link(resource)
    hypertension = items["medical.hypertension"]["answerOption"]
    assert [o["valueCoding"]["code"] for o in hypertension] == list(q.HYPERTENSION.codes)
    assert {o["valueCoding"]["system"] for o in hypertension} == {
        "https://intake.clinic.example/fhir/CodeSystem/hypertension"
    }
    assert items["about.contact_channels"]["repeats"] is True
    assert items["questionnaires.cssrs.q2"]["type"] == "boolean"


PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
              "44253-3", "44260-8"]  # fmt: skip
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


def codes_of(item):
    return [coding["code"] for coding in item.get("code", [])]


def test_phq9_and_gad7_items_panels_and_totals_carry_their_loinc_codes(resource):
    items = items_by_link(resource)
    assert codes_of(items["questionnaires.phq9"]) == ["44249-1"]
    assert codes_of(items["questionnaires.phq9_total"]) == ["44261-6"]
    assert [codes_of(items[f"questionnaires.phq9[{i}]"])[0] for i in range(9)] == PHQ9_ITEMS
    assert codes_of(items["questionnaires.phq9[8]"]) == ["44260-8"]
    assert codes_of(items["questionnaires.gad7"]) == ["69737-5"]
    assert codes_of(items["questionnaires.gad7_total"]) == ["70274-6"]
    assert [codes_of(items[f"questionnaires.gad7[{i}]"])[0] for i in range(7)] == GAD7_ITEMS
    options = items["questionnaires.phq9[0]"]["answerOption"]
    assert [o["valueCoding"]["code"] for o in options] == [
        "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"
    ]  # fmt: skip
    assert [o["extension"][0]["valueDecimal"] for o in options] == [0, 1, 2, 3]
    assert codes_of(items["medical.bp_systolic"]) == ["8480-6"]
    assert codes_of(items["medical.bp_diastolic"]) == ["8462-4"]


def test_the_instruments_credits_are_its_copyright(resource):
    for credit in (q.PHQ9_CREDIT, q.GAD7_CREDIT, q.CSSRS_CREDIT):
        assert credit in resource["copyright"]


def test_the_cssrs_skip_logic_is_enable_when(resource):
    items = items_by_link(resource)
    for number in (3, 4, 5):
        assert items[f"questionnaires.cssrs.q{number}"]["enableWhen"] == [
            {"question": "questionnaires.cssrs.q2", "operator": "=", "answerBoolean": True}
        ]
    assert items["questionnaires.cssrs.q6_past_3_months"]["enableWhen"] == [
        {"question": "questionnaires.cssrs.q6", "operator": "=", "answerBoolean": True}
    ]
    pregnant = items["medical.pregnant"]
    assert pregnant["enableBehavior"] == "any"
    assert {w["answerCoding"]["code"] for w in pregnant["enableWhen"]} == set(q.PREGNANCY_RELEVANT)


# --- The branching, compared with what the forms keep -----------------------------------------

# Answers to every question that depends on another, so that a form keeps each one it asks.
DEPENDENT_ANSWERS = {
    "about": {"heard_about_other": "A poster in the pharmacy"},
    "mental-health": {"diagnoses_other": "Insomnia"},
    "questionnaires": {
        "cssrs_q3": "no",
        "cssrs_q4": "no",
        "cssrs_q5": "no",
        "cssrs_q6_recent": "no",
        "gad7_difficulty": "somewhat",
    },
    "medical": {
        **{question.name: "no" for question in (*q.HEART, *q.BRAIN)},
        "height_ft": "5",
        "height_in": "6",
    },
    "substances": {question.name: "weekly" for question in q.SUBSTANCE_FREQUENCY},
}
PATTERNS = {
    "the example": {},
    "C-SSRS yes to 2": {"questionnaires": {"cssrs_q2": "yes"}},
    "C-SSRS yes to 6": {"questionnaires": {"cssrs_q6": "yes"}},
    "C-SSRS yes to 1, 2 and 6": {
        "questionnaires": {"cssrs_q1": "yes", "cssrs_q2": "yes", "cssrs_q6": "yes"}
    },
    "heart yes, brain unsure": {"medical": {"heart_any": "yes", "brain_any": "unsure"}},
    "heart unsure": {"medical": {"heart_any": "unsure"}},
    "male at birth": {"about": {"sex_at_birth": "male"}},
    "intersex, feet and inches, no allergies": {
        "about": {"sex_at_birth": "intersex"},
        "medical": {"height_unit": "ft_in", "has_allergies": "no"},
    },
    "heard elsewhere, another diagnosis": {
        "about": {"heard_about": "other"},
        "mental_health": {"diagnoses": ["depression", "other"]},
    },
    "cannabis and dissociatives this month": {
        "substances": {"cannabis": "past_month", "dissociatives": "past_month"}
    },
    "no PHQ-9 problem": {"questionnaires": {f"phq9_{i}": "0" for i in range(1, 10)}},
    "only PHQ-9 item 9": {
        "questionnaires": {f"phq9_{i}": "0" for i in range(1, 9)} | {"phq9_9": "1"}
    },
}
# The form works out centimetres from feet and inches: kept, but not asked.
WORKED_OUT = {"height_cm": lambda cleaned: cleaned.get("height_unit") != "cm"}
LINK_IDS = {node.form_name: node.link_id for node in NODES.values() if node.form_name}


def as_query(data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def through_the_forms(pattern):
    """(the linkIds of the questions the forms keep, the saved answers by step)."""
    answers, kept = {}, set()
    for step in steps.STEPS:
        changes = {**DEPENDENT_ANSWERS.get(step.slug, {})}
        changes |= pattern.get(step.slug.replace("-", "_"), {}) | pattern.get(step.slug, {})
        forms = flow.build_step_forms(step, answers, as_query(step_data(step.slug, **changes)))
        assert forms.is_valid(), forms.error_list()
        cleaned = forms.form.cleaned_data
        for name, value in cleaned.items():
            worked_out = WORKED_OUT.get(name, lambda _cleaned: False)(cleaned)
            if name in LINK_IDS and value not in (None, "", []) and not worked_out:
                kept.add(LINK_IDS[name])
        answers[step.slug] = forms.to_answers()
    return kept, answers


def fhir_answers(answers):
    """The saved answers as a FHIR form filler holds them: linkId -> answer values."""
    found = {}
    for step in q.STEPS:
        for question in step.questions:
            value = answers.get(step.slug, {}).get(question.name)
            if value is None:
                continue
            node = NODES[LINK_IDS[question.name]]
            values = value if isinstance(value, list) else [value]
            if node.type == "boolean":
                values = [item == "yes" for item in values]
            found[node.link_id] = values
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_enable_when_shows_what_the_forms_keep(pattern):
    kept, answers = through_the_forms(PATTERNS[pattern])
    filled = fhir_answers(answers)

    shown = {node.link_id for node in NODES.values() if node.form_name and enabled(node, filled)}

    assert shown == kept, {"shown only": shown - kept, "kept only": kept - shown}


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_a_response_answers_only_items_that_are_enabled(pattern):
    _kept, answers = through_the_forms(PATTERNS[pattern])
    document = answers_to_intake(answers)

    items = list(walk_items(response_items(SITE, document)))
    given = {}
    for item in items:
        for answer in item.get("answer", ()):
            value = answer.get("valueCoding", {}).get("code", answer.get("valueBoolean"))
            given.setdefault(item["linkId"], []).append(value)
    frequency = {c.loinc: c.code for c in q.FREQUENCY}
    given = {link: [frequency.get(v, v) for v in values] for link, values in given.items()}

    for item in items:
        node = NODES[item["linkId"]]
        assert enabled(node, given), item["linkId"]


def test_the_tree_matches_the_rendered_items(resource):
    rendered = {item["linkId"] for item in walk_items(resource["item"])}
    assert {link for top in TREE for link in (n.link_id for n in top.walk())} <= rendered
