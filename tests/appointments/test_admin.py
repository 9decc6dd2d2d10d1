"""The Django admin for appointments (administrators), and the permissions each role holds."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from appointments import booking
from appointments.models import Appointment, AppointmentRequest, Notification, Slot
from tests.factories import (
    StaffFactory,
    make_appointment_request,
    make_callback_request,
    make_slot,
)

pytestmark = pytest.mark.django_db

MODELS = ["slot", "appointmentrequest", "appointment", "appointmentevent", "notification"]


@pytest.fixture
def administrator():
    return StaffFactory(
        username="avery", first_name="Avery", last_name="Admin", role="administrator"
    )


@pytest.fixture
def booked(administrator):
    return booking.book(make_appointment_request(), make_slot(), by=administrator)


def changelist(model):
    return reverse(f"admin:appointments_{model}_changelist")


def test_every_model_has_a_working_admin_with_filters(client, administrator, booked):
    make_callback_request()
    client.force_login(administrator)

    for model in MODELS:
        response = client.get(changelist(model))
        assert response.status_code == 200, model
        assert 'id="changelist-filter"' in response.content.decode(), model
    assert client.get(changelist("slot"), {"booked": "yes"}).context["cl"].result_count == 1
    assert client.get(changelist("slot"), {"booked": "no"}).context["cl"].result_count == 0
    filtered = client.get(changelist("appointmentrequest"), {"submission__outcome": "urgent"})
    assert filtered.context["cl"].result_count == 0


def test_requests_are_found_by_reference_or_by_the_encrypted_phone(client, administrator, booked):
    callback = make_callback_request(callback_phone="(910) 555-0199")
    client.force_login(administrator)

    by_phone = client.get(changelist("appointmentrequest"), {"q": "+1 910 555 0199"})
    by_reference = client.get(
        changelist("appointmentrequest"), {"q": booked.request.submission.reference}
    )

    assert [r.pk for r in by_phone.context["cl"].result_list] == [callback.pk]
    assert [r.pk for r in by_reference.context["cl"].result_list] == [booked.request_id]


def test_appointments_are_read_only_but_can_be_marked_through_the_rules(
    client, administrator, booked
):
    client.force_login(administrator)
    page = client.get(reverse("admin:appointments_appointment_change", args=[booked.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    Appointment.objects.filter(pk=booked.pk).update(
        starts_at=booked.starts_at - timedelta(days=10), ends_at=booked.ends_at - timedelta(days=10)
    )

    client.post(
        changelist("appointment"),
        {"action": "mark_attended", "_selected_action": [booked.pk]},
    )

    booked.refresh_from_db()
    assert booked.status == "attended"
    assert booked.events.filter(action="attended", actor=administrator).exists()


def test_the_slot_of_a_booking_cannot_be_moved_in_the_admin(client, administrator, booked):
    client.force_login(administrator)

    page = client.get(reverse("admin:appointments_slot_change", args=[booked.slot_id]))

    assert 'name="starts_at_0"' not in page.content.decode()
    assert 'name="location"' in page.content.decode()


def test_remove_action_keeps_slots_with_history(client, administrator, booked):
    free = make_slot(starts_in=timedelta(days=8))
    client.force_login(administrator)

    client.post(
        changelist("slot"),
        {"action": "remove_free_slots", "_selected_action": [free.pk, booked.slot_id]},
    )

    assert list(Slot.objects.values_list("pk", flat=True)) == [booked.slot_id]


def test_close_action_closes_open_requests_with_history(client, administrator):
    req = make_callback_request()
    client.force_login(administrator)

    client.post(
        changelist("appointmentrequest"),
        {"action": "close_requests", "_selected_action": [req.pk]},
    )

    req.refresh_from_db()
    assert req.status == AppointmentRequest.Status.CLOSED
    assert req.events.filter(action="closed", actor=administrator).exists()


def test_retry_action_sends_waiting_emails(client, administrator, booked, mailoutbox):
    Notification.objects.update(status="failed", next_attempt_at=None)
    client.force_login(administrator)

    client.post(
        changelist("notification"),
        {
            "action": "retry_now",
            "_selected_action": list(Notification.objects.values_list("pk", flat=True)),
        },
    )

    assert Notification.objects.get().status == "sent"
    assert len(mailoutbox) == 1


def test_the_outbox_never_shows_the_address(client, administrator, booked):
    client.force_login(administrator)
    notification = Notification.objects.get()

    page = client.get(reverse("admin:appointments_notification_change", args=[notification.pk]))

    assert "jordan.rivera@example.org" not in page.content.decode()


def test_roles_hold_the_permissions_of_their_work():
    def held(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="appointments")
            .values_list("codename", flat=True)
        )

    coordinator = held("coordinator")
    assert {"add_slot", "change_appointment", "delete_slot", "view_appointmentevent"} <= coordinator
    assert "change_appointmentevent" not in coordinator
    assert held("clinician") == {"view_slot", "view_appointment"}
    assert len(held("administrator")) == 4 * len(MODELS)
