"""Who may open which staff page: every pairing of persona and page, plus the Django admin and
a patient's private link."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.models import AuditEvent
from screening.models import Acknowledgement, Assignment, Decision, Draft
from tests.review.helpers import make_outcome_submission, signed_in_client

PERSONAS = ["anonymous", "outsider", "coordinator", "clinician", "administrator"]

# page name -> personas who may open it (GET). Everyone else: anonymous to sign-in, others 403.
READ_PAGES = {
    "staff:queue": {"coordinator", "clinician", "administrator"},
    "staff:submission": {"coordinator", "clinician", "administrator"},
    # Health information: the clinician role itself (an administrator without it: 403).
    "staff:print": {"clinician"},
    "staff:thresholds": {"administrator"},
    "staff:audit": {"administrator"},
}
# POST actions: only clinicians act on a submission; administrators need the role too.
ACTIONS = {
    "staff:assign": ({"assign_to_me": "1"}, Assignment),
    "staff:acknowledge": ({"ack-action": "called", "ack-note": ""}, Acknowledgement),
    "staff:decide": (
        {"decision-kind": "invite", "decision-note": "Fits.", "decision-seen_decision": "0"},
        Decision,
    ),
}
ACTORS = {"clinician"}


@pytest.fixture
def personas(outsider, coordinator, clinician, administrator):
    return {
        "anonymous": None,
        "outsider": outsider,
        "coordinator": coordinator,
        "clinician": clinician,
        "administrator": administrator,
    }


@pytest.fixture
def urgent(db):
    return make_outcome_submission("urgent")


def url_for(name, submission):
    if name in {"staff:queue", "staff:thresholds", "staff:audit"}:
        return reverse(name)
    return reverse(name, args=[submission.reference])


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(READ_PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_opens_only_the_pages_of_their_role(personas, urgent, page, persona):
    url = url_for(page, urgent)
    response = signed_in_client(personas[persona]).get(url)

    if persona in READ_PAGES[page]:
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        assert "no-store" in response["Cache-Control"]
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_clinicians_act_on_a_submission(personas, urgent, action, persona):
    data, model = ACTIONS[action]
    url = url_for(action, urgent)
    response = signed_in_client(personas[persona]).post(url, data)

    if persona in ACTORS:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:submission", args=[urgent.reference]))
        assert model.objects.filter(submission=urgent).count() == 1
    else:
        assert response.status_code == 302 if persona == "anonymous" else 403
        assert not model.objects.filter(submission=urgent).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staff:queue", "staff:submission", "staff:print"])
def test_a_patients_private_link_never_opens_a_staff_page(client, urgent, name):
    draft, token = Draft.start()
    url = url_for(name, urgent)
    # However a token is offered (query string, cookie, form field), staff pages ignore it.
    client.cookies["token"] = token
    for response in (
        client.get(url, {"token": token}),
        client.get(f"{url}?t={token}"),
        client.post(url, {"token": token}),
    ):
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_SUBMISSION).exists()


@pytest.mark.django_db
def test_a_patient_who_just_used_their_resume_link_is_not_staff(client, urgent):
    """Whatever the intake keeps in the browser, only an authenticated staff account counts."""
    draft, token = Draft.start()
    assert client.get(reverse("intake:resume", args=[token])).status_code in (200, 302)
    session = client.session
    session["draft_id"] = draft.pk
    session["intake_token"] = token
    session.save()

    response = client.get(reverse("staff:submission", args=[urgent.reference]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona,status", [("coordinator", 302), ("clinician", 302), ("outsider", 302)]
)
def test_only_administrators_reach_the_django_admin(personas, persona, status):
    response = signed_in_client(personas[persona]).get("/admin/")

    assert response.status_code == status
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_administrator_reaches_the_django_admin_and_staff_accounts(administrator):
    client = signed_in_client(administrator)

    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/auth/user/")
    assert page.status_code == 200
    assert "Roles" in page.content.decode()


@pytest.mark.django_db
def test_roles_carry_their_model_permissions():
    perms = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=["clinician", "coordinator", "administrator"])
    }

    assert {"view_submission", "add_decision", "add_acknowledgement", "add_assignment"} <= perms[
        "clinician"
    ]
    assert {"view_submission", "view_decision"} <= perms["coordinator"]
    assert not {"add_decision", "add_acknowledgement", "add_assignment"} & perms["coordinator"]
    assert {"add_user", "change_user", "view_auditevent", "add_clinicthresholds"} <= perms[
        "administrator"
    ]
    # Nobody can be given the power to edit the audit trail: the permission does not exist.
    assert not any(p in perms["administrator"] for p in ("change_auditevent", "delete_auditevent"))


@pytest.mark.django_db
def test_staff_navigation_follows_the_role(coordinator, clinician, administrator):
    def nav(user):
        return signed_in_client(user).get(reverse("staff:queue")).content.decode()

    assert 'href="/staff/appointments/"' in nav(coordinator)
    assert 'href="/staff/thresholds/"' not in nav(coordinator)
    assert 'href="/staff/appointments/"' not in nav(clinician)
    admin_nav = nav(administrator)
    for link in ("/staff/thresholds/", "/staff/audit/", "/admin/", "/staff/appointments/"):
        assert f'href="{link}"' in admin_nav


@pytest.mark.django_db
def test_administrator_manages_staff_accounts_with_roles(administrator, coordinator):
    client = signed_in_client(administrator)
    clinician_group = Group.objects.get(name="clinician")

    assert client.get("/admin/auth/user/add/").status_code == 200
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newdoc",
            "first_name": "New",
            "last_name": "Doctor",
            "email": "newdoc@clinic.example",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-2026",
            "password2": "a-long-enough-passphrase-2026",
            "groups": [clinician_group.pk],
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(username="newdoc")
    assert list(user.groups.values_list("name", flat=True)) == ["clinician"]
    assert user.is_staff  # staff status follows the role
    page = client.get(f"/admin/auth/user/{coordinator.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="is_staff"' not in body
    assert "Deactivate an account instead of deleting it" in body


# --- Minimum necessary: an administrator without the clinician role (issue 15) ------------------


@pytest.fixture
def clinical_administrator(roles):
    """An administrator who is also a clinician: reads everything, as a clinician does."""
    from tests.factories import StaffFactory

    user = StaffFactory(username="morgan", first_name="Morgan", role="administrator", password=None)
    user.groups.add(Group.objects.get(name="clinician"))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_an_administrator_without_the_clinician_role_sees_what_a_coordinator_sees(
    administrator, clinician, urgent, persona
):
    if persona == "superuser":
        administrator.groups.clear()
        administrator.is_superuser = True
        administrator.save()
    Decision.record(
        urgent,
        kind="not_now",
        note="Private clinical reasoning.",
        referral_note="To Dr. Lee.",
        by=clinician,
        seen_decision_id=0,
    )
    client = signed_in_client(administrator)

    page = client.get(url_for("staff:submission", urgent))
    body = page.content.decode()
    for shown in ("jordan.rivera@example.org", "+1 910 555 0142", "Not a candidate now"):
        assert shown in body, shown
    for hidden in (
        "PHQ-9",
        "RISK_PHQ9_ITEM9",
        "Private clinical reasoning",
        "To Dr. Lee",
        "Record a decision",
        "Printable page",
        "Download for the EHR",
        "Crisis-call script",
    ):
        assert hidden not in body, hidden
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_SUBMISSION)
    assert event.detail == {"view": "contact"}

    queue = client.get(reverse("staff:queue")).content.decode()
    assert urgent.reference in queue
    assert "PHQ-9 item 9" not in queue and "C-SSRS risk" not in queue

    # The exports of the health information: refused, nothing exported or audited as one.
    for url in (
        url_for("staff:print", urgent),
        reverse("fhir_staff:download", args=[urgent.reference]),
    ):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_SUBMISSION).exists()


@pytest.mark.django_db
def test_an_administrator_who_is_also_a_clinician_reads_everything(clinical_administrator, urgent):
    client = signed_in_client(clinical_administrator)

    body = client.get(url_for("staff:submission", urgent)).content.decode()

    assert "RISK_PHQ9_ITEM9" in body and "Record a decision" in body
    assert client.get(url_for("staff:print", urgent)).status_code == 200
    assert client.get(reverse("fhir_staff:download", args=[urgent.reference])).status_code == 200


@pytest.mark.django_db
def test_the_admin_site_has_no_page_of_answers_flags_or_notes(administrator):
    from django.contrib import admin

    from screening import models as screening_models

    clinical = {
        screening_models.Draft,
        screening_models.Submission,
        screening_models.ScreeningResult,
        screening_models.Decision,
        screening_models.Acknowledgement,
        screening_models.Assignment,
        screening_models.OutreachAttempt,
        screening_models.UrgentEpisodeClosure,
        screening_models.CallMeRequest,
    }
    assert not clinical & set(admin.site._registry)
    client = signed_in_client(administrator)
    index = client.get("/admin/").content.decode()
    for path in ("/admin/screening/submission/", "/admin/screening/decision/"):
        assert path not in index
        assert client.get(path).status_code == 404
