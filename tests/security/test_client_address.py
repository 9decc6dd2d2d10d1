"""One function decides a client's address (clinic.client), behind TRUSTED_PROXY_COUNT reverse
proxies: rate limits, the sign-in lockout and the audit trail all count the same address, and
an X-Forwarded-For the client typed itself is never believed."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from clinic.client import client_ip, client_ip_for_rate_limits, client_ip_or_unknown
from clinic.models import AuditEvent
from screening.models import Draft

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


def start(client, forwarded, proxy=PROXY):
    return client.post(
        "/intake/", {"website": ""}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_patients_behind_one_trusted_proxy_each_have_their_own_budget():
    # 35 people in a waiting room behind the clinic's proxy, each on their own phone network:
    # before, all of them shared the proxy's address and the 31st was refused.
    client = Client()
    answers = [start(client, f"203.0.113.{n}").status_code for n in range(1, 36)]

    assert answers == [302] * 35
    assert Draft.objects.count() == 35


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_a_typed_header_does_not_buy_a_new_budget():
    # The proxy appends the address it saw; whatever the client put before it is ignored.
    client = Client()
    answers = [start(client, f"198.51.100.{n}, 203.0.113.9").status_code for n in range(1, 32)]

    assert answers[:30] == [302] * 30
    assert answers[30] == 429


def test_without_a_trusted_proxy_the_header_is_ignored():
    assert settings.TRUSTED_PROXY_COUNT == 0
    client = Client()
    answers = [
        start(client, f"203.0.113.{n}", proxy="192.0.2.10").status_code for n in range(1, 32)
    ]

    assert answers[:30] == [302] * 30
    assert answers[30] == 429


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_the_client_is_second_from_the_right():
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9"
    )

    assert client_ip(request) == "203.0.113.7"
    assert client_ip_or_unknown(request) == client_ip_for_rate_limits(request) == "203.0.113.7"


def test_no_usable_address():
    request = RequestFactory().get("/", REMOTE_ADDR="")

    assert client_ip(request) is None
    assert client_ip_or_unknown(request) == "unknown"
    assert client_ip_for_rate_limits(request) == "0.0.0.0"  # noqa: S104 (one shared bucket)
    assert client_ip(None) is None


def test_the_lockout_and_rate_limits_use_the_one_function():
    assert settings.AXES_CLIENT_IP_CALLABLE == "clinic.client.client_ip_or_unknown"
    assert settings.RATELIMIT_IP_META_KEY == "clinic.client.client_ip_for_rate_limits"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_failed_sign_in_behind_the_proxy_is_counted_and_audited_for_the_client(roles):
    from tests.factories import StaffFactory

    StaffFactory(username="casey", role="clinician", password=None)
    client = Client()
    client.post(
        "/accounts/login/",
        {"username": "casey", "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.44",
    )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.44"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.ip_address == "203.0.113.44"
