"""The audit trail is tamper-evident: each event's hash covers its content and the event before
it, PostgreSQL itself refuses UPDATE and DELETE on the table, and `manage.py verify_audit`
names the first broken link."""

import threading
from io import StringIO

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from clinic import audit
from clinic.models import AuditEvent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the trigger and concurrent writers (set DATABASE_URL)",
)
# Fixed text, not input: the statements name the audit table directly.
CHANGE_ONE = "UPDATE clinic_auditevent SET actor_label = %s WHERE id = %s"
REMOVE_ONE = "DELETE FROM clinic_auditevent WHERE id = %s"


def verify():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip()


def tamper(sql, params):
    """What someone with direct database access might do; on PostgreSQL they would first have
    to switch the trigger off, as a superuser could."""
    with pgtrigger.ignore("clinic.AuditEvent:audit_append_only"), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def trail(clinician, coordinator):
    return [
        audit.record(None, audit.Action.SIGN_IN, actor=clinician),
        audit.record(None, audit.Action.VIEW_SUBMISSION, actor=clinician,
                     target={"type": "screening.submission", "id": 7, "reference": "AB12-CD34"}),
        audit.record(None, audit.Action.DECIDE, actor=coordinator, detail={"decision_id": 3}),
        audit.record(None, audit.Action.SIGN_OUT, actor=coordinator),
    ]  # fmt: skip


def test_each_event_links_to_the_one_before(trail):
    stored = list(AuditEvent.objects.order_by("id"))

    assert stored[0].previous_hash == ""
    assert [e.previous_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert all(len(e.hash) == 64 and e.hash == e.content_hash() for e in stored)
    assert verify() == "4 events, chain intact."


def test_a_changed_event_is_named(trail):
    tamper(CHANGE_ONE, ["someone", trail[1].pk])

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"broken at event id {trail[1].pk}" in str(refused.value)
    assert "its content was changed after it was written" in str(refused.value)


def test_a_removed_event_breaks_the_link_after_it(trail):
    tamper(REMOVE_ONE, [trail[2].pk])

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"broken at event id {trail[3].pk}" in str(refused.value)
    assert "does not follow the event before it" in str(refused.value)
    assert str(refused.value).startswith("3 events;")


def test_bulk_appends_are_chained_too(trail, clinician):
    AuditEvent.objects.bulk_create(
        [AuditEvent(action=audit.Action.SIGN_IN, actor=clinician, actor_label="c") for _ in "ab"]
    )

    assert verify() == "6 events, chain intact."


@on_postgresql
@pytest.mark.parametrize(
    ("sql", "params"), [(CHANGE_ONE, ["someone", 1]), (REMOVE_ONE, [1])], ids=["update", "delete"]
)
def test_postgresql_refuses_changes_to_the_table(trail, sql, params):
    params = [*params[:-1], trail[1].pk]
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)

    assert AuditEvent.objects.count() == 4
    assert verify() == "4 events, chain intact."


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_fork_the_chain(django_user_model):
    def write(index):
        try:
            for n in range(10):
                audit.record(None, audit.Action.SIGN_IN_FAILED, actor_label=f"w{index}-{n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert verify() == "60 events, chain intact."
    assert AuditEvent.objects.values("previous_hash").distinct().count() == 60
