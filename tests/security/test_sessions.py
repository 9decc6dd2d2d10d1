"""Staff sessions end at browser close and after 15 idle minutes; activity keeps them going."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.signin import confirmed_device, current_code

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def casey(roles):
    from tests.factories import StaffFactory

    return StaffFactory(username="casey", role="clinician")


def signed_in(casey):
    """A real sign-in: password, then the code."""
    device = confirmed_device(casey)
    client = Client()
    client.post("/accounts/login/", {"username": "casey", "password": PASSWORD})
    response = client.post("/accounts/two-factor/", {"otp_token": current_code(device)})
    assert response["Location"] == "/staff/"
    return client, response


def stored_session(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_idle_limit_is_fifteen_minutes():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_the_session_cookie_ends_with_the_browser(casey):
    client, response = signed_in(casey)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["expires"] == ""  # no Expires: a browser-session cookie
    assert cookie["max-age"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    again = client.get("/staff/").cookies[settings.SESSION_COOKIE_NAME]
    assert (again["expires"], again["max-age"]) == ("", "")


def test_a_session_idle_for_more_than_fifteen_minutes_is_signed_out(casey):
    client, _ = signed_in(casey)
    session = stored_session(client)
    # Fifteen minutes and a second without a request.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_extends_the_session(casey):
    client, _ = signed_in(casey)
    session = stored_session(client)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    assert client.get("/staff/").status_code == 200

    extended = stored_session(client).expire_date
    assert extended > timezone.now() + timedelta(minutes=14)
    assert extended <= timezone.now() + timedelta(minutes=15, seconds=5)


def test_signing_out_ends_the_session_on_the_server(casey):
    client, _ = signed_in(casey)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/staff/").status_code == 302
