"""The blood-pressure crisis limits (RISK_BP_CRISIS) are thresholds like the others: on the
thresholds page with their defaults, changed there, and read from rows saved before they
existed."""

import pytest
from django.urls import reverse

from screening.engine import DEFAULT_THRESHOLDS
from screening.models import ClinicThresholds, current_thresholds
from tests.factories import intake_document, make_submission
from tests.review.helpers import csrf_post, signed_in_client, text

pytestmark = pytest.mark.django_db

URL = reverse("staff:thresholds")


def test_the_page_lists_the_crisis_limits_with_the_reference_defaults(administrator):
    body = text(signed_in_client(administrator).get(URL))

    assert 'name="bp_crisis_systolic" value="180"' in body
    assert 'name="bp_crisis_diastolic" value="120"' in body
    assert "reference default 180" in body
    assert "reference default 120" in body


def test_an_administrator_changes_a_crisis_limit(administrator):
    client = signed_in_client(administrator, enforce_csrf_checks=True)
    data = {**DEFAULT_THRESHOLDS.to_dict(), "bp_crisis_diastolic": 115, "note": "New BP policy"}

    response = csrf_post(client, URL, URL, data)

    assert response.status_code == 302
    assert current_thresholds().bp_crisis_diastolic == 115
    reading = intake_document(medical={"bp_systolic": 160, "bp_diastolic": 116})
    assert make_submission(reading).outcome == "urgent"


def test_a_row_saved_before_the_crisis_limits_existed_gets_their_defaults():
    older = {k: v for k, v in DEFAULT_THRESHOLDS.to_dict().items() if "crisis" not in k}
    ClinicThresholds.objects.create(values={**older, "min_age": 21})

    thresholds = current_thresholds()

    assert (thresholds.min_age, thresholds.bp_crisis_systolic) == (21, 180)
    assert thresholds.bp_crisis_diastolic == 120
