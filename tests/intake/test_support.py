"""The support page: when the questionnaires show suicide risk it comes next, calmly, before the
form goes on, and the submission is marked urgent."""

import pytest

from screening.models import Draft, Submission
from tests.intake.helpers import (
    csrf_post,
    draft_at,
    fill,
    page_text,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db

ALARMING = ("excluded", "rejected", "committed suicide", "warning", "danger!")


@pytest.mark.parametrize(
    "risk",
    [
        {"phq9_9": "1"},
        {"phq9_9": "3"},
        {"cssrs_q1": "yes"},
        {"cssrs_q2": "yes", "cssrs_q3": "no", "cssrs_q4": "no", "cssrs_q5": "no"},
        {"cssrs_q6": "yes", "cssrs_q6_recent": "no"},
    ],
)
def test_any_sign_of_risk_brings_the_support_page_next(client, risk):
    _draft, token = draft_at("questionnaires", client)

    response = client.post(step_url(token, "questionnaires"), step_data("questionnaires", **risk))

    assert response["Location"] == "/intake/my/support/"
    draft = Draft.objects.get()
    assert draft.risk_pending
    assert draft.risk_shown_at is None


def test_no_risk_goes_straight_on(client):
    _draft, token = draft_at("questionnaires", client)

    response = client.post(step_url(token, "questionnaires"), step_data("questionnaires"))

    assert response["Location"] == step_url(token, "medical")
    assert not Draft.objects.get().risk_pending


def test_the_support_page_is_calm_and_carries_every_way_to_get_help(client):
    _draft, token = draft_at("questionnaires", client)
    client.post(step_url(token, "questionnaires"), step_data("questionnaires", phq9_9="2"))

    response = client.get("/intake/my/support/")

    assert response.status_code == 200
    body = response.content.decode()
    for link in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"', "988lifeline.org"):
        assert link in body
    for must in ("741741", "838255", "1-800-662-4357", "AYUDA"):
        assert must in body
    text = page_text(response).lower()
    assert "you don't have to carry this alone" in text
    assert not any(word in text for word in ALARMING)
    assert "Continue my form" in page_text(response)


def test_the_steps_after_the_questionnaires_wait_for_the_support_page(client):
    _draft, token = draft_at("questionnaires", client)
    client.post(step_url(token, "questionnaires"), step_data("questionnaires", cssrs_q1="yes"))

    for url in (step_url(token, "medical"), f"/intake/r/{token}/"):
        response = client.get(url)
        assert response["Location"] == "/intake/my/support/", url
    response = client.post(step_url(token, "medical"), step_data("medical"))
    assert response["Location"] == "/intake/my/support/"
    assert "medical" not in Draft.objects.get().answers
    # Earlier steps stay open.
    assert client.get(step_url(token, "about")).status_code == 200


def test_continuing_records_that_the_page_was_shown_and_opens_the_next_step(csrf_client):
    _draft, token = draft_at("questionnaires", csrf_client)
    csrf_post(
        csrf_client,
        step_url(token, "questionnaires"),
        step_data("questionnaires", phq9_9="1"),
    )

    response = csrf_post(csrf_client, "/intake/my/support/", {})

    assert response["Location"] == step_url(token, "medical")
    draft = Draft.objects.get()
    assert not draft.risk_pending
    assert draft.risk_shown_at is not None
    assert csrf_client.get(step_url(token, "medical")).status_code == 200


def test_a_submission_with_risk_is_urgent_and_the_person_hears_we_will_reach_out_first(client):
    _draft, token = draft_at("questionnaires", client)

    fill(client, token, questionnaires={"phq9_9": "1"})

    submission = Submission.objects.get()
    assert submission.outcome == "urgent"
    assert submission.intake["support_page_shown_at"]
    text = page_text(client.get("/intake/my/done/"))
    assert "someone from our care team will reach out to you first" in text
    assert "urgent" not in text.lower()
