"""Hostile input at every public form: never a server error, and a request the form turns down
stores nothing (row counts, and the draft's answers, are unchanged).

tests/intake/test_fuzz.py throws odd answers at each intake step for server errors; this module
adds the other public forms (start, support, review and submit, e-mail link, consultation
request, call-back, cancel, staff sign-in, sign-in code) and, for the steps, that a refused save
changes nothing. Examples per form: FUZZ_EXAMPLES (default 15) keeps the suite fast.
"""

import os

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.models import Appointment, AppointmentEvent, AppointmentRequest
from screening.models import Draft, ScreeningResult, Submission
from tests.factories import make_linked_submission
from tests.intake.helpers import STEP_ORDER, draft_at, step_data, step_url
from tests.signin import confirmed_device, password_only_login

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PAYLOADS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c\x1b[31m",
    "\u202e\u200b\ufeff",
    "Ω≈ç√∫˜µ≤≥÷ 🤯 𝕏 ﷽",
    "ｆｕｌｌｗｉｄｔｈ ２０",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "'; DROP TABLE screening_submission; --",
    "{{ 7*7 }}{% debug %}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 400,
    "True",
    "[]",
    "{}",
    "null",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
LONG = st.builds(lambda piece, times: piece * times, TEXT.filter(bool), st.integers(100, 2000))
VALUE = st.one_of(st.sampled_from(PAYLOADS), TEXT, LONG)
# A list where the form expects one value: the same field sent several times.
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=4))
ODD_KEYS = ["", "__proto__", "csrfmiddlewaretoken", "website", "next", "action", "x" * 300]


def hostile(keys):
    """Form data built from the form's own field names and some it never asked for; any of
    them may be missing, repeated, huge or nonsense."""
    return st.dictionaries(st.sampled_from(sorted(keys) + ODD_KEYS), VALUES, max_size=8)


def rows():
    return (
        Draft.objects.count(),
        Submission.objects.count(),
        ScreeningResult.objects.count(),
        AppointmentRequest.objects.count(),
        AppointmentEvent.objects.count(),
        Appointment.objects.count(),
        TOTPDevice.objects.filter(confirmed=True).count(),
    )


# Every status a public form may answer with; a 500 is raised by the test client itself.
# 307: a form posted to a private link from before the exchange goes on, body and all.
CALM = {200, 302, 307, 400, 403, 404, 413, 429}


def fresh_limits():
    # Each example is a new visitor as far as rate limits and the lockout go.
    cache.clear()
    AccessAttempt.objects.all().delete()


def test_start(client):
    @FUZZ
    @given(data=hostile({"website"}))
    def attempt(data):
        fresh_limits()
        before = rows()
        response = client.post("/intake/", data)
        assert response.status_code in CALM
        seen = data.get("website")
        seen = seen[-1] if isinstance(seen, list) else seen  # Django reads the last value
        if str(seen or "").strip():
            # A filled honeypot: the welcome page again, and nothing stored.
            assert response.status_code != 302
            assert rows() == before
        elif response.status_code != 302:
            assert rows() == before

    attempt()


@pytest.mark.parametrize("slug", STEP_ORDER)
def test_a_refused_step_save_changes_nothing(client, slug):
    draft, token = draft_at(slug, client)
    keys = set(step_data(slug))

    @FUZZ
    @given(changes=hostile(keys))
    def attempt(changes):
        fresh_limits()
        before = (rows(), Draft.objects.get(pk=draft.pk).answers)
        response = client.post(step_url(token, slug), {**step_data(slug), **changes})
        assert response.status_code in CALM, repr(changes)[:300]
        if response.status_code != 302:
            assert (rows(), Draft.objects.get(pk=draft.pk).answers) == before

    attempt()


def test_support_page(client):
    from tests.intake.helpers import fill, start

    token = start(client)
    fill(client, token, until="questionnaires")

    @FUZZ
    @given(data=hostile({"action"}))
    def attempt(data):
        fresh_limits()
        before = rows()
        response = client.post("/intake/my/support/", data)
        assert response.status_code in CALM
        assert rows() == before  # acknowledging the page writes no new row

    attempt()


def test_review_and_submit(client):
    draft, token = draft_at("review", client)
    keys = set(step_data("review"))

    @FUZZ
    @given(data=hostile(keys))
    def attempt(data):
        fresh_limits()
        if Draft.objects.get(pk=draft.pk).submitted_at is not None:
            return  # a valid example already sent it; the rest only hit the status page
        before = rows()
        response = client.post(step_url(token, "review"), data)
        assert response.status_code in CALM
        if Submission.objects.count() == before[1]:
            assert rows() == before
        else:
            assert response["Location"].endswith("/done/")

    attempt()


def test_email_link(client, mailoutbox):
    draft, token = draft_at("care-team", client)

    @FUZZ
    @given(data=hostile({"email"}))
    def attempt(data):
        fresh_limits()
        before = rows()
        response = client.post("/intake/my/email-link/", data)
        assert response.status_code in CALM
        assert rows() == before
        # The link only ever goes to the address in the intake, whatever is posted.
        for message in mailoutbox:
            assert message.to == [draft.answers["about"]["email"]]

    attempt()


@pytest.fixture
def sent_intake():
    token, submission = make_linked_submission()
    Draft.objects.filter(submission=submission).update(submitted_at=timezone.now())
    return token, submission


def test_consultation_request(client, sent_intake):
    token, submission = sent_intake
    client.get(f"/appointments/request/{token}/")  # the private link, bound to this browser
    keys = {
        "mode",
        "slot",
        "contact_preference",
        *(f"window{n}_{part}" for n in (1, 2, 3) for part in ("date", "part")),
    }

    @FUZZ
    @given(data=hostile(keys))
    def attempt(data):
        fresh_limits()
        AppointmentRequest.objects.filter(submission=submission).update(
            status=AppointmentRequest.Status.CANCELLED_BY_PATIENT
        )
        before = rows()
        response = client.post("/appointments/my-request/", data)
        assert response.status_code in CALM
        if response.status_code != 302:
            assert rows() == before

    attempt()


def test_call_back_request(client):
    @FUZZ
    @given(data=hostile({"name", "phone", "best_time", "notes", "website"}))
    def attempt(data):
        fresh_limits()
        before = rows()
        response = client.post("/appointments/request/", data)
        assert response.status_code in CALM
        if response.status_code != 302:
            assert rows() == before

    attempt()


def test_cancel_request(client, sent_intake):
    token, submission = sent_intake
    other_token, other = make_linked_submission()
    AppointmentRequest.objects.create(submission=other, mode="either")
    client.get(f"/appointments/request/{token}/")

    @FUZZ
    @given(data=hostile({"confirm", "token", "request", "pk"}))
    def attempt(data):
        fresh_limits()
        response = client.post("/appointments/my-request/cancel/", data)
        assert response.status_code in CALM
        # Whatever is posted, another person's request is never touched.
        assert AppointmentRequest.objects.get(submission=other).status == "open"

    attempt()


def test_staff_sign_in(client, clinician):
    @FUZZ
    @given(data=hostile({"username", "password", "next"}))
    def attempt(data):
        fresh_limits()
        before = rows()
        response = client.post("/accounts/login/", data)
        assert response.status_code in CALM
        assert "_auth_user_id" not in client.session
        assert rows() == before

    attempt()


def test_sign_in_code(clinician):
    device = confirmed_device(clinician)

    @FUZZ
    @given(data=hostile({"otp_token", "next"}))
    def attempt(data):
        fresh_limits()
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client = Client()
        password_only_login(client, clinician)
        before = rows()
        response = client.post("/accounts/two-factor/", data)
        assert response.status_code in CALM
        assert client.get("/staff/").status_code == 302  # never signed in by a guess
        assert rows() == before

    attempt()


MULTIPART = b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\r\n'


def test_raw_bodies_that_are_not_forms_are_refused_calmly(client, sent_intake):
    token, _submission = sent_intake
    bodies = [
        (b"\xff\xfe\x00=\xc3\x28&name=\xed\xa0\x80", "application/x-www-form-urlencoded"),
        (b'{"name": ["a"], "phone": {"$gt": ""}}', "application/json"),
        (MULTIPART, "multipart/form-data; boundary=x"),
        (b"name=" + b"A" * 300_000, "application/x-www-form-urlencoded"),
        (b"&".join(b"f%d=1" % i for i in range(1000)), "application/x-www-form-urlencoded"),
    ]  # fmt: skip
    for url in (
        "/intake/",
        "/appointments/request/",
        f"/appointments/request/{token}/",
        "/appointments/my-request/",
        "/accounts/login/",
    ):
        for body, content_type in bodies:
            fresh_limits()
            before = rows()
            response = client.post(url, data=body, content_type=content_type)
            assert response.status_code in CALM, (url, content_type, response.status_code)
            if response.status_code != 302:
                assert rows() == before
