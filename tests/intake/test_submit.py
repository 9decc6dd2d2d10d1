"""Sending the intake: one submission however often it is sent, the confirmation page, and what
the private link opens afterwards."""

import threading

import pytest
from django.db import connection
from django.test import Client

from screening.models import Draft, ScreeningResult, Submission
from tests.intake.helpers import (
    csrf_post,
    draft_at,
    fill,
    open_link,
    page_text,
    start,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db


def test_sending_creates_one_screened_submission_and_clears_the_draft(csrf_client):
    _draft, token = draft_at("review", csrf_client)

    response = csrf_post(csrf_client, step_url(token, "review"), step_data("review"))

    assert response["Location"] == "/intake/my/done/"
    submission = Submission.objects.get()
    assert submission.outcome == "eligible_for_consultation"
    assert ScreeningResult.objects.filter(submission=submission).count() == 1
    assert submission.intake["consent"]["signature"] == "Jordan A. Rivera"
    assert submission.intake["consent"]["not_emergency_service"] is True
    assert submission.intake["about"]["email"] == "jordan.rivera@example.org"
    draft = Draft.objects.get()
    assert draft.answers == {}
    assert draft.submission == submission


def test_the_confirmation_gives_the_reference_next_steps_and_help(client):
    _draft, token = draft_at("review", client)
    client.post(step_url(token, "review"), step_data("review"))

    response = client.get("/intake/my/done/")

    submission = Submission.objects.get()
    text = page_text(response)
    assert submission.reference in text
    assert "usually within 2 business days" in text
    assert "by phone call or email" in text
    assert 'href="/appointments/my-request/"' in response.content.decode()
    assert 'href="tel:988"' in response.content.decode()
    for hidden in ("eligible", "excluded", "rejected", "needs review", "outcome"):
        assert hidden not in text.lower()


def test_a_double_click_or_a_retried_post_gives_one_submission(client):
    _draft, token = draft_at("review", client)

    first = client.post(step_url(token, "review"), step_data("review"))
    again = client.post(step_url(token, "review"), step_data("review"))
    retry_with_changes = client.post(step_url(token, "review"), step_data("review", signature="X"))

    assert first["Location"] == again["Location"] == retry_with_changes["Location"]
    assert Submission.objects.count() == 1
    assert Submission.objects.get().intake["consent"]["signature"] == "Jordan A. Rivera"


def test_a_second_tab_sending_the_same_draft_gets_the_same_submission(client):
    _draft, token = draft_at("review", client)
    other_tab = Client()
    open_link(other_tab, token)

    client.post(step_url(token, "review"), step_data("review"))
    response = other_tab.post(step_url(token, "review"), step_data("review"))

    assert response["Location"] == "/intake/my/done/"
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_make_one_submission():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    _draft, token = draft_at("review", Client())
    barrier = threading.Barrier(2)
    results = []

    def send():
        # Each browser opens the private link first, as from the e-mail.
        browser = Client()
        open_link(browser, token)
        barrier.wait()
        response = browser.post(step_url(token, "review"), step_data("review"))
        results.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [302, 302]
    assert Submission.objects.count() == 1
    assert ScreeningResult.objects.count() == 1


def test_after_sending_the_private_link_opens_the_status_page_and_steps_are_closed(client):
    _draft, token = draft_at("review", client)
    client.post(step_url(token, "review"), step_data("review"))

    assert client.get(f"/intake/r/{token}/")["Location"] == "/intake/my/done/"
    response = client.post(step_url(token, "about"), step_data("about", legal_name="Changed"))
    assert response["Location"] == "/intake/my/done/"
    assert Submission.objects.get().intake["about"]["legal_name"] == "Jordan A. Rivera"
    assert client.get("/intake/my/saved/")["Location"] == "/intake/my/done/"


def test_the_status_page_before_sending_goes_back_to_the_form(client):
    _draft, token = draft_at("review", client)

    assert client.get("/intake/my/done/")["Location"] == "/intake/my/"


def test_consent_and_signature_are_required(client):
    _draft, token = draft_at("review", client)

    response = client.post(
        step_url(token, "review"), step_data("review", privacy_notice=None, signature="  ")
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Check this box to confirm you have read how we protect your information" in text
    assert "Type your full name to sign" in text
    assert not Submission.objects.exists()


def test_the_review_page_shows_every_answer_with_a_way_to_change_it(client):
    _draft, token = draft_at("review", client)

    response = client.get(step_url(token, "review"))

    text = page_text(response)
    for answer in (
        "Jordan A. Rivera",
        "March 14, 1987",
        "Alex Rivera",
        "sertraline, up to 150 mg a day, 10 weeks, during this period of depression",
        "Total, worked out for you 16 of 27",
        "Total, worked out for you 9 of 21",
        "128",
        "168 cm",
        "penicillin",
        "Monthly or less",
        "lamotrigine, 100 mg, daily",
        "The clinic may contact me by phone call or email about my intake.",
    ):
        assert answer in text, answer
    body = response.content.decode()
    for slug in ("about", "care-team", "mental-health", "questionnaires", "medical"):
        assert f'href="{step_url(token, slug)}?from=review">Change' in body


def test_the_review_step_is_closed_until_every_step_is_saved(client):
    _draft, token = draft_at("medications", client)

    response = client.post(step_url(token, "review"), step_data("review"))

    assert response["Location"] == step_url(token, "medications")
    assert not Submission.objects.exists()


def test_submissions_keep_the_questionnaire_version_they_were_answered_against(client):
    draft, token = draft_at("review", client)
    Draft.objects.filter(pk=draft.pk).update(questionnaire_version="2025.04")

    fill(client, token, until=None)

    submission = Submission.objects.get()
    assert submission.questionnaire_version == "2025.04"
    assert submission.intake["questionnaire_version"] == "2025.04"


def test_a_draft_that_the_engine_would_refuse_is_sent_back_not_lost(client, monkeypatch):
    """The forms should make this impossible; if a rule change ever did, nothing is lost."""
    from screening.intake import export as intake_export

    _draft, token = draft_at("review", client)
    real = intake_export.answers_to_intake

    def broken(answers):
        doc = real(answers)
        doc["medical"]["height_cm"] = "tall"
        return doc

    monkeypatch.setattr(intake_export, "answers_to_intake", broken)
    response = client.post(step_url(token, "review"), step_data("review"))

    assert response["Location"] == step_url(token, "medical")
    assert not Submission.objects.exists()
    assert Draft.objects.get().answers["medical"]


def test_every_step_goes_through_with_csrf_enforced_like_a_browser(csrf_client):
    token = start(csrf_client)

    fill(csrf_client, token)

    assert Submission.objects.get().intake["consent"]["signature"] == "Jordan A. Rivera"
    assert csrf_client.get(f"/intake/r/{token}/")["Location"] == "/intake/my/done/"
