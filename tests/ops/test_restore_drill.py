"""Nothing lost when a disk dies: `manage.py drill_restore` dumps the database, restores it into a
fresh one, reads the newest submission back with the keys and drops the drill database; the
dump holds tokens, never a patient's name, e-mail or phone, and never a key.

PostgreSQL only (pg_dump and pg_restore; the data must be committed for them to see it).
"""

import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from appointments import booking
from tests.factories import (
    StaffFactory,
    intake_document,
    make_appointment_request,
    make_slot,
    make_submission,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: pg_dump and pg_restore"
)

QUINN = {
    "legal_name": "Quinn Okafor-Lindqvist",
    "email": "quinn.okafor@example.net",
    "phone": "+1 910 555 0187",
}


@pytest.fixture
def clinic_data(clinician):
    make_submission()
    booked = make_appointment_request()
    booking.book(booked, make_slot(clinician), by=None)
    return make_submission(intake_document(about=QUINN))


def drill(**options):
    out = StringIO()
    call_command("drill_restore", stdout=out, **options)
    return out.getvalue()


def databases():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_and_reads_the_newest_submission_back(clinic_data, tmp_path):
    before = databases()
    dump = tmp_path / "clinic.dump"

    summary = drill(dump=str(dump))

    assert "restored 3 submission(s), 1 appointment(s), every one of" in summary
    assert f"newest submission {clinic_data.reference} read back with the keys, the same" in summary
    assert "no clear contact detail or key in the dump" in summary
    assert "drill database dropped" in summary
    assert databases() == before

    # The kept dump, read on its own: the submission is there, its contact details only as
    # tokens, and none of the keys that open them.
    sql = subprocess.run(  # noqa: S603 (our own dump file)
        ["pg_restore", "--file", "-", str(dump)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert clinic_data.reference in sql
    for value in QUINN.values():
        assert value not in sql
    for key in (*settings.FIELD_ENCRYPTION_KEYS, settings.SEARCH_INDEX_KEY, settings.SECRET_KEY):
        assert key not in sql


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_name_left_in_clear_text_fails_the_drill(clinic_data):
    # As if a column had been added without encryption: the patient's name in a staff field.
    StaffFactory(username="copied", first_name=QUINN["legal_name"])
    before = databases()

    with pytest.raises(
        CommandError, match="holds in clear text: the newest submission's legal_name"
    ):
        drill()

    assert databases() == before


@pytest.mark.django_db
def test_the_drill_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("on SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        drill()
