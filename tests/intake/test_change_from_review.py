""" "Change" on the review page: saving the step goes back to the review, not to the next step,
unless a page must come first (the support page after a risky answer)."""

import pytest

from screening.models import Draft
from tests.intake.helpers import draft_at, step_data, step_url

pytestmark = pytest.mark.django_db


def test_the_review_pages_change_links_say_where_they_come_from(client):
    _draft, token = draft_at("review", client)
    body = client.get(step_url(token, "review")).content.decode()
    assert f'href="{step_url(token, "care-team")}?from=review"' in body


def test_a_step_opened_from_the_review_remembers_it_in_the_form(client):
    _draft, token = draft_at("review", client)
    body = client.get(step_url(token, "care-team") + "?from=review").content.decode()
    assert '<input type="hidden" name="from" value="review">' in body
    assert 'name="from"' not in client.get(step_url(token, "care-team")).content.decode()


def test_saving_a_change_from_the_review_goes_back_to_the_review(csrf_client):
    _draft, token = draft_at("review", csrf_client)
    page = csrf_client.get(step_url(token, "care-team") + "?from=review")
    data = step_data("care-team", therapist="Robin Ortiz, LCSW")
    data |= {"from": "review", "csrfmiddlewaretoken": page.context["csrf_token"]}

    response = csrf_client.post(step_url(token, "care-team"), data)

    assert response.status_code == 302
    assert response["Location"] == step_url(token, "review")
    assert Draft.objects.get().answers["care-team"]["therapist"] == "Robin Ortiz, LCSW"


def test_without_the_review_saving_goes_on_to_the_next_step(client):
    _draft, token = draft_at("review", client)
    response = client.post(step_url(token, "care-team"), step_data("care-team"))
    assert response["Location"] == step_url(token, "mental-health")


def test_a_mistake_keeps_the_way_back_to_the_review(client):
    _draft, token = draft_at("review", client)
    data = step_data("care-team", emergency_contact_phone="12") | {"from": "review"}
    response = client.post(step_url(token, "care-team"), data)
    assert response.status_code == 200
    assert '<input type="hidden" name="from" value="review">' in response.content.decode()


def test_a_risky_answer_changed_from_the_review_still_brings_the_support_page_first(client):
    _draft, token = draft_at("review", client)
    data = step_data("questionnaires", phq9_9="2") | {"from": "review"}
    response = client.post(step_url(token, "questionnaires"), data)
    assert response["Location"].endswith("/support/")
