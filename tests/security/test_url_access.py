"""The wrong person at every URL.

Every URL pattern the resolver knows is classified below; a pattern that is not (a new page
without a decision about who may open it) fails `test_every_url_is_classified`. Then, for each
class: anonymous visitors of staff pages go to sign-in, a session without the second-factor code
goes to that step, staff of the wrong role get 403 (and POSTs change nothing), private-link pages
answer a wrong, expired or reference-only link with the same kind 404 page, and one patient's
link never opens or changes another patient's intake, submission or request.
"""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, AppointmentRequest, Notification, Slot
from clinic.models import AuditEvent
from screening.models import (
    Acknowledgement,
    Assignment,
    CallMeRequest,
    ClinicThresholds,
    Decision,
    Draft,
    OutreachAttempt,
    UrgentEpisodeClosure,
)
from tests.factories import intake_document, make_linked_submission, make_slot
from tests.signin import confirmed_device, password_only_login

# Who may open what -------------------------------------------------------------------------

PUBLIC = {
    "": "GET",
    "crisis/": "GET",
    "privacy/": "GET",
    "healthz": "GET",
    "robots.txt": "GET",
    "favicon.ico": "GET",
    "intake/": "GET",
    "appointments/request/": "GET",
    "appointments/request/thanks/": "GET",
    "accounts/login/": "GET",
    "accounts/logout/": "POST",
}
# Signed in with a password (any account): the second step itself.
# (Recovery codes: listed here for the password; their page also needs the second step,
# tests/security/test_two_factor.py.)
SECOND_STEP = {
    "accounts/two-factor/": "GET",
    "accounts/two-factor/setup/": "GET",
    "accounts/two-factor/invitation/<str:token>/": "GET",
    "accounts/two-factor/recovery-codes/": "GET",
}
# The private links themselves: opening one binds it to the browser (clinic.private_links).
PATIENT_TOKEN = {
    "intake/r/<str:token>/": "GET",
    "intake/r/<str:token>/<path:rest>": "POST",
    "appointments/request/<str:token>/": "GET",
    "appointments/request/<str:token>/cancel/": "POST",
}
# The pages a private link opens, without the token: only with the browser's bound link.
PATIENT_BOUND = {
    "intake/my/": "GET",
    "intake/my/support/": "GET",
    "intake/my/support/stop/": "POST",
    "intake/my/support/call-me/": "GET",
    "intake/my/medical-notice/": "GET",
    "intake/my/for-adults/": "GET",
    "intake/my/saved/": "GET",
    "intake/my/email-link/": "POST",
    "intake/my/done/": "GET",
    "intake/my/<slug:slug>/": "POST",
    "appointments/my-request/": "POST",
    "appointments/my-request/cancel/": "POST",
}
# The FHIR API: integration tokens only, never a session (tests/fhir/test_api_access.py).
FHIR_TOKEN = {
    "fhir/R4/metadata": "GET",
    "fhir/R4/Questionnaire": "GET",
    "fhir/R4/Questionnaire/<str:resource_id>": "GET",
    "fhir/R4/Patient": "GET",
    "fhir/R4/Patient/<str:resource_id>": "GET",
    "fhir/R4/QuestionnaireResponse": "GET",
    "fhir/R4/QuestionnaireResponse/<str:resource_id>": "GET",
    "fhir/R4/Observation": "GET",
    "fhir/R4/Observation/<str:resource_id>": "GET",
}
CLIN, COORD = "clinician", "coordinator"
# route: (method, roles allowed besides administrators; CLINICAL_ONLY below: not administrators)
STAFF = {
    "staff/": ("GET", {CLIN, COORD}),
    "staff/submissions/<str:reference>/": ("GET", {CLIN, COORD}),
    "staff/submissions/<str:reference>/assign/": ("POST", {CLIN}),
    "staff/submissions/<str:reference>/acknowledge/": ("POST", {CLIN}),
    "staff/submissions/<str:reference>/decide/": ("POST", {CLIN}),
    "staff/submissions/<str:reference>/outreach/": ("POST", {CLIN}),
    "staff/submissions/<str:reference>/close-urgent/": ("POST", {CLIN}),
    "staff/submissions/<str:reference>/print/": ("GET", {CLIN}),
    "staff/submissions/<str:reference>/fhir/": ("GET", {CLIN}),
    "staff/call-me/<str:reference>/": ("GET", {CLIN}),
    "staff/thresholds/": ("GET", set()),
    "staff/audit/": ("GET", set()),
    "staff/appointments/": ("GET", {CLIN, COORD}),
    "staff/appointments/schedule/": ("GET", {CLIN, COORD}),
    "staff/appointments/requests/": ("GET", {COORD}),
    # Clinicians open a request to book it, before review with an override's reason.
    "staff/appointments/requests/<int:pk>/": ("GET", {CLIN, COORD}),
    "staff/appointments/requests/<int:pk>/book/": ("POST", {CLIN, COORD}),
    "staff/appointments/requests/<int:pk>/close/": ("POST", {COORD}),
    "staff/appointments/appointment/<int:pk>/reschedule/": ("POST", {CLIN, COORD}),
    "staff/appointments/appointment/<int:pk>/cancel/": ("POST", {COORD}),
    "staff/appointments/appointment/<int:pk>/outcome/": ("POST", {COORD}),
    "staff/appointments/availability/": ("GET", {COORD}),
    "staff/appointments/availability/slot/": ("POST", {COORD}),
    "staff/appointments/availability/pattern/": ("POST", {COORD}),
    "staff/appointments/slots/<int:pk>/remove/": ("POST", {COORD}),
    "staff/appointments/emails/<int:pk>/retry/": ("POST", {COORD}),
}
# A person's health information and the actions on it: the clinician role itself, which an
# administrator does not stand in for (clinic.roles, administrators_pass=False).
CLINICAL_ONLY = {
    route
    for route in STAFF
    if route.startswith("staff/submissions/<str:reference>/") and STAFF[route][1] == {CLIN}
} | {"staff/call-me/<str:reference>/"}
ADMIN_PREFIX = "admin/"
PERSONAS = ["clinician", "coordinator", "outsider"]


def routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_url_is_classified():
    known = (
        PUBLIC.keys()
        | SECOND_STEP.keys()
        | PATIENT_TOKEN.keys()
        | PATIENT_BOUND.keys()
        | STAFF.keys()
        | FHIR_TOKEN.keys()
    )
    found = set()
    unclassified = []
    for route in routes():
        if route.startswith(("^" + ADMIN_PREFIX, ADMIN_PREFIX)):
            continue
        found.add(route)
        if route not in known:
            unclassified.append(route)
    assert not unclassified, f"Add these URLs to tests/security/test_url_access.py: {unclassified}"
    assert not known - found, f"Classified but gone: {sorted(known - found)}"


# The world the wrong people try ------------------------------------------------------------


@pytest.fixture
def world(db, clinician, coordinator, administrator, outsider):
    """A patient with a submitted intake, a request booked into a slot (with its email), and a
    second patient with their own request."""
    token, submission = make_linked_submission(
        intake_document(about={"legal_name": "Alex Owner", "email": "alex@example.org"})
    )
    other_token, other = make_linked_submission(
        intake_document(about={"legal_name": "Blair Other", "email": "blair@example.org"})
    )
    # Sent, as the intake's own submit marks them.
    Draft.objects.filter(submission__in=[submission, other]).update(submitted_at=timezone.now())
    slot = make_slot(clinician, starts_in=timedelta(days=3))
    request = booking.request_consultation(
        submission, mode="either", contact_preference="email", windows=()
    )
    booking.book(request, slot, by=coordinator)
    other_request = booking.request_consultation(
        other, mode="either", contact_preference="phone", windows=()
    )
    appointment = Appointment.objects.get()
    spare = make_slot(clinician, starts_in=timedelta(days=4))
    # A "please call me" from the support page, under the same short reference for the URLs.
    CallMeRequest.objects.create(
        reference=submission.reference, name="Alex", phone="910 555 0142", best_time="morning"
    )
    return {
        "token": token,
        "submission": submission,
        "other_token": other_token,
        "other": other,
        "request": request,
        "other_request": other_request,
        "appointment": appointment,
        "slot": spare,
        "notification": Notification.objects.first(),
        "people": {
            "clinician": clinician,
            "coordinator": coordinator,
            "administrator": administrator,
            "outsider": outsider,
        },
    }


def concrete(route, world):
    pk = {
        "requests/<int:pk>": world["request"].pk,
        "appointment/<int:pk>": world["appointment"].pk,
        "slots/<int:pk>": world["slot"].pk,
        "emails/<int:pk>": world["notification"].pk if world["notification"] else 1,
    }
    url = "/" + route.replace("<str:reference>", world["submission"].reference)
    for key, value in pk.items():
        url = url.replace(key, key.replace("<int:pk>", str(value)))
    return url


def snapshot():
    """Rows a refused request must not have written."""
    return tuple(
        model.objects.count()
        for model in (
            Decision,
            Assignment,
            Acknowledgement,
            OutreachAttempt,
            UrgentEpisodeClosure,
            ClinicThresholds,
            Slot,
            Appointment,
            AppointmentRequest,
            Notification,
        )
    ) + (
        tuple(Appointment.objects.values_list("status", "slot_id")),
        tuple(AppointmentRequest.objects.values_list("status", flat=True)),
    )


def call(client, method, url):
    return client.post(url) if method == "POST" else client.get(url)


# Staff pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", sorted(STAFF))
def test_anonymous_visitors_of_staff_pages_go_to_sign_in(world, route):
    method, _roles = STAFF[route]
    url = concrete(route, world)
    before = snapshot()

    response = call(Client(), method, url)

    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


@pytest.mark.parametrize("route", sorted(STAFF))
def test_a_session_without_the_code_is_sent_to_the_second_step(world, route):
    method, roles = STAFF[route]
    url = concrete(route, world)
    persona = sorted(roles)[0] if roles else "administrator"
    client = Client()
    password_only_login(client, world["people"][persona])
    before = snapshot()

    response = call(client, method, url)

    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert snapshot() == before


WRONG_ROLE = [
    (route, persona)
    for route, (_method, roles) in sorted(STAFF.items())
    for persona in PERSONAS + (["administrator"] if route in CLINICAL_ONLY else [])
    if persona not in roles
]


@pytest.mark.parametrize("route,persona", WRONG_ROLE)
def test_staff_of_the_wrong_role_are_refused_and_change_nothing(world, route, persona):
    method, _roles = STAFF[route]
    client = Client()
    client.force_login(world["people"][persona])
    before = snapshot()

    response = call(client, method, concrete(route, world))

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("route", sorted(r for r, (m, _) in STAFF.items() if m == "GET"))
def test_the_right_people_open_every_staff_page(world, route):
    _method, roles = STAFF[route]
    for persona in sorted(roles if route in CLINICAL_ONLY else roles | {"administrator"}):
        client = Client()
        client.force_login(world["people"][persona])
        response = client.get(concrete(route, world), follow=True)
        assert response.status_code == 200, (route, persona)


# The admin ----------------------------------------------------------------------------------


def admin_urls():
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/")
    return urls


def test_the_admin_sends_anonymous_visitors_to_the_staff_sign_in(db):
    for url in admin_urls():
        response = Client().get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/?next="), url


def test_the_admin_asks_an_administrator_for_the_code_first(world):
    client = Client()
    confirmed_device(world["people"]["administrator"])
    password_only_login(client, world["people"]["administrator"])
    for url in admin_urls():
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/two-factor/?next=" + quote(url), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_refuses_every_other_role(world, persona):
    client = Client()
    client.force_login(world["people"][persona])
    for url in admin_urls():
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
    response = client.post("/admin/auth/user/add/", {"username": "intruder"}, follow=True)
    assert response.status_code == 403
    assert not type(world["people"]["outsider"]).objects.filter(username="intruder").exists()


def test_an_administrator_opens_every_admin_list(world):
    client = Client()
    client.force_login(world["people"]["administrator"])
    for url in admin_urls():
        assert client.get(url).status_code == 200, url


# The second step ----------------------------------------------------------------------------


@pytest.mark.parametrize("route", sorted(SECOND_STEP))
def test_the_second_step_needs_a_password_first(db, route):
    response = Client().get("/" + route)

    assert response["Location"].startswith("/accounts/login/?next=")


# Private links ------------------------------------------------------------------------------

KIND_404 = {
    "intake/": "This link does not open an intake",
    "appointments/": "This link is not valid or has expired",
}


def token_url(route, token):
    route = route.replace("<path:rest>", "support/stop/")
    return "/" + route.replace("<str:token>", token).replace("<slug:slug>", "about")


def expired_token():
    draft, token = Draft.start()
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return token


def text_without_csrf(response):
    return re.sub(r'value="[^"]{20,}"', "", response.content.decode())


@pytest.mark.parametrize("route", sorted(PATIENT_TOKEN))
def test_a_wrong_expired_or_reference_only_link_gets_the_same_kind_page(world, route):
    method = PATIENT_TOKEN[route]
    heading = KIND_404[route.split("/")[0] + "/"]
    wrong = "x" * 43
    before = snapshot()

    answers = {
        name: call(Client(), method, token_url(route, token))
        for name, token in {
            "wrong": wrong,
            "expired": expired_token(),
            "reference": world["submission"].reference,
            "reference, no dash": world["submission"].reference.replace("-", ""),
        }.items()
    }

    for name, response in answers.items():
        assert response.status_code == 404, (name, route)
        body = response.content.decode()
        assert heading in body, name
        assert 'href="tel:988"' in body
        # No hint of whose link it was or that it ever existed.
        for secret in ("Alex", "alex@example.org", world["submission"].reference, "expired on"):
            assert secret not in body, (name, secret)
    bodies = {text_without_csrf(response) for response in answers.values()}
    assert len(bodies) == 1, "expired and never-valid links must look alike"
    assert snapshot() == before


@pytest.mark.parametrize("route", sorted(PATIENT_BOUND))
def test_a_private_page_without_its_link_asks_for_the_link_and_changes_nothing(world, route):
    before = snapshot()

    response = call(Client(), PATIENT_BOUND[route], token_url(route, ""))

    assert response.status_code == 403
    body = response.content.decode()
    assert "Please open your private link again" in body
    assert 'href="tel:988"' in body
    for secret in ("Alex", "alex@example.org", world["submission"].reference):
        assert secret not in body
    assert snapshot() == before


def test_one_patients_link_shows_only_their_own_submission(world):
    client = Client()

    client.get(f"/intake/r/{world['token']}/")
    mine = client.get("/intake/my/done/").content.decode()
    client.get(f"/intake/r/{world['other_token']}/")
    theirs = client.get("/intake/my/done/").content.decode()

    assert world["submission"].reference in mine and world["other"].reference not in mine
    assert world["other"].reference in theirs and world["submission"].reference not in theirs
    client.get(f"/appointments/request/{world['other_token']}/")
    status = client.get("/appointments/my-request/").content.decode()
    assert world["appointment"].slot.label not in status  # only the first patient is booked


def test_one_patients_link_never_cancels_another_patients_request(world):
    client = Client()

    client.get(f"/appointments/request/{world['other_token']}/cancel/")
    client.post("/appointments/my-request/cancel/")

    world["request"].refresh_from_db()
    world["other_request"].refresh_from_db()
    assert world["request"].status == "booked"
    assert world["other_request"].status == "cancelled_by_patient"
    assert Appointment.objects.get().status == "booked"


def test_one_patients_link_never_changes_another_patients_draft(db):
    from tests.intake.helpers import draft_at, step_data, step_url

    client = Client()
    first, first_token = draft_at("medical", client)
    second, second_token = draft_at("medical", client)
    before = Draft.objects.get(pk=first.pk).answers

    client.post(step_url(second_token, "about"), step_data("about", legal_name="Someone Else"))

    assert Draft.objects.get(pk=first.pk).answers == before
    assert Draft.objects.get(pk=second.pk).answers["about"]["legal_name"] == "Someone Else"


def test_staff_sessions_do_not_open_private_links_or_references(world):
    """A signed-in clinician is no key to a patient's private pages either."""
    client = Client()
    client.force_login(world["people"]["clinician"])

    for path in ("/intake/my/done/", "/appointments/my-request/"):
        assert client.get(path).status_code == 403
    response = client.get(f"/intake/r/{world['submission'].reference}/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view_submission").exists()
