"""What monitors, crawlers and odd requests see (issue 15, item 8): HEAD answers like GET,
private pages are never indexed (X-Robots-Tag, /robots.txt) and staff pages never stored,
every response carries a Permissions-Policy, odd query values and NUL characters get a 4xx
(not a 500), and a password typed into the username box is never kept."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from appointments.models import AppointmentRequest
from clinic.audit import UNKNOWN_USERNAME
from clinic.models import AuditEvent
from screening.models import Draft
from tests.factories import StaffFactory, make_linked_submission, make_slot
from tests.intake.helpers import draft_at

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
NOINDEX = "noindex, nofollow"


@pytest.fixture
def open_request():
    token, _submission = make_linked_submission()
    Draft.objects.filter(submission__isnull=False).update(submitted_at=timezone.now())
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    browser = Client()
    browser.get(f"/appointments/request/{token}/")  # the private link, bound to this browser
    browser.post(
        "/appointments/my-request/",
        {
            "mode": "either",
            "window1_date": day,
            "window1_part": "any",
            "contact_preference": "phone",
        },
    )
    return token, AppointmentRequest.objects.get()


# HEAD ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/intake/", "/crisis/", "/privacy/", "/appointments/request/", "/healthz", "/robots.txt"],
)
def test_head_answers_like_get(client, url):
    response = client.head(url)

    assert response.status_code == 200, url
    assert response.content == b""


def test_head_on_private_link_pages(client, open_request):
    _draft, token = draft_at("medical", client)
    sent_token, _req = open_request

    for url in (
        "/intake/my/medical/",
        "/intake/my/saved/",
    ):
        assert client.head(url).status_code == 200, url
    elsewhere = Client()
    assert elsewhere.head(f"/intake/r/{sent_token}/").status_code == 302
    assert elsewhere.head("/intake/my/done/").status_code == 200
    assert elsewhere.head(f"/appointments/request/{sent_token}/").status_code == 302
    assert elsewhere.head("/appointments/my-request/").status_code == 200
    assert client.head(f"/intake/r/{token}/").status_code == 302
    for url in ("/intake/my/support/stop/", "/intake/my/support/call-me/"):
        assert client.head(url).status_code == 200, url
    Draft.objects.filter(pk=_draft.pk).update(under_min_age=True)
    assert client.head("/intake/my/for-adults/").status_code == 200


# Crawlers --------------------------------------------------------------------------------------


def test_private_link_pages_ask_not_to_be_indexed(client, open_request):
    _draft, token = draft_at("about", client)
    sent_token, _req = open_request

    for url in (
        f"/intake/r/{token}/",
        "/intake/r/not-a-link/",  # the kind 404 page too
        f"/appointments/request/{sent_token}/",
        f"/appointments/request/{sent_token}/cancel/",
        "/intake/my/",  # without the private link's cookie too
        "/appointments/my-request/",
    ):
        assert Client().get(url)["X-Robots-Tag"] == NOINDEX, url
    for url in ("/intake/my/about/", "/intake/my/saved/"):
        assert client.get(url)["X-Robots-Tag"] == NOINDEX, url


def test_staff_pages_ask_not_to_be_indexed_and_are_never_stored(client, coordinator, open_request):
    _token, req = open_request
    make_slot()
    assert Client().get("/accounts/login/")["X-Robots-Tag"] == NOINDEX
    assert Client().get("/staff/")["X-Robots-Tag"] == NOINDEX  # the redirect to sign in
    client.force_login(coordinator)
    for url in (
        "/staff/",
        "/staff/appointments/schedule/",
        "/staff/appointments/requests/",
        f"/staff/appointments/requests/{req.pk}/",
        "/staff/appointments/availability/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Robots-Tag"] == NOINDEX, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_public_pages_may_be_indexed(client):
    for url in ("/", "/intake/", "/crisis/", "/appointments/request/"):
        assert "X-Robots-Tag" not in client.get(url), url


def test_robots_txt_keeps_crawlers_out_of_private_and_staff_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for prefix in ("/intake/r/", "/staff/", "/admin/", "/accounts/"):
        assert f"Disallow: {prefix}" in lines
    assert "Disallow: /" not in lines  # the public pages stay findable


# Permissions-Policy ----------------------------------------------------------------------------


def test_every_response_carries_a_permissions_policy(client, administrator):
    responses = [
        client.get(url)
        for url in ("/", "/intake/", "/no-such-page/", "/healthz", "/robots.txt", "/%00/")
    ]
    responses.append(client.post("/intake/", {"website": ""}))
    client.force_login(administrator)
    responses += [client.get("/staff/"), client.get("/admin/")]

    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment"):
            assert f"{feature}=()" in policy


# Odd input -------------------------------------------------------------------------------------


def test_a_non_ascii_digit_in_a_filter_is_ignored_not_a_500(client, coordinator, open_request):
    _token, req = open_request
    client.force_login(coordinator)

    response = client.get(f"/staff/appointments/requests/{req.pk}/?clinician=²³")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/staff/submissions/%00/", "/intake/r/%00/", "/staff/?q=%00", "/appointments/request/%00/"],
)
def test_a_nul_character_is_a_400(client, administrator, url):
    # PostgreSQL refuses NUL in a query: this was a 500 there (a 404 on SQLite).
    client.force_login(administrator)

    response = client.get(url)

    assert response.status_code == 400
    assert 'href="tel:988"' in response.content.decode()  # the crisis bar, as everywhere


# What a failed sign-in keeps -------------------------------------------------------------------


def sign_in(username, password, address="203.0.113.9"):
    client = Client()
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_password_typed_as_the_username_is_never_kept(roles, caplog):
    StaffFactory(username="casey", role="clinician")
    typed = "Tr0ub4dor&3-horse"

    with caplog.at_level(logging.INFO):
        for _ in range(5):
            sign_in(typed, "whatever")

    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).first()
    assert event.actor_label == UNKNOWN_USERNAME
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN_LOCKED, actor_label=UNKNOWN_USERNAME
    ).exists()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == UNKNOWN_USERNAME
    everything = " ".join(
        [attempt.username, attempt.post_data, attempt.get_data]
        + [e.actor_label + str(e.detail) for e in AuditEvent.objects.all()]
        + [record.getMessage() for record in caplog.records]
    )
    assert typed not in everything


def test_a_known_username_is_kept_and_still_locks_the_account(roles):
    StaffFactory(username="casey", role="clinician")
    for n in range(5):
        sign_in("casey", "not-the-password", f"203.0.113.{n + 1}")

    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SIGN_IN_FAILED, actor_label="casey"
        ).count()
        == 5
    )
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"casey"}
    # Locked from any address, even with the right password.
    assert sign_in("casey", PASSWORD, "198.51.100.7").status_code == 429


def test_unknown_usernames_from_many_addresses_lock_no_one(roles):
    StaffFactory(username="casey", role="clinician")
    for n in range(8):
        sign_in(f"nobody{n}", "whatever", f"203.0.113.{n + 1}")

    # They all share the marker, which counts per address only: nobody is locked out.
    assert sign_in("nobody-else", "whatever", "198.51.100.8").status_code == 200
    assert sign_in("casey", PASSWORD, "198.51.100.8").status_code == 302
