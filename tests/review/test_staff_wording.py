"""Staff pages read the questionnaire definition: every answer of a complete intake, exactly as
the intake exports it (totals, follow-ups, worked-out answers, the support page's time and
all), has a staff label and words. No page shows an internal key or a raw timestamp."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from screening import questionnaire as q
from screening.models import Submission
from screening.review.presenters import humanize, layout, present_contact, present_intake
from screening.review.presenters.layout import translated
from tests.factories import intake_document, make_submission
from tests.intake import helpers as intake
from tests.review.helpers import signed_in_client

ISO_DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|T\d{2}:\d{2}")


def _changes():
    """A complete intake that also answers what only some people are asked."""
    return {
        "about": {"heard_about": "other", "heard_about_other": "A poster at the library"},
        "mental_health": {
            "diagnoses": ["depression", "other"],
            "diagnoses_other": "Adjustment disorder",
            "trials-2-improvement": "side_effects",
        },
        # Item 9 answered: the support page comes next, and its time is exported.
        "questionnaires": {"phq9_9": "1", "gad7_difficulty": "somewhat"},
        "substances": {"cannabis": "past_month", "cannabis_frequency": "weekly"},
        "medications": {"takes_benzodiazepine": "unsure"},
    }


@pytest.fixture
def complete(db):
    client = Client()
    intake.fill(client, intake.start(client), **_changes())
    return Submission.objects.get()


def _keys(value, prefix=""):
    """Every key of a document, dotted, with the last part of each."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path, key
            yield from _keys(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _keys(item, f"{prefix}[{index}]")


def _visible_text(response):
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _labels_and_values(response):
    body = response.content.decode()
    cells = re.findall(r"<(dt|dd|th|td)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for _, text in cells]


def _raw_labels(doc):
    """A key turned into words is a raw key, unless the staff label chosen for it happens to read
    the same ("Psychiatrist", "Emergency contact")."""
    chosen = {translated(question.label) for question in q.all_questions()}
    chosen |= {f.title for f in (*layout.FIELDS.values(), *layout.ABOUT_THE_INTAKE.fields)}
    return {humanize(name) for _, name in _keys(doc)} - chosen


def test_the_export_of_a_complete_intake_has_the_keys_that_used_to_show_raw(complete):
    doc = complete.intake
    keys = {path for path, _ in _keys(doc)}

    for key in (
        "about.contact_channels",
        "about.heard_about",
        "about.heard_about_other",
        "mental_health.diagnoses_other",
        "questionnaires.phq9_total",
        "questionnaires.gad7_total",
        "questionnaires.gad7_difficulty",
        "medical.heart_any",
        "medical.brain_any",
        "substances.cannabis_frequency",
        "substances.ever_treated",
        "medications.classes_unsure",
        "mental_health.antidepressant_trials[2].stopped_for_side_effects",
        "questionnaire_version",
        "support_page_shown_at",
    ):
        assert key in keys, key


def test_every_answer_of_a_complete_intake_has_a_staff_label_and_words(complete):
    doc = complete.intake
    sections = present_intake(doc)
    rows = {key: row for section in sections for row in section.rows for key in row.keys}
    raw = _raw_labels(doc)

    assert "other" not in [section.key for section in sections]
    for section in sections:
        for row in section.rows:
            assert row.label not in raw, (row.keys, row.label)
            assert not ISO_DATE_OR_TIME.search(row.value), (row.keys, row.value)
    assert rows["about.heard_about"].label == "Heard about the clinic from"
    assert rows["about.heard_about"].value == "Somewhere else"
    assert rows["about.contact_channels"].value == "Phone call, Email"
    assert rows["questionnaires.phq9_total"].label == "PHQ-9 total"
    assert rows["questionnaires.phq9_total"].value == "17 of 27"
    assert rows["questionnaires.gad7_total"].value == "9 of 21"
    assert rows["questionnaires.gad7_difficulty"].label.startswith("GAD-7: how difficult")
    assert rows["questionnaires.gad7_difficulty"].value == "Somewhat difficult"
    assert rows["medical.heart_any"].label == "Any heart problem"
    assert rows["medical.heart_any"].value == "No"
    assert rows["substances.cannabis_frequency"].label == "Cannabis: how often in the past month"
    assert rows["substances.cannabis_frequency"].value == "Weekly"
    assert rows["medications.classes_unsure"].value == "Benzodiazepine"
    assert rows["mental_health.antidepressant_trials[2]"].value.endswith(
        "improvement: stopped for side effects"
    )
    assert rows["support_page_shown_at"].label == "Crisis support page shown"
    assert re.fullmatch(
        r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M", rows["support_page_shown_at"].value
    )
    assert rows["questionnaire_version"].value == complete.questionnaire_version


@pytest.mark.parametrize("page", ["staff:submission", "staff:print"])
def test_staff_pages_show_no_raw_key_and_no_raw_timestamp(clinician, complete, page):
    response = signed_in_client(clinician).get(reverse(page, args=[complete.reference]))

    assert response.status_code == 200
    raw = _raw_labels(complete.intake)
    cells = _labels_and_values(response)
    assert cells
    assert not [cell for cell in cells if cell in raw]
    text = _visible_text(response)
    assert not ISO_DATE_OR_TIME.search(text), ISO_DATE_OR_TIME.search(text)
    assert "Other answers" not in text
    for words in ("Heard about the clinic from", "Any heart problem", "17 of 27"):
        assert words in text, words


def test_the_coordinators_contact_details_are_worded_too(coordinator, complete):
    response = signed_in_client(coordinator).get(
        reverse("staff:submission", args=[complete.reference])
    )

    text = _visible_text(response)
    assert "May be contacted by" in text and "Phone call, Email" in text
    assert not ISO_DATE_OR_TIME.search(text)
    assert [row.label for row in present_contact(complete.intake)][:2] == [
        "Legal name",
        "Preferred name",
    ]


def test_a_key_the_definition_does_not_know_is_the_only_one_labelled_from_its_name(clinician, db):
    doc = intake_document(about={"favourite_colour": "green"})
    doc["follow_up_at"] = "2026-12-01T09:30:00-05:00"
    submission = make_submission(doc)

    text = _visible_text(
        signed_in_client(clinician).get(reverse("staff:submission", args=[submission.reference]))
    )

    assert "Favourite colour green" in text
    assert "Other answers" in text
    # Even a newer key's timestamp reads as a date and time.
    assert "Follow up at Dec 1, 2026, 9:30 AM" in text
    assert not ISO_DATE_OR_TIME.search(text)


def test_the_queue_gives_the_c_ssrs_risk_in_words(clinician, db):
    cssrs = {"q1": True, "q2": False, "q3": None, "q4": None, "q5": None, "q6": False}
    low = make_submission(
        intake_document(questionnaires={"cssrs": cssrs | {"q6_past_3_months": None}})
    )
    unknown = make_submission(intake_document(questionnaires={"cssrs": cssrs | {"q1": None}}))

    text = _visible_text(signed_in_client(clinician).get(reverse("staff:queue")))

    assert (low.cssrs_risk, unknown.cssrs_risk) == ("low", "unknown")
    assert "C-SSRS risk: low" in text
    assert "C-SSRS risk: not established" in text
    assert "C-SSRS risk: unknown" not in text
