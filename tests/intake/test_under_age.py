"""A date of birth under the clinic's minimum age: told early and kindly, with the crisis lines,
and no health questions follow (the later steps lead back to that page) until the date is
corrected. The screening rule CI_AGE_UNDER_18 stays for intakes from other routes."""

from datetime import date

import pytest
from django.utils import timezone

from screening.intake import flow
from screening.models import ClinicThresholds, Draft, Submission
from tests.intake.helpers import (
    STEP_ORDER,
    csrf_post,
    draft_at,
    fill,
    page_text,
    post,
    start,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db


def for_adults(token):
    return "/intake/my/for-adults/"


def born_years_ago(years):
    today = timezone.localdate()
    born = date(today.year - years, today.month, min(today.day, 28))
    return {
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
    }


def about(**dob):
    return step_data("about", **dob)


def test_a_date_of_birth_under_the_minimum_age_brings_the_kind_page(client):
    token = start(client)

    response = client.post(step_url(token, "about"), about(**born_years_ago(16)))

    assert response["Location"] == for_adults(token)
    draft = Draft.objects.get()
    assert draft.under_min_age
    assert "about" in draft.answers


def test_one_day_short_of_the_minimum_age_counts_as_under(client):
    token = start(client)
    today = timezone.localdate()
    day_before_birthday = date(today.year - 18, today.month, today.day).toordinal() + 1
    born = date.fromordinal(day_before_birthday)
    dob = {"date_of_birth_day": str(born.day), "date_of_birth_month": str(born.month),
           "date_of_birth_year": str(born.year)}  # fmt: skip

    response = client.post(step_url(token, "about"), about(**dob))

    assert response["Location"] == for_adults(token)


def test_eighteen_today_goes_on(client):
    token = start(client)
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        pytest.skip("no 18th birthday on 29 February")
    dob = {"date_of_birth_day": str(today.day), "date_of_birth_month": str(today.month),
           "date_of_birth_year": str(today.year - 18)}  # fmt: skip

    response = client.post(step_url(token, "about"), about(**dob))

    assert response["Location"] == step_url(token, "care-team")


def test_the_page_is_kind_carries_the_crisis_lines_and_asks_nothing(client):
    token = start(client)
    client.post(step_url(token, "about"), about(**born_years_ago(15)))

    response = client.get(for_adults(token))

    assert response.status_code == 200
    text = page_text(response)
    assert "Our treatment is for adults" in text
    assert "aged 18 and over" in text
    assert "parent, a guardian or your own doctor" in text
    assert "988" in text and "for people of every age" in text
    assert "text HOME to 741741" in text
    body = response.content.decode()
    for link in ('href="tel:988"', 'href="sms:988"', 'href="sms:741741?body=HOME"'):
        assert link in body
    assert f'href="{step_url(token, "about")}"' in body
    # No questions: the page has no form of its own (the crisis bar and the footer aside).
    main = body[body.index('<main id="main"') : body.index("</main>")]
    assert "<form" not in main and "<input" not in main
    for word in ("excluded", "rejected", "ineligible", "not eligible"):
        assert word not in text.lower()


@pytest.mark.parametrize("slug", STEP_ORDER[1:])
def test_every_later_step_leads_back_to_the_page(client, slug):
    token = start(client)
    client.post(step_url(token, "about"), about(**born_years_ago(16)))

    assert client.get(step_url(token, slug))["Location"] == for_adults(token)
    response = client.post(step_url(token, slug), step_data(slug))
    assert response["Location"] == for_adults(token)
    assert set(Draft.objects.get().answers) == {"about"}


def test_the_private_link_and_the_support_page_lead_to_it_too(client):
    token = start(client)
    client.post(step_url(token, "about"), about(**born_years_ago(16)))

    assert client.get(f"/intake/r/{token}/")["Location"] == for_adults(token)
    assert client.get(step_url(token, "about")).status_code == 200


def test_correcting_a_typo_in_the_date_of_birth_opens_the_intake_again(csrf_client):
    token = start(csrf_client)
    post(csrf_client, step_url(token, "about"), about(**born_years_ago(16)))

    response = csrf_post(csrf_client, step_url(token, "about"), about())

    assert response["Location"] == step_url(token, "care-team")
    assert not Draft.objects.get().under_min_age
    assert csrf_client.get(for_adults(token))["Location"] == step_url(token, "care-team")


def test_changing_the_date_of_birth_after_the_whole_intake_makes_it_unsendable(client):
    _draft, token = draft_at("review", client)
    client.post(step_url(token, "about"), about(**born_years_ago(17)))

    response = client.post(step_url(token, "review"), step_data("review"))

    assert response["Location"] == for_adults(token)
    assert not Submission.objects.exists()
    draft = Draft.objects.get()
    result = flow.submit(draft.pk, {"signature": "Jordan A. Rivera"})
    assert (result.submission, result.go_back_to) == (None, flow.FOR_ADULTS)
    assert not Submission.objects.exists()


def test_the_clinics_minimum_age_decides(client):
    ClinicThresholds.objects.create(values={"min_age": 21})
    token = start(client)

    response = client.post(step_url(token, "about"), about(**born_years_ago(20)))

    assert response["Location"] == for_adults(token)
    assert "aged 21 and over" in page_text(client.get(for_adults(token)))


def test_an_adult_never_sees_the_page(client):
    _draft, token = draft_at("care-team", client)

    assert client.get(for_adults(token))["Location"] == step_url(token, "care-team")


def test_the_screening_rule_stays_for_intakes_from_other_routes():
    from tests.factories import intake_document, make_submission

    submission = make_submission(intake_document(about={"date_of_birth": "2012-01-01"}))

    assert submission.outcome == "likely_excluded"


def test_an_adult_walk_is_unchanged(client):
    token = start(client)
    fill(client, token)

    assert Submission.objects.get().outcome == "eligible_for_consultation"
