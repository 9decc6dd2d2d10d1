"""Every page carries the security headers and a strict Content-Security-Policy, and no page's
HTML needs what that policy forbids (inline script, event-handler attributes, style attributes).
With production settings, HTTPS is enforced (redirect, HSTS, secure cookies)."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.utils import timezone

from screening.models import Draft
from tests.factories import make_linked_submission, make_slot
from tests.intake.helpers import draft_at
from tests.signin import password_only_login

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/crisis/",
    "/privacy/",
    "/intake/",
    "/appointments/request/",
    "/appointments/request/thanks/",
    "/accounts/login/",
    "/intake/r/not-a-link/",  # the kind 404 page
    "/appointments/request/not-a-link/",
    "/no-such-page/",
]
STAFF_PAGES = [
    "/staff/",
    "/staff/thresholds/",
    "/staff/audit/",
    "/staff/appointments/schedule/",
    "/staff/appointments/requests/",
    "/staff/appointments/availability/",
]

SCRIPT_WITH_BODY = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
OTHER_HOST = re.compile(r"https?://|\*|'unsafe-|\bblob:")


def assert_protected(url, response):
    assert response.status_code in (200, 404), (url, response.status_code)
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, url
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
    assert not OTHER_HOST.search(csp), (url, csp)
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Content-Type-Options"] == "nosniff", url


def assert_clean_html(url, response):
    html = response.content.decode()
    assert not SCRIPT_WITH_BODY.search(html), (url, SCRIPT_WITH_BODY.search(html).group())
    assert not HANDLER_ATTRIBUTE.search(html), (url, HANDLER_ATTRIBUTE.search(html).group())
    assert not STYLE_ATTRIBUTE.search(html), (url, STYLE_ATTRIBUTE.search(html).group())


def check(client, url):
    response = client.get(url)
    assert_protected(url, response)
    assert_clean_html(url, response)
    return response


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages(client, url):
    check(client, url)


def test_private_link_pages(client):
    _draft, token = draft_at("medical", client)
    for step in ("about", "medical", "saved", "support"):
        check(client, f"/intake/my/{step}/")
    sent_token, _submission = make_linked_submission()
    Draft.objects.filter(submission__isnull=False).update(submitted_at=timezone.now())
    make_slot(starts_in=timedelta(days=3))
    elsewhere = Client()
    elsewhere.get(f"/intake/r/{sent_token}/")  # the private link, bound to this browser
    check(elsewhere, "/intake/my/done/")
    check(elsewhere, "/appointments/my-request/")


def test_staff_pages_as_an_administrator(client, administrator, clinician):
    from tests.factories import make_submission

    submission = make_submission()
    client.force_login(administrator)
    for url in STAFF_PAGES + [f"/staff/submissions/{submission.reference}/"]:
        check(client, url)
    # The printable page is for the clinician role itself (clinic.roles, minimum necessary).
    client.force_login(clinician)
    check(client, f"/staff/submissions/{submission.reference}/print/")


def test_sign_in_steps_and_the_lockout_page(client, clinician):
    password_only_login(client, clinician)
    refused = client.get("/accounts/two-factor/setup/")  # no invitation yet
    assert refused.status_code == 403
    assert refused["X-Frame-Options"] == "DENY"
    assert_clean_html("invitation needed", refused)
    from tests.signin import accept_invitation, confirmed_device

    accept_invitation(client, clinician)
    check(client, "/accounts/two-factor/setup/")

    other = Client()
    confirmed_device(clinician)
    password_only_login(other, clinician)
    check(other, "/accounts/two-factor/")
    verified = Client()
    verified.force_login(clinician)
    check(verified, "/accounts/two-factor/recovery-codes/")
    from django.test import RequestFactory

    from clinic.two_factor import lockout_response

    request = RequestFactory().get("/accounts/login/")
    request.user = clinician
    request.session = {}
    assert_clean_html("lockout", lockout_response(request))


def test_the_admin_pages(client, administrator):
    client.force_login(administrator)
    urls = ["/admin/"] + [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]
    for url in urls:
        # Django's own admin templates: the headers apply to them too.
        assert_protected(url, client.get(url))


PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@override_settings(**PRODUCTION)
def test_production_sends_plain_http_to_https_and_pins_it():
    client = Client()

    plain = client.get("/intake/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/intake/"

    secure = client.get("/intake/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_protected("/intake/", secure)
    assert secure.cookies["csrftoken"]["secure"] is True


@override_settings(**PRODUCTION)
def test_production_session_cookies_are_https_only(roles):
    from tests.factories import StaffFactory

    StaffFactory(username="pat", role="clinician")  # with the factory's password
    client = Client()
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": "pat", "password": "correct-horse-battery-staple"},
        secure=True,
    )
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "deploy-check-" + "k" * 60,
    "FIELD_ENCRYPTION_KEYS": "ZGVwbG95LWNoZWNrLWZpZWxkLWtleS0zMi1ieXRlcyE=",
    "SEARCH_INDEX_KEY": "deploy-check-search-key",
    "ALLOWED_HOSTS": "clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SITE_URL": "https://clinic.example",
}


def manage(*args, **changes):
    """manage.py in a fresh process with production settings, `changes` applied (None unsets)."""
    root = Path(__file__).resolve().parents[2]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        **PRODUCTION_ENV,
        **changes,
    }
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    """The real settings module with DEBUG off (as .ci/run does), in a fresh process."""
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        # Mail that would land in the process output (patients' addresses, private links, .ics).
        ({"EMAIL_BACKEND": None}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
        # Links in emails and calendar files that reach nobody, or go over plain HTTP.
        ({"SITE_URL": None}, "SITE_URL"),
        ({"SITE_URL": "http://clinic.example"}, "SITE_URL"),
        ({"SITE_URL": "https://localhost:8000"}, "SITE_URL"),
        ({"SITE_URL": "https://127.0.0.1"}, "SITE_URL"),
    ],
)
def test_production_refuses_to_start_with_development_mail_or_site_address(changes, named):
    result = manage("check", **changes)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {named} must be")


def test_the_html_checks_catch_what_they_look_for():
    assert SCRIPT_WITH_BODY.search("<script>alert(1)</script>")
    assert not SCRIPT_WITH_BODY.search('<script src="/static/a.js"></script>')
    assert HANDLER_ATTRIBUTE.search('<button onclick="x()">')
    assert STYLE_ATTRIBUTE.search('<div class="a" style="width: 40%">')
    assert OTHER_HOST.search("script-src 'self' https://cdn.example")
