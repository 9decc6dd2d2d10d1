"""Personas of the staff review workspace tests: a clinician and a colleague, a coordinator,
an administrator and an outsider (signed in, no role) who must be refused."""

import pytest

from tests.factories import StaffFactory

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
