"""The public pages and the crisis resources that every page carries."""

from html import escape

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from clinic import crisis

PUBLIC_PAGES = ["home", "crisis", "privacy", "intake:start", "appointments:request"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_shows_the_crisis_bar(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="tel:988"' in body
    assert 'href="sms:988"' in body
    assert 'href="/crisis/"' in body
    assert "In crisis or thinking about suicide?" in body


@pytest.mark.django_db
def test_crisis_page_lists_every_resource_with_a_way_to_reach_it(client):
    body = client.get(reverse("crisis")).content.decode()

    for resource in crisis.RESOURCES:
        assert escape(resource.name) in body
        for contact in resource.contacts:
            assert f'href="{escape(contact.href)}"' in body
    for must in ("988", "AYUDA", "838255", "741741", "1-800-662-4357", "TTY", "911"):
        assert must in body
    assert "press 3" not in body.lower()


@pytest.mark.django_db
def test_home_page_explains_treatment_and_leads_to_intake_and_appointments(client):
    body = " ".join(client.get("/").content.decode().split())

    assert "not a cure" in body
    assert "clinician" in body
    assert 'href="/intake/"' in body
    assert 'href="/appointments/request/"' in body


@pytest.mark.django_db
def test_pages_load_nothing_from_another_host(client):
    import re

    for name in PUBLIC_PAGES:
        body = client.get(reverse(name)).content.decode()
        assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', body)
        assert assets, name
        assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets


def test_not_found_page_keeps_crisis_help(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert 'href="tel:988"' in body
    assert "911" in body


@pytest.mark.django_db
def test_csrf_failure_page_is_calm_and_keeps_crisis_help(csrf_client):
    response = csrf_client.post(reverse("home"), {"anything": "x"})

    assert response.status_code == 403
    body = response.content.decode()
    assert 'href="tel:988"' in body
    assert "CSRF" not in body


def test_server_error_page_renders_crisis_help_without_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert 'href="tel:988"' in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_forbidden_page_keeps_crisis_help(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    response = permission_denied(rf.get("/staff/"), PermissionDenied())

    assert response.status_code == 403
    assert 'href="tel:988"' in response.content.decode()


@pytest.mark.django_db
def test_health_check_touches_the_database(client, django_assert_max_num_queries):
    # Each dependency by name: tests/clinic/test_health_and_redis_outage.py.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy():
    response = Client().get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_every_page_declares_an_icon_and_a_description_and_favicon_ico_finds_it(client):
    body = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/clinic/favicon.svg" type="image/svg+xml">' in body
    assert '<meta name="description" content="A confidential intake' in body
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/clinic/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
