"""Personas of the staff review workspace tests: a clinician and a colleague, a coordinator,
an administrator and an outsider (signed in, no role) who must be refused."""

import pytest

from tests.factories import StaffFactory

# Personas sign in with force_login; hashing a real password costs a second per account.
NO_PASSWORD = {"password": None}


@pytest.fixture
def clinician(db):
    return StaffFactory(
        username="casey", first_name="Casey", last_name="Clinician", role="clinician", **NO_PASSWORD
    )


@pytest.fixture
def colleague(db):
    return StaffFactory(
        username="dana", first_name="Dana", last_name="Doctor", role="clinician", **NO_PASSWORD
    )


@pytest.fixture
def coordinator(db):
    return StaffFactory(
        username="corey",
        first_name="Corey",
        last_name="Coordinator",
        role="coordinator",
        **NO_PASSWORD,
    )


@pytest.fixture
def administrator(db):
    return StaffFactory(
        username="avery", first_name="Avery", last_name="Admin", role="administrator", **NO_PASSWORD
    )


@pytest.fixture
def outsider(db):
    """Signed in and marked as staff, but holding no role: must be refused everywhere."""
    return StaffFactory(
        username="oliver", first_name="Oliver", last_name="Outsider", role=None, **NO_PASSWORD
    )
