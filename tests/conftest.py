"""Shared fixtures: personas and the browser set-up (Debian's Chromium, no downloads)."""

import os
import shutil

import pytest

from tests.factories import StaffFactory

# The live server runs in a thread while Playwright's sync API holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion: Bootstrap then has no transitions, so an audit never measures a button
    # half-way into its hover colours (the pointer rests where the last click was).
    return {
        **browser_context_args,
        "locale": "en-US",
        "timezone_id": "America/New_York",
        "reduced_motion": "reduce",
    }


@pytest.fixture
def phone_page(page):
    """A page at the width of a small phone."""
    page.set_viewport_size({"width": 360, "height": 740})
    return page


@pytest.fixture
def csrf_client():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache, which outlives a test: every test starts with
    none (one client address, 127.0.0.1, posts for the whole suite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def force_login_is_a_complete_sign_in(monkeypatch):
    """`client.force_login(user)` stands for a complete staff sign-in, password and code
    (see tests/signin.py)."""
    from django.test import Client

    from tests import signin

    monkeypatch.setattr(Client, "force_login", signin.force_login)


# Personas: a clinician and a colleague, a coordinator, an administrator and an outsider
# (signed in, no role) who must be refused. Used by the staff workspace tests and the
# wrong-person tests of every URL (tests/security/test_url_access.py).

# Personas sign in with force_login; hashing a real password costs a second per account.
NO_PASSWORD = {"password": None}


@pytest.fixture
def roles(db):
    """The role groups. Migrations create them, but a transactional test empties every table
    when it ends, so the next transactional test may find them gone."""
    from django.contrib.auth.models import Group

    from clinic.roles import ROLES

    for name in ROLES:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def clinician(roles):
    return StaffFactory(
        username="casey", first_name="Casey", last_name="Clinician", role="clinician", **NO_PASSWORD
    )


@pytest.fixture
def colleague(roles):
    return StaffFactory(
        username="dana", first_name="Dana", last_name="Doctor", role="clinician", **NO_PASSWORD
    )


@pytest.fixture
def coordinator(roles):
    return StaffFactory(
        username="corey",
        first_name="Corey",
        last_name="Coordinator",
        role="coordinator",
        **NO_PASSWORD,
    )


@pytest.fixture
def administrator(roles):
    return StaffFactory(
        username="avery", first_name="Avery", last_name="Admin", role="administrator", **NO_PASSWORD
    )


@pytest.fixture
def outsider(db):
    """Signed in and marked as staff, but holding no role: must be refused everywhere."""
    return StaffFactory(
        username="oliver", first_name="Oliver", last_name="Outsider", role=None, **NO_PASSWORD
    )
