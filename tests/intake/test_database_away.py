"""When the database is briefly away, saving a step or sending the intake answers 503 with the
same page, filled in from what was posted, a calm "we could not save just now" and the crisis
bar as everywhere; nothing is lost that was saved before, and the next try works."""

import pytest
from django.db import OperationalError, connection

from screening.models import Draft, Submission
from tests.intake.helpers import draft_at, page_text, step_data, step_url

pytestmark = pytest.mark.django_db

NOT_SAVED = "We could not save just now. Your answers are still here: please try again in a moment."


def away(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def assert_calm_503(response):
    assert response.status_code == 503
    body = response.content.decode()
    assert NOT_SAVED in page_text(response)
    assert 'role="alert" id="not-saved"' in body
    assert 'href="tel:988"' in body  # the crisis bar, as on every page
    assert 'href="/crisis/"' in body
    assert "no-cache" in response["Cache-Control"]
    return body


def test_a_step_save_while_the_database_is_away_keeps_what_was_typed(client, monkeypatch):
    draft, token = draft_at("care-team", client)
    monkeypatch.setattr(type(Draft.objects), "save_step", away)

    response = client.post(step_url(token, "care-team"), step_data("care-team"))

    body = assert_calm_503(response)
    assert 'value="Dr. Lee, Cape Fear Behavioral Health"' in body
    assert 'value="Sam Ortiz, LCSW"' in body
    assert 'value="+1 910 555 0199"' in body
    assert "needs a look" not in body  # no complaints about the answers themselves
    assert "care-team" not in Draft.objects.get(pk=draft.pk).completed_steps

    monkeypatch.undo()
    again = client.post(step_url(token, "care-team"), step_data("care-team"))
    assert again.status_code == 302
    assert "care-team" in Draft.objects.get(pk=draft.pk).completed_steps


def test_a_step_save_with_no_database_at_all(client, monkeypatch):
    # Every query fails, reads too: the page is still answered, from the posted form alone.
    _draft, token = draft_at("medical", client)
    monkeypatch.setattr(connection, "cursor", away)

    response = client.post(step_url(token, "medical"), step_data("medical"))

    body = assert_calm_503(response)
    assert 'value="128"' in body  # the blood-pressure reading typed


def test_sending_while_the_database_is_away(client, monkeypatch):
    _draft, token = draft_at("review", client)
    monkeypatch.setattr(type(Submission.objects), "create_screened", away)

    response = client.post(step_url(token, "review"), step_data("review"))

    body = assert_calm_503(response)
    assert 'value="Jordan A. Rivera"' in body  # the signature typed
    assert "Send my intake" in body
    assert Submission.objects.count() == 0

    monkeypatch.undo()
    sent = client.post(step_url(token, "review"), step_data("review"))
    assert sent.status_code == 302
    assert Submission.objects.count() == 1
