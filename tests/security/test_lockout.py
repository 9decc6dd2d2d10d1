"""The sign-in lockout under attack (issue 15): guessing from elsewhere cannot lock the owner
out, a lock ends at a fixed time whatever is tried during it, the account across addresses is
slowed down (with a cap) rather than locked, and its holder is told by e-mail once."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from clinic.audit import UNKNOWN_USERNAME
from clinic.models import AuditEvent
from tests.factories import StaffFactory
from tests.review.helpers import text
from tests.signin import confirmed_device, current_code

PASSWORD = "correct-horse-battery-staple"
OWNER_ADDRESS = "198.51.100.20"
ATTACKER = "203.0.113.66"
Action = AuditEvent.Action


@pytest.fixture
def casey(roles):
    """A clinician with an authenticator app who usually signs in from OWNER_ADDRESS."""
    user = StaffFactory(username="casey", role="clinician")
    confirmed_device(user)
    return user


def sign_in(client, username, password, address):
    client.get("/accounts/login/", REMOTE_ADDR=address)
    token = client.cookies["csrftoken"].value
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        REMOTE_ADDR=address,
    )


def second_step(client, user, address):
    token = client.cookies["csrftoken"].value
    device = confirmed_device(user)
    return client.post(
        "/accounts/two-factor/",
        {"otp_token": current_code(device), "next": "/staff/", "csrfmiddlewaretoken": token},
        REMOTE_ADDR=address,
    )


def signed_in_yesterday(user, address):
    """A complete sign-in (password and code) a day ago: `address` is one the owner uses."""
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        client = Client(enforce_csrf_checks=True)
        assert sign_in(client, user.username, PASSWORD, address).status_code == 302
        assert second_step(client, user, address)["Location"] == "/staff/"


def guess(username, times, address):
    client = Client()
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


def counted_failures(username):
    total = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


def test_twenty_wrong_passwords_elsewhere_do_not_keep_the_owner_out(casey):
    signed_in_yesterday(casey, OWNER_ADDRESS)
    assert guess("casey", 20, ATTACKER).status_code == 429  # the attacker's address is locked

    owner = Client(enforce_csrf_checks=True)
    response = sign_in(owner, "casey", PASSWORD, OWNER_ADDRESS)

    assert response.status_code == 302
    # The second factor is still asked for, then the queue opens.
    assert owner.get("/staff/", REMOTE_ADDR=OWNER_ADDRESS)["Location"].startswith(
        "/accounts/two-factor/"
    )
    assert second_step(owner, casey, OWNER_ADDRESS)["Location"] == "/staff/"
    assert owner.get("/staff/", REMOTE_ADDR=OWNER_ADDRESS).status_code == 200
    # Only the five before the lock were counted; the fifteen during it were refused unchecked.
    assert counted_failures("casey") == 5


def test_guessing_from_many_addresses_slows_the_account_down_with_a_cap(casey):
    signed_in_yesterday(casey, OWNER_ADDRESS)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess("casey", 4, "203.0.113.1")  # under that address's own limit
        guess("casey", 1, "203.0.113.2")
        # From now on each further attempt on the account waits 1, 2, 4... seconds after the
        # last failure, from any address but the owner's usual ones.
        assert sign_in(Client(), "casey", PASSWORD, "192.0.2.30")["Retry-After"] == "1"
        # A guess during the wait is not even checked, so it is not counted.
        assert guess("casey", 1, "203.0.113.3").status_code == 429
        assert counted_failures("casey") == 5
    later = start
    for n in range(15):  # one guess a minute, each from a fresh address
        later += timedelta(seconds=61)
        with time_machine.travel(later, tick=False):
            assert guess("casey", 1, f"203.0.113.{10 + n}").status_code == 200
    assert counted_failures("casey") == 20

    with time_machine.travel(later, tick=False):
        # The wait grows with the failures, but never beyond a minute ...
        newcomer = sign_in(Client(), "casey", PASSWORD, "192.0.2.30")
        assert newcomer.status_code == 429
        assert newcomer["Retry-After"] == str(settings.SIGN_IN_ACCOUNT_DELAY_MAX_SECONDS) == "60"
        body = text(newcomer)
        assert "signing in is slowed down" in body
        assert "Wait 60 seconds" in body
        assert 'value="casey"' in body
        # ... and the owner's usual address is not slowed at all.
        assert sign_in(Client(), "casey", PASSWORD, OWNER_ADDRESS).status_code == 302
    # When the wait is over the password is checked again, from anywhere.
    with time_machine.travel(later + timedelta(seconds=61), tick=False):
        assert sign_in(Client(), "casey", PASSWORD, "192.0.2.30").status_code == 302


def test_a_lock_ends_at_a_fixed_time_whatever_is_tried_during_it(casey):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert guess("casey", 5, ATTACKER).status_code == 429
    for minutes in (10, 20, 29):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert guess("casey", 3, ATTACKER).status_code == 429
            refused = sign_in(Client(), "casey", PASSWORD, ATTACKER)  # the owner there, too
            assert refused.status_code == 429
            # The page tells the wait that is left, not a fresh thirty minutes.
            left = 30 - minutes
            wording = f"paused for {left} minute{'s' if left > 1 else ''}."
            assert wording in " ".join(text(refused).split())
            assert refused["Retry-After"] == str((30 - minutes) * 60)

    with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
        assert sign_in(Client(), "casey", PASSWORD, ATTACKER).status_code == 302


def test_the_account_holder_is_emailed_once_per_lock_window(casey, mailoutbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess("casey", 4, ATTACKER)
        assert mailoutbox == []  # below the limit: nothing yet
        guess("casey", 16, ATTACKER)
        guess("casey", 4, "203.0.113.67")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["casey@clinic.example"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "casey" in message.body and "not-the-password" not in message.body
    assert "5 times in the last 30 minutes" in message.body
    notice = AuditEvent.objects.get(action=Action.SIGN_IN_GUESSING_NOTICE)
    assert notice.target_id == str(casey.pk)
    assert notice.ip_address == ATTACKER

    # A new window, new guessing: a new e-mail.
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        guess("casey", 5, "203.0.113.68")
    assert len(mailoutbox) == 2


def test_unknown_usernames_are_never_stored_slowed_or_emailed(casey, mailoutbox):
    for typed in ("correct-horse-battery-stapl", "nobody"):
        guess(typed, 3, ATTACKER)

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {UNKNOWN_USERNAME}
    assert mailoutbox == []
    # They count against the address only: it is locked, for every name.
    assert sign_in(Client(), "casey", PASSWORD, ATTACKER).status_code == 429
    assert sign_in(Client(), "casey", PASSWORD, "203.0.113.99").status_code == 302


def test_the_sign_in_form_still_needs_its_csrf_token(casey, csrf_client):
    csrf_client.get("/accounts/login/", REMOTE_ADDR=OWNER_ADDRESS)

    response = csrf_client.post(
        "/accounts/login/", {"username": "casey", "password": PASSWORD}, REMOTE_ADDR=OWNER_ADDRESS
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session
    assert not AccessAttempt.objects.exists()
