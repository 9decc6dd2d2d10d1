"""Public forms against bots and floods: the honeypot stores nothing and gives nothing away,
and every intake step's save is rate-limited per address."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_ratelimit.core import get_usage

from appointments.models import AppointmentRequest
from screening.intake.views import STEP_POSTS_PER_HOUR
from screening.models import Draft
from tests.factories import make_linked_submission
from tests.intake.helpers import draft_at, step_data, step_url

pytestmark = pytest.mark.django_db

CALLBACK = {"name": "Robin Park", "phone": "(910) 555-0123", "best_time": "afternoon"}


def csrf_post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.mark.parametrize("url", ["/intake/", "/appointments/request/"])
def test_the_honeypot_is_out_of_sight_keyboard_and_screen_readers(client, url):
    body = client.get(url).content.decode()

    start = body.index('<div class="clinic-hp" aria-hidden="true">')
    block = body[start : body.index("</div>", start)]
    assert 'name="website"' in block
    assert 'tabindex="-1"' in block
    assert 'autocomplete="off"' in block
    assert '<label for="id_website">' in block


def test_a_filled_honeypot_starts_no_intake_and_looks_like_nothing_happened(csrf_client):
    response = csrf_post(csrf_client, "/intake/", {"website": "http://spam.example"})

    assert response.status_code == 200
    assert "Start my intake" in response.content.decode()
    assert "website" not in response.content.decode().split("clinic-hp")[0]
    assert Draft.objects.count() == 0
    # A person (empty honeypot) starts one.
    assert csrf_post(csrf_client, "/intake/", {"website": ""}).status_code == 302
    assert Draft.objects.count() == 1


def test_a_filled_honeypot_stores_no_call_back_and_thanks_like_for_a_person(csrf_client):
    response = csrf_post(csrf_client, "/appointments/request/", {**CALLBACK, "website": "buy now"})

    assert response.status_code == 302
    assert response["Location"] == "/appointments/request/thanks/"
    assert AppointmentRequest.objects.count() == 0
    person = csrf_post(csrf_client, "/appointments/request/", CALLBACK)
    assert person["Location"] == "/appointments/request/thanks/"
    assert AppointmentRequest.objects.count() == 1


def test_a_filled_honeypot_stores_no_consultation_request(client):
    token, _submission = make_linked_submission()
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {
        "mode": "either",
        "window1_date": day,
        "window1_part": "any",
        "contact_preference": "phone",
    }

    client.get(f"/appointments/request/{token}/")  # the private link, bound to this browser
    response = client.post("/appointments/my-request/", {**data, "website": "x"})

    assert response.status_code == 302
    assert AppointmentRequest.objects.count() == 0
    client.post("/appointments/my-request/", data)
    assert AppointmentRequest.objects.count() == 1


def _use_up(group, rate, address="127.0.0.1"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    allowed = int(rate.split("/")[0])
    for _ in range(allowed):
        get_usage(request, group=group, key="ip", rate=rate, method="POST", increment=True)


@pytest.mark.parametrize("slug", ["about", "medical"])
def test_step_saves_from_one_address_are_rate_limited_and_store_nothing(client, slug):
    draft, token = draft_at(slug, client)
    before = Draft.objects.get(pk=draft.pk).answers

    _use_up("intake-steps", STEP_POSTS_PER_HOUR)
    response = client.post(step_url(token, slug), step_data(slug))

    assert response.status_code == 429
    assert response["Retry-After"]
    assert Draft.objects.get(pk=draft.pk).answers == before
    # Another address is not held up.
    other = client.post(step_url(token, slug), step_data(slug), REMOTE_ADDR="198.51.100.20")
    assert other.status_code == 302


def test_the_support_page_shares_the_step_limit(client):
    draft, token = draft_at("about", client)
    _use_up("intake-steps", STEP_POSTS_PER_HOUR)

    response = client.post("/intake/my/support/")

    assert response.status_code == 429
    # Reading is never limited.
    assert client.get(step_url(token, "about")).status_code == 200
