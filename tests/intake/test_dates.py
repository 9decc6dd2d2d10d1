"""Dates on the intake (date of birth, the blood-pressure reading): month by name, then day and
year, in the US order in English and in Spanish, each part labelled; impossible dates refused
with a message naming the problem and the parts kept as typed; the stored value unchanged."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.intake.helpers import csrf_post, draft_at, page_text, start, step_data, step_url

pytestmark = pytest.mark.django_db


def _date_parts(body: str, name: str) -> str:
    return body.split(f'id="div_id_{name}"')[1].split("</fieldset>")[0]


def test_a_month_first_date_is_stored_as_that_date(csrf_client):
    draft, token = draft_at("about", csrf_client)
    data = step_data(
        "about", date_of_birth_month="4", date_of_birth_day="3", date_of_birth_year="1987"
    )

    response = csrf_post(csrf_client, step_url(token, "about"), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    # April 3, not March 4: the month is chosen by name, so its order cannot be mistaken.
    assert draft.answers["about"]["date_of_birth"] == "1987-04-03"


def test_the_saved_date_comes_back_in_its_parts(client):
    _draft, token = draft_at("care-team", client)

    body = client.get(step_url(token, "about")).content.decode()

    parts = _date_parts(body, "date_of_birth")
    assert '<option value="3" selected>March</option>' in parts
    assert 'name="date_of_birth_day" value="14"' in parts
    assert 'name="date_of_birth_year" value="1987"' in parts


def test_april_31_is_refused_by_name_and_what_was_typed_is_kept(client):
    draft, token = draft_at("about", client)
    data = step_data(
        "about", date_of_birth_month="4", date_of_birth_day="31", date_of_birth_year="1990"
    )

    response = client.post(step_url(token, "about"), data)

    assert response.status_code == 200
    assert "April has 30 days: check the day" in page_text(response)
    parts = _date_parts(response.content.decode(), "date_of_birth")
    assert '<option value="4" selected>April</option>' in parts
    assert 'name="date_of_birth_day" value="31"' in parts
    assert 'name="date_of_birth_year" value="1990"' in parts
    draft.refresh_from_db()
    assert "about" not in (draft.answers or {})


@pytest.mark.parametrize(
    ("month", "day", "year", "message"),
    [
        ("2", "30", "2024", "February 2024 has 29 days: check the day"),
        ("2", "29", "2025", "February 2025 has 28 days: check the day"),
        ("13", "1", "1990", "Choose the month from the list"),
        ("6", "32", "1990", "Enter a day from 1 to 31"),
        ("6", "1", "1800", "Check the year: that would make you older than 120"),
    ],
)
def test_impossible_dates_of_birth_say_what_is_wrong(client, month, day, year, message):
    _draft, token = draft_at("about", client)
    data = step_data(
        "about", date_of_birth_month=month, date_of_birth_day=day, date_of_birth_year=year
    )

    response = client.post(step_url(token, "about"), data)

    assert response.status_code == 200
    assert message in page_text(response)
    parts = _date_parts(response.content.decode(), "date_of_birth")
    assert f'name="date_of_birth_day" value="{day}"' in parts
    assert f'name="date_of_birth_year" value="{year}"' in parts


def test_a_date_of_birth_in_the_future_is_refused(client):
    _draft, token = draft_at("about", client)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = step_data(
        "about",
        date_of_birth_month=str(tomorrow.month),
        date_of_birth_day=str(tomorrow.day),
        date_of_birth_year=str(tomorrow.year),
    )

    response = client.post(step_url(token, "about"), data)

    assert "Date of birth must be in the past" in page_text(response)


def test_a_reading_dated_in_the_future_is_refused_and_a_past_one_stored(client):
    draft, token = draft_at("medical", client)
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = {
        "bp_measured_on_month": str(tomorrow.month),
        "bp_measured_on_day": str(tomorrow.day),
        "bp_measured_on_year": str(tomorrow.year),
    }

    response = client.post(step_url(token, "medical"), step_data("medical", **future))

    assert "The date of the reading must be today or earlier" in page_text(response)
    parts = _date_parts(response.content.decode(), "bp_measured_on")
    assert f'name="bp_measured_on_day" value="{tomorrow.day}"' in parts

    last_week = timezone.localdate() - timedelta(days=7)
    past = {
        "bp_measured_on_month": str(last_week.month),
        "bp_measured_on_day": str(last_week.day),
        "bp_measured_on_year": str(last_week.year),
    }
    response = client.post(step_url(token, "medical"), step_data("medical", **past))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["medical"]["bp_measured_on"] == last_week.isoformat()


def test_each_part_has_its_own_label_inside_a_fieldset_with_a_legend(client):
    token = start(client)

    body = client.get(step_url(token, "about")).content.decode()

    parts = _date_parts(body, "date_of_birth")
    assert re.search(r"<legend[^>]*>\s*Date of birth", parts)
    order = [
        (label, name, autocomplete)
        for label, name, autocomplete in re.findall(
            r'<label[^>]*for="id_date_of_birth_\d"[^>]*>(\w+)</label>\s*<(?:select|input)[^>]*'
            r'name="(date_of_birth_\w+)"[^>]*autocomplete="([\w-]+)"',
            parts,
        )
    ]
    assert order == [
        ("Month", "date_of_birth_month", "bday-month"),
        ("Day", "date_of_birth_day", "bday-day"),
        ("Year", "date_of_birth_year", "bday-year"),
    ]
    # Every label points at the part after it.
    for n in range(3):
        assert f'for="id_date_of_birth_{n}"' in parts and f'id="id_date_of_birth_{n}"' in parts
    months = re.findall(r'<option value="(\d+)"[^>]*>(\w+)</option>', parts)
    assert [name for _value, name in months][:3] == ["January", "February", "March"]
    assert [value for value, _name in months] == [str(n) for n in range(1, 13)]


def test_in_spanish_the_months_are_named_in_spanish_and_the_order_stays(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    token = start(client)

    body = client.get(step_url(token, "about")).content.decode()

    parts = _date_parts(body, "date_of_birth")
    labels = re.findall(r'<label[^>]*for="id_date_of_birth_\d"[^>]*>([^<]+)</label>', parts)
    assert labels == ["Mes", "Día", "Año"]
    assert '<option value="1">enero</option>' in parts
    assert '<option value="12">diciembre</option>' in parts
    assert "Elija un mes" in parts

    data = step_data(
        "about",
        preferred_language="es",
        date_of_birth_month="4",
        date_of_birth_day="31",
        date_of_birth_year="1990",
    )
    response = client.post(step_url(token, "about"), data)
    assert "El mes de abril tiene 30 días: revise el día" in page_text(response)


def test_the_parts_of_a_date_are_read_by_name_not_position(client):
    """Old day/month/year boxes posted <name>_0, _1, _2; such a post is refused, never read
    in the wrong order."""
    draft, token = draft_at("about", client)
    data = step_data(
        "about",
        date_of_birth_month=None,
        date_of_birth_day=None,
        date_of_birth_year=None,
    )
    data |= {"date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "1987"}

    response = client.post(step_url(token, "about"), data)

    assert response.status_code == 200
    assert "Enter date of birth" in page_text(response)
    draft.refresh_from_db()
    assert "about" not in (draft.answers or {})
