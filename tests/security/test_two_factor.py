"""Staff sign-in security: the authenticator-app second step (enrolment and codes), the lockout
after repeated failures (per account and per address), and the audit trail they leave."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditEvent
from tests.factories import StaffFactory
from tests.review.helpers import text
from tests.signin import accept_invitation, confirmed_device, current_code, password_only_login

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
    # Without an administrator's invitation the password alone enrols nothing.
    refused = csrf_client.get(to_setup["Location"])
    assert refused.status_code == 403
    assert "Ask an administrator to invite you" in text(refused)
    assert not TOTPDevice.objects.filter(user=casey).exists()
    assert accept_invitation(csrf_client, casey)["Location"] == "/accounts/two-factor/setup/"
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

    # Enrolled and signed in: the recovery codes are shown this once, then on to the queue.
    assert response.status_code == 200
    assert "Your recovery codes" in text(response)
    assert len(response.context["codes"]) == 10
    assert 'href="/staff/"' in text(response)
    device.refresh_from_db()
    assert device.confirmed
    assert csrf_client.get("/staff/").status_code == 200
    enrolled = AuditEvent.objects.get(action=Action.TWO_FACTOR_ENROLLED)
    assert enrolled.actor == casey
    assert enrolled.ip_address == "203.0.113.9"


def test_a_wrong_enrolment_code_is_refused_clearly_and_confirms_nothing(csrf_client, casey):
    sign_in(csrf_client, "casey", PASSWORD)
    accept_invitation(csrf_client, casey)
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


def test_five_wrong_passwords_lock_the_account_from_that_address(casey):
    fail_passwords("casey", 4, "203.0.113.1")
    assert sign_in(Client(), "casey", PASSWORD, "203.0.113.1").status_code == 302  # not yet
    last = fail_passwords("casey", 1, "203.0.113.1")

    assert last.status_code == 429
    # The right password, from that address, is refused while the lock lasts.
    response = sign_in(Client(), "casey", PASSWORD, "203.0.113.1")
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
    # Another address is not locked, only slowed down for a moment (tests/security/
    # test_lockout.py: the owner elsewhere).
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert sign_in(Client(), "casey", PASSWORD, "198.51.100.7").status_code == 302


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
    # And the right password is refused from that address until the pause ends.
    response = sign_in(Client(), "casey", PASSWORD)
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
    assert sign_in(Client(), "casey", PASSWORD, "203.0.113.1").status_code == 429

    call_command("axes_reset_ip", "203.0.113.1")

    assert sign_in(Client(), "casey", PASSWORD, "203.0.113.1").status_code == 302


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


# Invitations (issue 15: a password alone must not enrol an app) ---------------------------


def invite_through_the_admin(administrator, *users):
    admin_client = Client(enforce_csrf_checks=True)
    admin_client.force_login(administrator)
    admin_client.get("/admin/auth/user/")
    return admin_client.post(
        "/admin/auth/user/",
        {
            "action": "send_authenticator_invitation",
            "_selected_action": [u.pk for u in users],
            "csrfmiddlewaretoken": admin_client.cookies["csrftoken"].value,
        },
        follow=True,
    )


def invitation_link(message):
    line = next(
        row for row in message.body.splitlines() if "/accounts/two-factor/invitation/" in row
    )
    return line.strip().removeprefix(settings.SITE_URL)


def test_an_administrator_invites_and_the_colleague_enrols_with_the_link(
    csrf_client, casey, administrator, mailoutbox
):
    page = invite_through_the_admin(administrator, casey)

    assert "Invitation sent to casey at casey@clinic.example" in text(page)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["casey@clinic.example"]
    assert "72 hours" in message.body
    invited = AuditEvent.objects.get(action=Action.TWO_FACTOR_INVITED)
    assert invited.actor == administrator
    assert invited.target_id == str(casey.pk)
    link = invitation_link(message)

    # Opened before signing in: the password first, then back to the link.
    to_login = csrf_client.get(link)
    assert to_login["Location"].startswith("/accounts/login/?next=/accounts/two-factor/invitation/")
    sign_in(csrf_client, "casey", PASSWORD)
    assert csrf_client.get(link)["Location"] == "/accounts/two-factor/setup/"
    page = csrf_client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=casey)
    response = post_code(csrf_client, "/accounts/two-factor/setup/", f"{totp(device.bin_key):06d}")
    assert "Your recovery codes" in text(response)

    # Used once: after an administrator resets the app, the same link enrols nothing.
    TOTPDevice.objects.filter(user=casey).delete()
    again = Client()
    password_only_login(again, casey)
    again.get(link)
    refused = again.get("/accounts/two-factor/setup/")
    assert refused.status_code == 403
    assert "Ask an administrator to invite you" in text(refused)
    assert not TOTPDevice.objects.filter(user=casey).exists()


def test_an_invitation_expires_after_72_hours_and_is_for_one_person(
    casey, administrator, mailoutbox
):
    invite_through_the_admin(administrator, casey)
    link = invitation_link(mailoutbox[0])

    someone_else = StaffFactory(username="dana", role="clinician", password=None)
    other = Client()
    password_only_login(other, someone_else)
    other.get(link)
    assert other.get("/accounts/two-factor/setup/").status_code == 403

    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        late = Client()
        password_only_login(late, casey)
        late.get(link)
        assert late.get("/accounts/two-factor/setup/").status_code == 403
    assert not TOTPDevice.objects.filter(user__in=[casey, someone_else]).exists()


def test_the_admin_sends_no_invitation_that_could_not_be_used(roles, administrator, mailoutbox):
    enrolled = StaffFactory(username="erin", role="clinician", password=None)
    confirmed_device(enrolled)
    no_email = StaffFactory(username="finn", role="clinician", email="", password=None)

    page = invite_through_the_admin(administrator, enrolled, no_email)

    body = text(page)
    assert "No invitation for erin: it already has an authenticator app" in body
    assert "No invitation for finn: the account has no e-mail address" in body
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action=Action.TWO_FACTOR_INVITED).exists()


# The session after the second step ----------------------------------------------------------


def test_the_password_only_session_key_stops_working_after_the_code(casey):
    device = confirmed_device(casey)
    client = Client()
    sign_in(client, "casey", PASSWORD)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert post_code(client, "/accounts/two-factor/", current_code(device))["Location"] == "/staff/"

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert client.get("/staff/").status_code == 200
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = stolen.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Recovery codes -----------------------------------------------------------------------------


def enrol_with_codes(casey):
    """Casey enrols with an invitation; returns (client, the recovery codes shown)."""
    client = Client()
    password_only_login(client, casey)
    accept_invitation(client, casey)
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=casey)
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/accounts/two-factor/setup/", {"otp_token": code})
    return client, response.context["codes"]


def test_recovery_codes_sign_in_once_each_and_say_how_many_are_left(casey, mailoutbox):
    _, codes = enrol_with_codes(casey)
    assert len(codes) == len(set(codes)) == 10
    assert AuditEvent.objects.filter(action=Action.RECOVERY_CODES_ISSUED, actor=casey).count() == 1

    phoneless = Client(enforce_csrf_checks=True)
    sign_in(phoneless, "casey", PASSWORD)
    page = phoneless.get("/accounts/two-factor/")
    assert "No phone? Use a recovery code" in text(page)
    token = phoneless.cookies["csrftoken"].value
    response = phoneless.post(
        "/accounts/two-factor/",
        {"recovery_code": codes[0].upper(), "next": "/staff/", "csrfmiddlewaretoken": token},
    )

    assert response["Location"] == "/staff/"
    assert phoneless.get("/staff/").status_code == 200
    used = AuditEvent.objects.get(action=Action.RECOVERY_CODE_USED)
    assert used.actor == casey
    assert used.detail == {"left": 9}
    assert mailoutbox[-1].to == ["casey@clinic.example"]
    assert "You have 9 unused recovery codes left" in mailoutbox[-1].body
    assert codes[0] not in mailoutbox[-1].body

    # The same code again: refused, counted as a wrong second step.
    again = Client()
    password_only_login(again, casey)
    response = again.post("/accounts/two-factor/", {"recovery_code": codes[0]})
    assert response.status_code == 200
    assert "That recovery code did not work" in text(response)
    assert again.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_FAILED).count() == 1


def test_a_malformed_recovery_code_gets_a_message(client, casey):
    enrol_with_codes(casey)
    password_only_login(client, casey)

    response = client.post("/accounts/two-factor/", {"recovery_code": "nope"})

    assert response.status_code == 200
    assert "eight letters and digits" in text(response)
    assert not AuditEvent.objects.filter(action=Action.TWO_FACTOR_FAILED).exists()


def test_new_recovery_codes_replace_the_old_ones(casey):
    _, old_codes = enrol_with_codes(casey)
    client = Client(enforce_csrf_checks=True)
    client.force_login(casey)

    page = client.get("/accounts/two-factor/recovery-codes/")
    assert "You have 10 unused recovery codes" in text(page)
    token = client.cookies["csrftoken"].value
    assert client.post("/accounts/two-factor/recovery-codes/", {}).status_code == 403  # CSRF
    response = client.post("/accounts/two-factor/recovery-codes/", {"csrfmiddlewaretoken": token})

    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert AuditEvent.objects.filter(action=Action.RECOVERY_CODES_ISSUED, actor=casey).count() == 2
    old = Client()
    password_only_login(old, casey)
    refused = old.post("/accounts/two-factor/", {"recovery_code": old_codes[1]})
    assert "did not work" in text(refused)
    fresh = Client()
    password_only_login(fresh, casey)
    # (After a wrong code the codes wait a second, like the app's.)
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        response = fresh.post("/accounts/two-factor/", {"recovery_code": new_codes[1]})
    assert response.status_code == 302


def test_the_recovery_codes_page_needs_the_second_step(client, casey):
    confirmed_device(casey)
    password_only_login(client, casey)

    response = client.post("/accounts/two-factor/recovery-codes/")

    assert response["Location"].startswith("/accounts/two-factor/?")
    assert not AuditEvent.objects.filter(action=Action.RECOVERY_CODES_ISSUED).exists()
