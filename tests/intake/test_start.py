"""The welcome page and starting an intake (an anonymous visitor)."""

import re

import pytest
from django.contrib.sessions.models import Session

from clinic import private_links
from screening.models import Draft
from screening.models.intake import hash_token
from tests.intake.helpers import (
    page_text,
    token_of,
)

pytestmark = pytest.mark.django_db


def test_welcome_page_explains_what_to_expect_and_creates_nothing(client):
    response = client.get("/intake/")

    assert response.status_code == 200
    text = page_text(response)
    assert "20 minutes" in text
    assert "stop at any time" in text
    assert "not an emergency service" in text
    assert 'href="tel:988"' in response.content.decode()
    assert Draft.objects.count() == 0


def test_starting_creates_a_draft_and_opens_the_first_step_by_its_private_link(csrf_client):
    csrf_client.get("/intake/")
    response = csrf_client.post(
        "/intake/", {"csrfmiddlewaretoken": csrf_client.cookies["csrftoken"].value}
    )

    assert response.status_code == 302
    # The token is bound to the browser, not put in the address (clinic.private_links).
    assert response["Location"] == "/intake/my/about/"
    token = token_of(response)
    assert re.fullmatch(r"[\w-]{43}", token)
    draft = Draft.objects.get()
    # Only the token's hash is stored, and the token travels only in its own cookie.
    assert draft.token_hash == hash_token(token)
    assert token not in draft.token_hash
    holding = [name for name, morsel in csrf_client.cookies.items() if token in morsel.value]
    assert holding == [private_links.COOKIE]
    assert Session.objects.count() == 0
    assert csrf_client.get(response["Location"]).status_code == 200


def test_starting_without_the_csrf_token_is_refused_calmly(csrf_client):
    response = csrf_client.post("/intake/")

    assert response.status_code == 403
    assert Draft.objects.count() == 0
    assert 'href="tel:988"' in response.content.decode()


def test_each_start_gets_its_own_unguessable_link(client):
    first = token_of(client.post("/intake/"))
    second = token_of(client.post("/intake/"))

    assert first != second
    assert len(first) >= 43  # 256 bits
    assert Draft.objects.count() == 2


def test_a_script_starting_intakes_from_one_address_is_slowed_down_calmly(client):
    from screening.intake.views import STARTS_PER_HOUR

    allowed = int(STARTS_PER_HOUR.split("/")[0])
    for _ in range(allowed):
        assert client.post("/intake/").status_code == 302

    response = client.post("/intake/")

    assert response.status_code == 429
    assert Draft.objects.count() == allowed
    assert 'href="tel:988"' in response.content.decode()
