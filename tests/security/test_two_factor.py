"""Staff sign-in security: the authenticator-app second step (enrolment and codes), the lockout
after repeated failures (per account and per address), and the audit trail they leave."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditEvent
from tests.factories import StaffFactory
from tests.review.helpers import text
from tests.signin import confirmed_device, current_code, password_only_login

PASSWORD = "correct-horse-battery-staple"
Action = AuditEvent.Action


@pytest.fixture
def casey(roles):
    return StaffFactory(username="casey", role="clinician")


@pytest.fixture
def roles(db):
    from django.contrib.auth.models import Group

    for name in ("clinician", "coordinator", "administrator"):
        Group.objects.get_or_create(name=name)


def sign_in(client, username, password, address="203.0.113.9"):
    client.get("/accounts/login/", REMOTE_ADDR=address)
    token = client.cookies["csrftoken"].value
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        REMOTE_ADDR=address,
    )


def post_code(client, url, code, address="203.0.113.9", next_url="/staff/"):
    token = client.cookies["csrftoken"].value
    return client.post(
        url,
        {"otp_token": code, "next": next_url, "csrfmiddlewaretoken": token},
        REMOTE_ADDR=address,
    )


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


# Enrolment ------------------------------------------------------------------------------


def test_first_sign_in_enrols_an_authenticator_app_end_to_end(csrf_client, casey):
    sign_in(csrf_client, "casey", PASSWORD)

    ask = csrf_client.get("/staff/")
    assert ask["Location"] == "/accounts/two-factor/?next=/staff/"
    to_setup = csrf_client.get(ask["Location"])
    assert to_setup["Location"] == "/accounts/two-factor/setup/?next=/staff/"
    page = csrf_client.get(to_setup["Location"])

    assert page.status_code == 200
    body = text(page)
    assert "<svg" in body and 'class="qr-code"' in body  # drawn in the page, no image request
    assert 'role="img"' in body
    device = TOTPDevice.objects.get(user=casey)
    assert not device.confirmed
    assert body.count("otpauth://") == 0  # the key URL is only inside the QR code's drawing
    shown_key = page.context["secret"].replace(" ", "")
    from base64 import b32decode

    assert b32decode(shown_key + "=" * (-len(shown_key) % 8)) == device.bin_key
    # Reloading keeps the key already scanned.
    csrf_client.get("/accounts/two-factor/setup/?next=/staff/")
    assert TOTPDevice.objects.filter(user=casey).count() == 1

    code = f"{totp(device.bin_key):06d}"
    response = post_code(csrf_client, "/accounts/two-factor/setup/", code)

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert csrf_client.get("/staff/").status_code == 200
    enrolled = AuditEvent.objects.get(action=Action.TWO_FACTOR_ENROLLED)
    assert enrolled.actor == casey
    assert enrolled.ip_address == "203.0.113.9"


def test_a_wrong_enrolment_code_is_refused_clearly_and_confirms_nothing(csrf_client, casey):
    sign_in(csrf_client, "casey", PASSWORD)
    csrf_client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=casey)

    response = post_code(csrf_client, "/accounts/two-factor/setup/", wrong(totp(device.bin_key)))

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "That code did not work" in body
    assert 'aria-invalid="true"' in body
    device.refresh_from_db()
    assert not device.confirmed
    assert csrf_client.get("/staff/").status_code == 302
    failed = AuditEvent.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert failed.actor_label == "casey"


@pytest.mark.parametrize("typed", ["", "12345", "abcdef", "1234567", "１２３４５６", "12 34 5x"])
def test_a_malformed_code_gets_a_message_not_a_check(client, casey, typed):
    device = confirmed_device(casey)
    password_only_login(client, casey)

    response = client.post("/accounts/two-factor/", {"otp_token": typed})

    assert response.status_code == 200
    assert 'role="alert"' in text(response)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # nothing reached the device
    assert client.get("/staff/").status_code == 302


def test_spaces_in_a_code_are_fine(client, casey):
    device = confirmed_device(casey)
    password_only_login(client, casey)
    code = current_code(device)

    response = client.post("/accounts/two-factor/", {"otp_token": f"{code[:3]} {code[3:]}"})

    assert response["Location"] == "/staff/"


def test_an_account_with_an_app_cannot_enrol_another_with_the_password_alone(client, casey):
    confirmed_device(casey)
    password_only_login(client, casey)

    response = client.get("/accounts/two-factor/setup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?")
    assert TOTPDevice.objects.filter(user=casey).count() == 1


def test_a_code_cannot_be_used_twice(client, casey):
    device = confirmed_device(casey)
    code = current_code(device)
    password_only_login(client, casey)
    assert client.post("/accounts/two-factor/", {"otp_token": code})["Location"] == "/staff/"

    again = Client()
    password_only_login(again, casey)
    response = again.post("/accounts/two-factor/", {"otp_token": code})

    assert response.status_code == 200
    assert "That code did not work" in text(response)


def test_the_code_step_follows_next_but_never_to_another_site(client, casey):
    device = confirmed_device(casey)
    password_only_login(client, casey)

    response = client.post(
        "/accounts/two-factor/",
        {"otp_token": current_code(device), "next": "https://evil.example/"},
    )

    assert response["Location"] == "/staff/"


def test_the_code_step_is_for_signed_in_people_only(client, db):
    response = client.get("/accounts/two-factor/")
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/two-factor/setup/", {"otp_token": "123456"})
    assert response["Location"].startswith("/accounts/login/")
    assert not TOTPDevice.objects.exists()


def test_an_administrator_resets_a_colleagues_app_in_the_admin(client, casey, roles):
    admin = StaffFactory(username="avery", role="administrator", password=None)
    device = confirmed_device(casey)
    client.force_login(admin)

    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    assert "qrcode" not in listing.content.decode()  # administrators never see a key
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert device.key not in page.content.decode()
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=casey).exists()
    # Casey's next sign-in enrols a new app.
    fresh = Client()
    password_only_login(fresh, casey)
    assert fresh.get("/accounts/two-factor/")["Location"].startswith("/accounts/two-factor/setup/")


# Lockout ----------------------------------------------------------------------------------


def fail_passwords(username, times, address):
    client = Client()
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


def test_five_wrong_passwords_lock_the_account_from_any_address(casey):
    fail_passwords("casey", 4, "203.0.113.1")
    assert sign_in(Client(), "casey", PASSWORD, "203.0.113.2").status_code == 302  # not yet
    last = fail_passwords("casey", 1, "203.0.113.3")

    assert last.status_code == 429
    # The right password, from a fresh address, is refused while the account is locked.
    response = sign_in(Client(), "casey", PASSWORD, "198.51.100.7")
    assert response.status_code == 429
    body = text(response)
    assert "Sign-in is paused" in body
    assert "30 minutes" in body
    assert 'href="tel:+19105550100"' in body  # whom to call
    assert 'href="tel:988"' in body  # the crisis bar is there too
    assert "casey" not in body  # the page names no account
    assert response["Retry-After"] == "1800"
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_LOCKED, actor_label="casey").exists()
    assert AuditEvent.objects.filter(action=Action.SIGN_IN).count() == 1  # the one before


def test_five_failures_from_one_address_lock_that_address_for_every_account(casey, roles):
    other = StaffFactory(username="dana", role="clinician")
    for username in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        fail_passwords(username, 1, "203.0.113.50")

    response = sign_in(Client(), "dana", PASSWORD, "203.0.113.50")

    assert response.status_code == 429
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=other).count() == 0
    # Another address is unaffected.
    assert sign_in(Client(), "dana", PASSWORD, "203.0.113.51").status_code == 302


def test_wrong_codes_count_toward_the_lockout_and_are_audited(casey):
    device = confirmed_device(casey)
    client = Client()
    assert sign_in(client, "casey", PASSWORD).status_code == 302
    for _ in range(4):
        device.refresh_from_db()
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        response = post_code(client, "/accounts/two-factor/", wrong(current_code(device)))
        assert response.status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = post_code(client, "/accounts/two-factor/", wrong(current_code(device)))

    assert response.status_code == 429
    assert "Sign-in is paused" in text(response)
    assert "_auth_user_id" not in client.session  # the half-open session ends
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_FAILED).count() == 5
    assert "otp_token" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    # And the right password with the right code is refused until the pause ends.
    response = sign_in(Client(), "casey", PASSWORD, "198.51.100.8")
    assert response.status_code == 429


def test_a_device_slows_down_after_a_wrong_code(client, casey):
    device = confirmed_device(casey)
    password_only_login(client, casey)
    client.post("/accounts/two-factor/", {"otp_token": wrong(current_code(device))})

    # Even the right code waits out the device's pause (a second, doubling).
    response = client.post("/accounts/two-factor/", {"otp_token": current_code(device)})

    assert response.status_code == 200
    assert client.get("/staff/").status_code == 302


def test_a_complete_sign_in_clears_earlier_failures(casey):
    from axes.models import AccessAttempt

    fail_passwords("casey", 3, "203.0.113.9")
    device = confirmed_device(casey)
    client = Client()
    sign_in(client, "casey", PASSWORD)
    assert AccessAttempt.objects.filter(username="casey").exists()

    post_code(client, "/accounts/two-factor/", current_code(device))

    assert not AccessAttempt.objects.filter(username="casey").exists()


def test_axes_reset_lifts_a_lockout(casey):
    fail_passwords("casey", 5, "203.0.113.1")
    assert sign_in(Client(), "casey", PASSWORD, "198.51.100.9").status_code == 429

    call_command("axes_reset_username", "casey")

    assert sign_in(Client(), "casey", PASSWORD, "198.51.100.9").status_code == 302


def test_the_lockout_keeps_no_password_or_code(casey):
    from axes.models import AccessAttempt

    fail_passwords("casey", 1, "203.0.113.1")

    stored = AccessAttempt.objects.get(username="casey").post_data
    assert "not-the-password" not in stored
    assert "csrfmiddlewaretoken=****" in stored.replace("*" * 20, "****")


def test_an_overlong_or_odd_username_is_refused_calmly(client, db):
    from axes.models import AccessAttempt

    for typed in ("0" * 300, "a\x00b", "é" * 151):
        response = sign_in(Client(), typed, "whatever", "203.0.113.77")
        assert response.status_code in (200, 429)
    assert all(
        len(name) <= 150 for name in AccessAttempt.objects.values_list("username", flat=True)
    )
    assert AccessAttempt.objects.exists()
