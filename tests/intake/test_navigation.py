"""Moving through the intake: private links, resuming elsewhere, steps that are not open yet,
expired and unknown links, caching and where the token may appear."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from clinic import private_links
from screening.models import Draft
from tests.intake.helpers import (
    draft_at,
    page_text,
    start,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db


def test_resume_from_another_browser_brings_back_the_step_and_the_answers(client):
    draft, token = draft_at("questionnaires", client)
    other_device = Client()

    response = other_device.get(f"/intake/r/{token}/")

    assert response.status_code == 302
    assert response["Location"] == step_url(token, "questionnaires")
    # Earlier answers are there on the new device, including repeatable rows.
    page = other_device.get(step_url(token, "mental-health")).content.decode()
    assert 'value="sertraline"' in page
    assert 'value="venlafaxine"' in page
    page = other_device.get(step_url(token, "about")).content.decode()
    assert 'value="Jordan A. Rivera"' in page
    assert 'name="date_of_birth_year" value="1987"' in page


def test_a_step_not_reached_yet_sends_the_person_to_the_first_open_step(client):
    _draft, token = draft_at("mental-health", client)

    response = client.get(step_url(token, "medical"))
    assert response.status_code == 302
    assert response["Location"] == step_url(token, "mental-health")

    response = client.post(step_url(token, "substances"), step_data("substances"))
    assert response.status_code == 302
    assert "substances" not in Draft.objects.get().answers


def test_completed_steps_stay_open_for_changes(client):
    _draft, token = draft_at("medical", client)

    response = client.post(
        step_url(token, "care-team"), step_data("care-team", therapist="Robin Ortiz, LCSW")
    )

    assert response["Location"] == step_url(token, "mental-health")
    draft = Draft.objects.get()
    assert draft.answers["care-team"]["therapist"] == "Robin Ortiz, LCSW"
    assert "questionnaires" in draft.completed_steps


def test_private_link_is_shown_after_the_first_step_is_saved(client):
    token = start(client)

    page = client.get(step_url(token, "about")).content.decode()
    assert "Your answers so far are saved" not in page

    client.post(step_url(token, "about"), step_data("about"))
    page = client.get(step_url(token, "care-team")).content.decode()
    assert "Your answers so far are saved" in page
    assert f'value="http://127.0.0.1:8000/intake/r/{token}/"' in page


def test_save_and_finish_later_saves_the_step_and_shows_the_link(client):
    token = start(client)

    response = client.post(step_url(token, "about"), {**step_data("about"), "action": "later"})

    assert response["Location"] == "/intake/my/saved/"
    assert Draft.objects.get().answers["about"]["legal_name"] == "Jordan A. Rivera"
    page = client.get(response["Location"]).content.decode()
    assert f"/intake/r/{token}/" in page
    assert "Email me the link" in page


def test_save_and_finish_later_with_mistakes_keeps_the_page_and_offers_to_leave(client):
    token = start(client)

    response = client.post(
        step_url(token, "about"), {**step_data("about", email="nope"), "action": "later"}
    )

    assert response.status_code == 200
    assert "leave now and come back with your private link" in page_text(response)
    assert 'value="nope"' in response.content.decode()
    assert Draft.objects.get().answers == {}


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "y" * 500])
def test_an_outsider_with_a_wrong_link_sees_nothing(client, token):
    _draft, _real = draft_at("care-team", client)

    for url in (f"/intake/r/{token}/", f"/intake/r/{token}/about/", f"/intake/r/{token}/done/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link does not open an intake" in page_text(response)
        assert "Jordan" not in response.content.decode()


def test_an_expired_link_looks_like_an_unknown_one(client):
    draft, token = draft_at("care-team", client)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(f"/intake/r/{token}/")

    assert response.status_code == 404
    assert "This link does not open an intake" in page_text(response)
    response = client.post(step_url(token, "care-team"), step_data("care-team"))
    assert response.status_code == 404
    assert "care-team" not in Draft.objects.get().answers


def test_saving_a_step_extends_the_link(client, settings):
    settings.DRAFT_TTL_DAYS = 30
    draft, token = draft_at("care-team", client)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(days=1))

    client.post(step_url(token, "care-team"), step_data("care-team"))

    remaining = Draft.objects.get().expires_at - timezone.now()
    assert timedelta(days=29) < remaining <= timedelta(days=30)


def test_an_unknown_step_is_not_found(client):
    token = start(client)

    assert client.get(step_url(token, "no-such-step")).status_code == 404


def test_private_pages_are_never_cached_and_keep_the_referrer_home(client):
    _draft, token = draft_at("care-team", client)

    for url in (
        f"/intake/r/{token}/",
        step_url(token, "care-team"),
        "/intake/my/saved/",
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert response["Referrer-Policy"] == "same-origin"


def test_the_token_is_only_in_the_private_link_cookie_and_no_session(client):
    _draft, token = draft_at("review", client)

    holding = [name for name, morsel in client.cookies.items() if token in morsel.value]
    assert holding == [private_links.COOKIE]
    cookie = client.cookies[private_links.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert Session.objects.count() == 0


def test_every_step_keeps_the_crisis_bar_and_a_way_back(client):
    _draft, token = draft_at("review", client)

    for slug in ("about", "care-team", "mental-health", "questionnaires", "medical", "review"):
        body = client.get(step_url(token, slug)).content.decode()
        assert 'href="tel:988"' in body, slug
        assert 'href="sms:988"' in body, slug
        assert "In crisis or thinking about suicide?" in body, slug
    body = client.get(step_url(token, "medical")).content.decode()
    assert f'href="{step_url(token, "questionnaires")}"' in body
    assert "Step 5 of 8" in body


def test_a_step_page_and_a_saved_step_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    _draft, token = draft_at("medical", client)

    with django_assert_num_queries(1):
        client.get(step_url(token, "medical"))
    # A step whose questions depend on nothing earlier: the write alone, which checks the link.
    with django_assert_num_queries(1):
        response = client.post(step_url(token, "care-team"), step_data("care-team"))
    assert response.status_code == 302
    # Pregnancy questions depend on "About you": that one section, then the write. The clinic's
    # thresholds (is the blood-pressure reading in the crisis range?) come from the cache.
    with django_assert_num_queries(2):
        response = client.post(step_url(token, "medical"), step_data("medical"))
    assert response.status_code == 302


def test_two_tabs_saving_different_steps_at_once_both_keep_their_answers(client):
    from screening.intake import flow, steps

    _draft, token = draft_at("questionnaires", client)
    # Both tabs opened the draft before either saved: the saves are merged by the database,
    # one section each, so neither overwrites the other.
    stale = flow.find_draft(token)
    client.post(step_url(token, "care-team"), step_data("care-team", therapist="Robin Ortiz, LCSW"))
    assert stale.answers["care-team"].get("therapist") != "Robin Ortiz, LCSW"

    assert flow.record_step(token, steps.BY_SLUG["about"], {"legal_name": "Other tab"})

    answers = Draft.objects.get().answers
    assert answers["care-team"]["therapist"] == "Robin Ortiz, LCSW"
    assert answers["about"] == {"legal_name": "Other tab"}
    assert answers["mental-health"] == stale.answers["mental-health"]


def test_a_step_is_stored_only_where_the_link_opens_it(client):
    from screening.intake import flow, steps

    _draft, token = draft_at("care-team", client)
    before = Draft.objects.get().answers

    # An earlier step not done yet, a wrong link: nothing is written.
    assert not flow.record_step(token, steps.BY_SLUG["medical"], {"hypertension": "no"})
    assert not flow.record_step("x" * 43, steps.BY_SLUG["about"], {"legal_name": "Nobody"})
    assert Draft.objects.get().answers == before

    # Sent or expired: nothing is written either.
    Draft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert not flow.record_step(token, steps.BY_SLUG["about"], {"legal_name": "Late"})
    Draft.objects.update(expires_at=timezone.now() + timedelta(days=1), submitted_at=timezone.now())
    assert not flow.record_step(token, steps.BY_SLUG["about"], {"legal_name": "Late"})
    assert Draft.objects.get().answers == before


def test_nothing_after_the_questionnaires_is_stored_while_the_support_page_waits(client):
    from screening.intake import flow, steps

    _draft, token = draft_at("medical", client)
    Draft.objects.update(risk_pending=True)

    assert not flow.record_step(token, steps.BY_SLUG["medical"], {"hypertension": "no"})
    # Steps before the questionnaires stay open.
    assert flow.record_step(token, steps.BY_SLUG["care-team"], step_data_answers("care-team"))
    response = client.post(step_url(token, "medical"), step_data("medical"))
    assert response.status_code == 302
    assert response["Location"] == "/intake/my/support/"
    assert "medical" not in Draft.objects.get().answers


def step_data_answers(slug):
    """A step's answers as its forms clean them."""
    from screening.intake import flow, steps
    from tests.intake.helpers import step_data

    forms = flow.build_step_forms(steps.BY_SLUG[slug], {}, step_data(slug))
    assert forms.is_valid()
    return forms.to_answers()
