"""Helpers for the staff review workspace tests."""

from django.test import Client

from tests.factories import (
    EXCLUDED_CHANGES,
    REVIEW_CHANGES,
    URGENT_CHANGES,
    intake_document,
    make_submission,
)

OUTCOME_CHANGES = {
    "urgent": URGENT_CHANGES,
    "likely_excluded": EXCLUDED_CHANGES,
    "needs_review": REVIEW_CHANGES,
    "eligible_for_consultation": {},
}


def make_outcome_submission(outcome, *, about=None, **kwargs):
    """A submission screened to `outcome`; `about` changes the person's details (name, email)."""
    changes = dict(OUTCOME_CHANGES[outcome])
    if about:
        changes["about"] = about
    return make_submission(intake_document(**changes), **kwargs)


def signed_in_client(user, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def csrf_post(client, page_url, url, data):
    """POST as a browser does: load the page, read the CSRF cookie, send it back."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def text(response):
    """The response body with whitespace collapsed, for phrase assertions."""
    return " ".join(response.content.decode().split())
