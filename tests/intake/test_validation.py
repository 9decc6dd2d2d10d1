"""Each step's validation: a specific, friendly message next to the field, in the summary at the
top, everything typed kept, and nothing stored until the page is right."""

import re
from datetime import timedelta
from html import escape

import pytest
from django.utils import timezone

from screening.models import Draft
from tests.intake.helpers import (
    csrf_post,
    draft_at,
    page_text,
    rows,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)

CASES = [
    # (step, changes, message)
    ("about", {"legal_name": ""}, "Enter your full legal name"),
    ("about", {"legal_name": "12345"}, "Enter your name using letters"),
    ("about", {"legal_name": "A" * 201}, "Keep this to 200 characters or fewer"),
    ("about", {"date_of_birth_day": "31", "date_of_birth_month": "2"}, "February 1987 has 28"),
    ("about", {"date_of_birth_day": "31", "date_of_birth_month": "4"}, "April has 30 days"),
    ("about", {"date_of_birth_month": "13"}, "Choose the month from the list"),
    ("about", {"date_of_birth_day": "0"}, "Enter a day from 1 to 31"),
    ("about", {"date_of_birth_day": ""}, "Date of birth must include a day"),
    ("about", {"date_of_birth_month": ""}, "Date of birth must include a month"),
    ("about", {"date_of_birth_year": "87"}, "Enter the year with 4 digits"),
    ("about", {"date_of_birth_day": "fourteen"}, "Enter the day and the year as numbers"),
    (
        "about",
        {
            "date_of_birth_month": str(TOMORROW.month),
            "date_of_birth_day": str(TOMORROW.day),
            "date_of_birth_year": str(TOMORROW.year),
        },
        "Date of birth must be in the past",
    ),
    ("about", {"date_of_birth_year": "1890"}, "older than 120"),
    ("about", {"date_of_birth_year": "1800"}, "older than 120"),
    ("about", {"email": "jordan@"}, "Enter an email address like name@example.com"),
    ("about", {"phone": "555 0142"}, "include the area code"),
    ("about", {"phone": "call me maybe"}, "Enter a phone number using digits"),
    ("about", {"phone": "1" * 20}, "This number looks too long"),
    ("about", {"postal_code": "2840"}, "Enter a 5-digit ZIP code"),
    ("about", {"state": "ZZ"}, "Choose one of the answers shown"),
    ("about", {"sex_at_birth": None}, "Choose your sex assigned at birth"),
    ("about", {"contact_channels": None}, "Choose at least one way we may contact you"),
    ("care-team", {"emergency_contact_name": ""}, "Enter your emergency contact's name"),
    ("care-team", {"emergency_contact_phone": "12"}, "include the area code"),
    ("care-team", {"driver_available": None}, "Choose yes, no or not sure"),
    ("mental-health", {"hospitalizations": "-1"}, "Enter a number from 0 to 99"),
    ("mental-health", {"hospitalizations": "two"}, "Enter a whole number"),
    ("mental-health", {"depression_onset_age": "60"}, "older than your age now"),
    ("mental-health", {"trials-0-medication": ""}, "Antidepressant 1: Enter the medicine's name"),
    ("mental-health", {"trials-1-weeks": "lots"}, "Antidepressant 2: Enter a number"),
    ("mental-health", {"trials-0-improvement": ""}, "Antidepressant 1: Choose how much it helped"),
    ("mental-health", {"diagnoses": ["other"]}, "Tell us what else you have been told you have"),
    ("questionnaires", {"phq9_3": None}, "Choose an answer for PHQ-9 question 3"),
    ("questionnaires", {"gad7_7": "4"}, "Choose one of the answers shown"),
    ("questionnaires", {"phq9_difficulty": None}, "Choose how difficult these problems"),
    ("questionnaires", {"cssrs_q2": "yes"}, "Choose yes or no for question 3"),
    ("questionnaires", {"cssrs_q6": "yes"}, "Choose yes or no for question 6b"),
    ("medical", {"bp_systolic": "400"}, "the top number of a reading is between 60 and 260"),
    ("medical", {"bp_diastolic": "10"}, "the bottom number of a reading is between 30 and 160"),
    # A diastolic of 20 is a slip of the finger, not a reading.
    ("medical", {"bp_diastolic": "20"}, "the bottom number of a reading is between 30 and 160"),
    (
        "medical",
        {"bp_systolic": "80", "bp_diastolic": "120"},
        "The top number is usually the larger",
    ),
    ("medical", {"bp_diastolic": ""}, "Enter the bottom number too"),
    (
        "medical",
        {
            "bp_measured_on_month": str(TOMORROW.month),
            "bp_measured_on_day": str(TOMORROW.day),
            "bp_measured_on_year": str(TOMORROW.year),
        },
        "The date of the reading must be today or earlier",
    ),
    ("medical", {"bp_measured_on_month": "14"}, "Choose the month from the list"),
    ("medical", {"bp_measured_on_year": "1800"}, "Check the year of the reading"),
    ("medical", {"height_cm": "300"}, "most adults are between 120 and 230 cm tall"),
    (
        "medical",
        {"height_unit": "ft_in", "height_ft": "8", "height_in": "2", "height_cm": ""},
        "most adults are between 4 ft and 7 ft 6 in tall",
    ),
    ("medical", {"height_cm": ""}, "Enter your height"),
    ("medical", {"height_unit": "ft_in", "height_ft": "", "height_cm": ""}, "Enter your height"),
    ("medical", {"weight_value": "0.5"}, "most adults weigh between 80 and 600 lb (36 and 272"),
    ("medical", {"weight_value": "700", "weight_unit": "lb"}, "weigh between 80 and 600 lb"),
    ("medical", {"weight_value": "300", "weight_unit": "kg"}, "weigh between 36 and 272 kg"),
    ("mental-health", {"trials-0-max_daily_dose_mg": "100000"}, "Check the dose"),
    ("medical", {"weight_value": "NaN"}, "Enter a number"),
    ("medical", {"heart_any": "yes"}, "Choose yes, no or not sure"),
    ("medical", {"allergies": ""}, "List what you are allergic to"),
    ("medical", {"pregnant": None}, "Choose yes, no or not sure"),
    ("substances", {"cannabis": "past_month"}, "Choose how often in the past month"),
    ("substances", {"alcohol": None}, "Choose an answer"),
    ("medications", {"takes_maoi": None}, "Choose yes, no or not sure"),
    ("medications", {"medications-1-name": ""}, "Medicine 2: Enter the medicine's name"),
]


# Choices that were not offered cannot come back (a month is chosen from a list; the typed
# parts of a date coming back are in tests/intake/test_dates.py).
NOT_OFFERED = ("state", "gad7_7", "date_of_birth_month", "bp_measured_on_month")


@pytest.mark.parametrize(("slug", "changes", "message"), CASES)
def test_a_mistake_gets_a_specific_message_and_keeps_what_was_typed(client, slug, changes, message):
    draft, token = draft_at(slug, client)

    response = client.post(step_url(token, slug), step_data(slug, **changes))

    assert response.status_code == 200
    text = page_text(response)
    body = response.content.decode()
    assert message in text
    # The summary at the top links to the field and is announced; the field says it too.
    summary = body.split('id="error-summary"')[1].split("</div>")[0]
    assert escape(message) in summary
    assert 'role="alert"' in body
    assert 'aria-invalid="true"' in body
    # Next to the field a row's message goes without the row's name (its legend says it).
    beside_field = re.sub(r"^(Antidepressant|Medicine) \d+: ", "", message)
    assert body.count(escape(beside_field)) >= 2
    # What was typed comes back (a choice that was not offered cannot be).
    for key, value in changes.items():
        if isinstance(value, str) and value and key not in NOT_OFFERED:
            assert f'value="{escape(value)}"' in body, key
    draft.refresh_from_db()
    assert slug not in draft.answers


def test_friendly_validation_is_also_there_for_a_real_browser_post(csrf_client):
    _draft, token = draft_at("about", csrf_client)

    response = csrf_post(csrf_client, step_url(token, "about"), step_data("about", email="x@"))

    assert response.status_code == 200
    assert "Enter an email address like name@example.com" in page_text(response)


def test_the_error_summary_links_to_the_first_radio_of_a_question(client):
    _draft, token = draft_at("about", client)

    response = client.post(step_url(token, "about"), step_data("about", sex_at_birth=None))

    body = response.content.decode()
    assert 'href="#id_sex_at_birth_0"' in body
    assert 'id="id_sex_at_birth_0"' in body


def test_too_many_rows_and_a_damaged_row_list_get_a_message_not_an_error(client):
    _draft, token = draft_at("mental-health", client)
    data = step_data("mental-health")
    many = rows("trials", [{"medication": f"drug {i}", "improvement": "none"} for i in range(31)])

    response = client.post(step_url(token, "mental-health"), {**data, **many})
    assert response.status_code == 200

    damaged = {k: v for k, v in data.items() if not k.startswith("trials-")}
    response = client.post(step_url(token, "mental-health"), damaged)
    assert response.status_code == 200
    assert "did not arrive as expected" in page_text(response)
    assert "ManagementForm" not in page_text(response)


def test_adding_a_row_without_javascript_keeps_everything_typed(client):
    _draft, token = draft_at("mental-health", client)
    data = step_data("mental-health", **{"trials-2-medication": "venlafaxine XR"})

    response = client.post(step_url(token, "mental-health"), {**data, "action": "add-trials"})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="trials-TOTAL_FORMS" value="4"' in body
    assert 'name="trials-3-medication"' in body
    assert 'value="venlafaxine XR"' in body
    assert 'role="alert"' not in body
    assert "mental-health" not in Draft.objects.get().answers


def test_a_row_can_be_removed_and_blank_rows_are_ignored(client):
    _draft, token = draft_at("mental-health", client)
    data = step_data("mental-health", **{"trials-1-DELETE": "on"})
    data |= {"trials-TOTAL_FORMS": "4", "trials-3-medication": "", "trials-3-improvement": ""}

    response = client.post(step_url(token, "mental-health"), data)

    assert response.status_code == 302
    trials = Draft.objects.get().answers["mental-health"]["trials"]
    assert [trial["medication"] for trial in trials] == ["sertraline", "venlafaxine"]


def field_state(form_class):
    """What rendering or one person's form could change in a class's shared fields."""
    state = {}
    for name, field in form_class.base_fields.items():
        widgets = getattr(field.widget, "widgets", [field.widget])
        state[name] = (
            str(field.label),
            field.required,
            dict(field.error_messages),
            [dict(widget.attrs) for widget in widgets],
        )
    return state


def test_showing_pages_with_mistakes_never_changes_the_fields_forms_share(client):
    from screening.intake import steps

    _draft, token = draft_at("review", client)
    classes = {step.form for step in steps.STEPS}
    classes |= {rows.formset.form for step in steps.STEPS for rows in step.formsets}
    before = {form_class: field_state(form_class) for form_class in classes}

    for step in steps.STEPS:
        client.get(step_url(token, step.slug))
        broken = {key: "x" * 300 for key in step_data(step.slug) if "FORMS" not in key}
        body = client.post(step_url(token, step.slug), broken).content.decode()
        assert "There is a problem" in body or "is-invalid" in body, step.slug

    after = {form_class: field_state(form_class) for form_class in classes}
    assert after == before
    # A fresh page shows no trace of another person's mistakes.
    body = client.get(step_url(token, "about")).content.decode()
    assert "is-invalid" not in body


@pytest.mark.parametrize(
    "changes",
    [
        {"bp_systolic": "60", "bp_diastolic": "30"},
        {"bp_systolic": "260", "bp_diastolic": "160"},
        {"weight_value": "80", "weight_unit": "lb"},
        {"weight_value": "600", "weight_unit": "lb"},
        {"weight_value": "36", "weight_unit": "kg"},
        {"height_unit": "cm", "height_cm": "120"},
        {"height_unit": "ft_in", "height_ft": "7", "height_in": "6", "height_cm": ""},
    ],
)
def test_the_ends_of_the_human_ranges_are_accepted(client, changes):
    _draft, token = draft_at("medical", client)
    response = client.post(step_url(token, "medical"), step_data("medical", **changes))
    assert response.status_code == 302, response.content.decode()[:300]
