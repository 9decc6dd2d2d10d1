"""Private links and what ends up in access logs (issue 15, item 5; issue 13).

Opening a private link exchanges its token for a signed HttpOnly cookie and redirects to the
same page without it: the token is in no later address, redirect, Referer or page, except the
copy box and the e-mail that hand the person their link. The link keeps working on another
device until the draft expires. Links are built from the request in development and from
SITE_URL in production. Access-log lines lose query strings, tokens and cookies.
"""

import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from gunicorn.config import Config

from clinic import gunicorn_conf, private_links
from clinic.access_log import RedactAccessLog, RedactingAccessLogger
from screening.models import Draft, Submission
from tests.factories import make_linked_submission
from tests.intake.helpers import STEP_ORDER, open_link, post, start, step_data, step_url

pytestmark = pytest.mark.django_db

# The copy box: the one place on a page where the link itself is shown, on purpose.
COPY_BOX = re.compile(r'<input id="private-link"[^>]*>')


def without_copy_box(response) -> str:
    return COPY_BOX.sub("", response.content.decode())


def assert_no_token(response, token, where):
    assert token not in response.get("Location", ""), where
    assert token not in without_copy_box(response), where


def test_a_whole_intake_after_the_exchange_never_shows_the_token(csrf_client, settings):
    settings.SITE_URL = "https://clinic.example"
    token = start(csrf_client)
    # Opened on another device, from the e-mail: the exchange, then nothing but the cookie.
    phone = Client(enforce_csrf_checks=True)
    opened = phone.get(f"/intake/r/{token}/")
    assert opened.status_code == 302
    assert opened["Location"] == "/intake/my/about/"
    cookie = opened.cookies[private_links.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["max-age"]
    assert token in cookie.value and cookie.value != token  # signed

    visited = []
    for slug in STEP_ORDER:
        page = phone.get(step_url(token, slug))
        assert page.status_code == 200, slug
        assert page["Referrer-Policy"] == "same-origin"
        assert_no_token(page, token, slug)
        saved = post(phone, step_url(token, slug), step_data(slug))
        assert saved.status_code == 302, slug
        assert_no_token(saved, token, f"{slug} saved")
        visited += [step_url(token, slug), saved["Location"]]
    done = phone.get("/intake/my/done/")
    assert done.status_code == 200
    assert_no_token(done, token, "done")
    assert Submission.objects.count() == 1
    # Every address a later page could send as its Referer is one of these.
    assert all(token not in url for url in visited)
    # The first browser's copy of the link still opens it: the token is valid as before.
    assert csrf_client.get(f"/intake/r/{token}/")["Location"] == "/intake/my/done/"


def test_the_copy_box_and_the_email_give_the_whole_link(csrf_client, settings):
    settings.SITE_URL = "https://clinic.example"
    token = start(csrf_client)
    link = f"https://clinic.example/intake/r/{token}/"
    post(csrf_client, step_url(token, "about"), step_data("about"))

    page = csrf_client.get(step_url(token, "care-team"))  # the link shown the first time
    assert f'value="{link}"' in page.content.decode()
    assert f'value="{link}"' in csrf_client.get("/intake/my/saved/").content.decode()
    sent = post(csrf_client, "/intake/my/email-link/")

    assert sent["Location"] == "/intake/my/saved/"
    assert link in mail.outbox[0].body


def test_a_wrong_or_expired_link_gets_the_calm_page_and_no_cookie(client):
    draft, token = Draft.start()
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    for url in (f"/intake/r/{token}/", "/intake/r/not-a-real-link/", f"/intake/r/{token}/saved/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "This link does not open an intake" in response.content.decode()
        assert private_links.COOKIE not in response.cookies
    # A cookie bound before the draft expired opens nothing either.
    private_links.bind(response, token)
    client.cookies[private_links.COOKIE] = response.cookies[private_links.COOKIE].value
    assert client.get("/intake/my/about/").status_code == 404


def test_pages_without_the_link_ask_for_it_and_a_forged_cookie_is_no_key(client):
    _draft, token = Draft.start()

    for cookie in (None, token, "x" * 43):  # none, the bare token, anything unsigned
        if cookie is not None:
            client.cookies[private_links.COOKIE] = cookie
        response = client.get("/intake/my/about/")
        assert response.status_code == 403
        assert "Please open your private link again" in response.content.decode()
        assert 'href="tel:988"' in response.content.decode()


def test_an_address_from_before_the_exchange_still_works_and_keeps_a_posted_form(client):
    token = start(Client())

    moved = client.get(f"/intake/r/{token}/about/")
    assert moved.status_code == 302 and moved["Location"] == "/intake/my/about/"
    # A tab opened before the change posts its page to the old address: the answers arrive.
    fresh = Client()
    posted = fresh.post(f"/intake/r/{token}/about/", step_data("about"), follow=True)
    assert posted.redirect_chain[0] == ("/intake/my/about/", 307)
    assert "about" in Draft.objects.get().completed_steps
    assert fresh.get(f"/intake/r/{token}/no/such/page/")["Location"] == "/intake/my/"


def test_the_appointment_link_is_exchanged_too_and_its_form_checks_csrf(csrf_client):
    token, submission = make_linked_submission()
    Draft.objects.filter(submission=submission).update(submitted_at=timezone.now())

    opened = csrf_client.get(f"/appointments/request/{token}/")
    assert opened["Location"] == "/appointments/my-request/"
    page = csrf_client.get("/appointments/my-request/")
    assert page.status_code == 200
    assert_no_token(page, token, "request form")
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {"mode": "either", "window1_date": day, "window1_part": "any"}
    data["contact_preference"] = "phone"
    assert csrf_client.post("/appointments/my-request/", data).status_code == 403  # no token

    data["csrfmiddlewaretoken"] = csrf_client.cookies["csrftoken"].value
    asked = csrf_client.post("/appointments/my-request/", data)
    assert asked["Location"] == "/appointments/my-request/"
    assert submission.appointment_requests.count() == 1
    status = csrf_client.get("/appointments/my-request/")
    assert_no_token(status, token, "request status")
    assert 'href="/appointments/my-request/cancel/"' in status.content.decode()
    assert Client().get("/appointments/my-request/").status_code == 403


def test_the_status_page_links_to_the_appointment_page_without_the_token(client):
    token, submission = make_linked_submission()
    Draft.objects.filter(submission=submission).update(submitted_at=timezone.now())
    open_link(client, token)

    done = client.get("/intake/my/done/")

    assert 'href="/appointments/my-request/"' in done.content.decode()
    assert_no_token(done, token, "done")


# Absolute links (issue 13) ---------------------------------------------------------------------


def test_in_development_links_name_the_server_the_page_came_from(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    browser = Client(HTTP_HOST="localhost:8123")
    token = start(browser)
    post(browser, step_url(token, "about"), step_data("about"))

    page = browser.get("/intake/my/saved/").content.decode()
    post(browser, "/intake/my/email-link/")

    assert f'value="http://localhost:8123/intake/r/{token}/"' in page
    assert f"http://localhost:8123/intake/r/{token}/" in mail.outbox[0].body
    assert ":8000" not in page and ":8000" not in mail.outbox[0].body


def test_in_production_links_use_site_url_whatever_the_host(settings):
    settings.SITE_URL = "https://intake.clinic.example"
    browser = Client(HTTP_HOST="localhost:8123")
    token = start(browser)

    page = browser.get("/intake/my/saved/").content.decode()

    assert f'value="https://intake.clinic.example/intake/r/{token}/"' in page
    assert "localhost:8123" not in page


def test_work_without_a_request_falls_back_to_site_url(settings):
    settings.DEBUG = True
    settings.SITE_URL = "https://intake.clinic.example"

    assert private_links.absolute(None, "/staff/") == "https://intake.clinic.example/staff/"


# Access logs -----------------------------------------------------------------------------------

TOKEN = "Tk" * 21 + "x"  # 43 characters, as Draft.start() makes them
SEARCH = "/staff/queue/?q=jordan.rivera%40example.org&page=2"


def test_the_development_server_log_redacts_tokens_and_query_strings():
    line = f"GET /intake/r/{TOKEN}/ HTTP/1.1"
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (line, "302", "0"), None
    )
    searched = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, f'"GET {SEARCH} HTTP/1.1" 200 10', (), None
    )

    RedactAccessLog().filter(record)
    RedactAccessLog().filter(searched)

    assert record.getMessage() == '"GET /intake/r/[redacted]/ HTTP/1.1" 302 0'
    assert searched.getMessage() == '"GET /staff/queue/?[redacted] HTTP/1.1" 200 10'


def test_the_settings_send_runserver_lines_through_the_filter(settings):
    handler = settings.LOGGING["loggers"]["django.server"]["handlers"][0]

    assert "redact_access" in settings.LOGGING["handlers"][handler]["filters"]


def test_gunicorn_access_lines_redact_the_query_the_token_the_referer_and_cookies(tmp_path):
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    config.set("access_log_format", '%(r)s %(U)s %(q)s "%(f)s" %({cookie}i)s %(s)s')
    logger = RedactingAccessLogger(config)
    assert gunicorn_conf.logger_class == "clinic.access_log.RedactingAccessLogger"
    assert "%(r)s" in gunicorn_conf.access_log_format and "%(f)s" in gunicorn_conf.access_log_format
    path, query = SEARCH.split("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": SEARCH,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://clinic.example/intake/r/{TOKEN}/?from=review",
    }
    request = SimpleNamespace(headers=[("COOKIE", f"{private_links.COOKIE}={TOKEN}:sig")])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)

    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()

    assert line.strip() == (
        "GET /staff/queue/?[redacted] HTTP/1.1 /staff/queue/ [redacted] "
        '"https://clinic.example/intake/r/[redacted]/?[redacted]" [redacted] 200'
    )
    assert TOKEN not in line and "example.org" not in line
