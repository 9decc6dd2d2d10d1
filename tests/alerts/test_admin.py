"""Administrators keep the rota, the escalation contacts and the alert settings in the admin
(an administrator by role, not a superuser), and read the urgent alerts there."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from screening.alerts import raise_urgent_alert
from screening.models import AlertSettings, EscalationContact, OnCallShift, UrgentAlert
from tests.factories import URGENT_CHANGES, intake_document, make_submission

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def test_an_administrator_adds_a_weekly_shift_for_a_clinician(admin_client, clinician, coordinator):
    page = admin_client.get("/admin/screening/oncallshift/add/").content.decode()
    assert f'<option value="{clinician.pk}">casey</option>' in page
    assert ">corey</option>" not in page  # only clinicians go on call

    response = admin_client.post(
        "/admin/screening/oncallshift/add/",
        {"weekday": "0", "starts": "08:00", "ends": "20:00", "clinician": clinician.pk},
    )

    assert response.status_code == 302
    assert OnCallShift.objects.get().clinician == clinician


def test_the_rota_pages_say_who_is_on_call_now(administrator, weekday_rota):
    def page(url, moment):
        with time_machine.travel(moment, tick=False):
            client = Client()
            client.force_login(administrator)
            return client.get(url).content.decode()

    assert "On call now: Casey Clinician." in page("/admin/screening/oncallshift/", MONDAY_MORNING)
    saturday = datetime(2026, 3, 7, 15, tzinfo=UTC)
    assert "Nobody is on call now; next from Monday, March 9, 2026, 8:00 AM (EDT)." in page(
        "/admin/screening/oncallchange/", saturday
    )


def test_a_one_off_change_needs_a_clinician_unless_it_is_nobody(admin_client, clinician):
    url = "/admin/screening/oncallchange/add/"
    base = {
        "starts_at_0": "2026-03-09",
        "starts_at_1": "00:00",
        "ends_at_0": "2026-03-10",
        "ends_at_1": "00:00",
        "note": "Holiday",
    }

    assert b"Say which clinician" in admin_client.post(url, {**base, "kind": "remove"}).content
    backwards = {**base, "ends_at_0": "2026-03-08", "kind": "nobody"}
    assert b"The end must be after the start" in admin_client.post(url, backwards).content
    assert admin_client.post(url, {**base, "kind": "nobody"}).status_code == 302


def test_contacts_and_the_one_row_of_settings(admin_client):
    admin_client.post(
        "/admin/screening/escalationcontact/add/",
        {"name": "Director", "email": "director@clinic.example", "phone": "", "active": "on"},
    )
    assert EscalationContact.objects.get().email == "director@clinic.example"

    response = admin_client.post(
        "/admin/screening/alertsettings/add/",
        {"escalation_delay_minutes": "20", "repeat_interval_minutes": "15"},
    )
    assert response.status_code == 302
    assert AlertSettings.current().escalation_delay_minutes == 20
    # One row: no second one, and it cannot be deleted.
    assert admin_client.get("/admin/screening/alertsettings/add/").status_code == 403
    assert admin_client.get("/admin/screening/alertsettings/1/delete/").status_code == 403


def test_urgent_alerts_are_read_only(admin_client):
    alert = raise_urgent_alert(make_submission(intake_document(**URGENT_CHANGES)))

    assert alert.reference in admin_client.get("/admin/screening/urgentalert/").content.decode()
    assert admin_client.get("/admin/screening/urgentalert/add/").status_code == 403
    change = admin_client.post(f"/admin/screening/urgentalert/{alert.pk}/change/", {})
    assert change.status_code in (200, 403)
    assert UrgentAlert.objects.get().acknowledged_at is None
