"""No page a patient sees says "excluded", "rejected" or "ineligible" (the clinical reference):
not in any patient-facing template, and not in the pages of a whole intake as it renders them,
with the support page, "Stop for now", the medical notice and the page for younger people on
the way. Staff pages may say "Likely excluded"; they are left out here."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.intake.helpers import STEP_ORDER, post, start, step_data, step_url

pytestmark = pytest.mark.django_db

BANNED = re.compile(r"exclud|reject|ineligib", re.IGNORECASE)

ROOTS = (Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "screening/templates")
# Staff-only folders: the workspace, appointments' staff side and the staff sign-in.
STAFF = ("staff", "appointments_staff", "registration")


def patient_templates():
    for root in ROOTS:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.relative_to(root).parts[0] not in STAFF:
                yield path


def test_there_are_patient_templates_to_scan():
    names = {path.name for path in patient_templates()}
    assert {"medical_notice.html", "for_adults.html", "support.html", "step.html"} <= names
    assert "queue.html" not in names


@pytest.mark.parametrize(
    "path", list(patient_templates()), ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_no_patient_template_uses_the_words(path):
    found = BANNED.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path}: {found}"


def assert_kind(response, where):
    assert response.status_code == 200, where
    found = BANNED.findall(response.content.decode())
    assert not found, f"{where}: {found}"


def test_no_page_of_a_whole_intake_uses_the_words(client):
    assert_kind(client.get("/intake/"), "welcome")
    token = start(client)
    base = "/intake/my"
    changes = {
        "questionnaires": {"phq9_9": "2"},
        "medical": {"bp_systolic": "250", "bp_diastolic": "150"},
    }
    for slug in STEP_ORDER:
        assert_kind(client.get(step_url(token, slug)), slug)
        # A try with a problem, to see the error messages too.
        if slug != "review":
            assert_kind(client.post(step_url(token, slug), {}), f"{slug} with errors")
        response = post(client, step_url(token, slug), step_data(slug, **changes.get(slug, {})))
        assert response.status_code == 302, slug
        target = response["Location"]
        if target.endswith("/support/"):
            assert_kind(client.get(target), "support")
            assert_kind(client.get(f"{base}/support/stop/"), "stop for now")
            assert_kind(client.post(f"{base}/support/stop/", {"name": ""}), "stop, errors")
            client.post(target)
        elif target.endswith("/medical-notice/"):
            assert_kind(client.get(target), "medical notice")
    assert_kind(client.get(f"{base}/done/"), "done")
    assert_kind(client.get("/appointments/my-request/"), "appointment request")


def test_the_page_for_younger_people_and_the_call_me_pages_do_not_use_them(client):
    token = start(client)
    base = "/intake/my"
    today = timezone.localdate()
    born = date(today.year - 15, today.month, min(today.day, 28))
    dob = {"date_of_birth_day": str(born.day), "date_of_birth_month": str(born.month),
           "date_of_birth_year": str(born.year)}  # fmt: skip
    response = post(client, step_url(token, "about"), step_data("about", **dob))

    assert response["Location"] == f"{base}/for-adults/"
    assert_kind(client.get(f"{base}/for-adults/"), "for adults")
    assert_kind(client.get(f"{base}/saved/"), "saved")
    call_me = {"name": "Sam", "phone": "910 555 0142", "best_time": "morning", "consent": "on"}
    client.post(f"{base}/support/stop/", call_me)
    assert_kind(client.get(f"{base}/support/call-me/"), "call me sent")
