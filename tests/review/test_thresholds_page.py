"""/staff/thresholds/: administrators tune the screening thresholds without a deploy; every
change is a new row with who, when and why."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from screening.engine import DEFAULT_THRESHOLDS
from screening.models import ClinicThresholds, current_thresholds
from tests.factories import make_submission
from tests.review.helpers import csrf_post, signed_in_client, text

URL = reverse("staff:thresholds")


def form_data(note="Medical director: stricter trial count", **changes):
    return {**DEFAULT_THRESHOLDS.to_dict(), **changes, "note": note}


def test_page_shows_every_threshold_with_its_current_value(administrator):
    body = text(signed_in_client(administrator).get(URL))

    for name, value in DEFAULT_THRESHOLDS.to_dict().items():
        assert f'name="{name}" value="{value}"' in body, name
    assert "No changes yet: the reference defaults are in force." in body
    assert "manage.py rescreen" in body


def test_a_change_is_saved_as_a_new_row_and_used_for_new_screenings(administrator):
    client = signed_in_client(administrator, enforce_csrf_checks=True)

    response = csrf_post(client, URL, URL, form_data(min_failed_trials=3))

    assert response.status_code == 302
    row = ClinicThresholds.objects.get()
    assert row.values["min_failed_trials"] == 3
    assert (row.changed_by, row.note) == (administrator, "Medical director: stricter trial count")
    assert current_thresholds().min_failed_trials == 3
    event = AuditEvent.objects.get(action=AuditEvent.Action.THRESHOLDS_CHANGED)
    assert event.detail == {"changes": {"min_failed_trials": [2, 3]}}
    # The example has two failed adequate trials: no longer enough on its own.
    assert make_submission().outcome != "eligible_for_consultation"
    body = text(client.get(response["Location"]))
    assert "keep their result until someone runs “manage.py rescreen”" in body
    assert "Failed adequate antidepressant trials for “treatment resistant”: 3" in body
    assert "<code>min_failed_trials</code>" not in body
    assert "Medical director: stricter trial count" in body


def test_history_shows_each_change_against_the_one_before(administrator):
    client = signed_in_client(administrator)
    client.post(URL, form_data(min_age=21, note="first"))
    client.post(URL, form_data(min_age=25, note="second"))

    body = text(client.get(URL))

    assert ClinicThresholds.objects.count() == 2
    assert "Minimum age: 21 → 25" in body
    assert body.index("“second”") < body.index("“first”")


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("min_age", 5, "Ensure this value is greater than or equal to 18."),
        ("phq9_consult_min", 28, "Ensure this value is less than or equal to 27."),
        ("min_trial_weeks", "six", "Enter a whole number."),
        (
            "bp_elevated_systolic",
            185,
            "Must be below “Severe blood pressure: top number (systolic)”.",
        ),
    ],
)
def test_out_of_range_values_are_explained_next_to_the_field(administrator, field, value, message):
    response = signed_in_client(administrator).post(URL, form_data(**{field: value}))

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert message in body
    assert f'name="{field}" value="{value}"' in body  # what was typed is kept
    assert "Medical director: stricter trial count" in body
    assert not ClinicThresholds.objects.exists()


def test_a_reason_is_required_and_nothing_changed_is_refused(administrator):
    client = signed_in_client(administrator)

    assert "Say why the thresholds change." in text(
        client.post(URL, form_data(note="", min_age=30))
    )
    assert "Nothing changed" in text(client.post(URL, form_data()))
    assert not ClinicThresholds.objects.exists()


def test_the_admin_shows_the_history_but_changes_go_through_this_page(administrator):
    client = signed_in_client(administrator)
    client.post(URL, form_data(min_age=21))
    row = ClinicThresholds.objects.get()

    assert client.get("/admin/screening/clinicthresholds/").status_code == 200
    assert client.get("/admin/screening/clinicthresholds/add/").status_code == 403
    assert client.get(f"/admin/screening/clinicthresholds/{row.pk}/delete/").status_code == 403
    client.post(f"/admin/screening/clinicthresholds/{row.pk}/change/", {"note": "edited"})
    row.refresh_from_db()
    assert row.note == "Medical director: stricter trial count"


def test_the_crisis_range_limits_have_labels_in_words(administrator):
    client = signed_in_client(administrator)
    body = text(client.get(reverse("staff:thresholds")))
    assert "Blood pressure in the crisis range (urgent): top number (systolic)" in body
    assert "Bp crisis" not in body


def test_thresholds_are_cached_and_a_new_row_is_in_force_at_once(django_assert_num_queries, db):
    assert current_thresholds() == DEFAULT_THRESHOLDS
    with django_assert_num_queries(0):
        assert current_thresholds() == DEFAULT_THRESHOLDS
    ClinicThresholds.objects.create(values={"min_age": 21}, note="test")
    assert current_thresholds().min_age == 21
