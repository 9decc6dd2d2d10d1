"""Signing in, in tests.

Staff pages need a password AND a second-factor code (clinic.two_factor). In tests,
`client.force_login(user)` stands for that complete sign-in (an autouse fixture in
tests/conftest.py puts `force_login` below in place of Django's): the user gets a confirmed
authenticator device and the session carries it, exactly what a correct code leaves behind.
A test about the half-way state (password given, code not yet) uses `password_only_login`.
The real steps, password and code, are tested end to end in tests/security/test_two_factor.py
and the browser tests.
"""

from django.test import Client
from django.urls import reverse

from clinic.two_factor import (  # current_code: for tests computing a code
    current_code,  # noqa: F401
    make_invitation,
)

_DJANGO_FORCE_LOGIN = Client.force_login


def password_only_login(client, user):
    """Signed in with the password, before the second step."""
    _DJANGO_FORCE_LOGIN(client, user)


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def verified_login(client, user):
    """Signed in with the password and a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    _DJANGO_FORCE_LOGIN(client, user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()


def force_login(client, user, backend=None):
    verified_login(client, user)


def invitation_path(user):
    """The path of the link an administrator's invitation e-mails (clinic.two_factor)."""
    return reverse("two_factor_invitation", args=[make_invitation(user)])


def accept_invitation(client, user):
    """Open the invitation link signed in with the password, as the e-mail says."""
    return client.get(invitation_path(user))


def browser_second_step(page, user, check=None):
    """In a browser just past the password: enter the authenticator code (enrolling an app
    first with an administrator's invitation, as a new account does). `check(page)` runs on
    the code page (an axe audit)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_url("**/accounts/two-factor/**")
    enrolling = "/setup/" in page.url
    if enrolling:
        page.get_by_role("heading", name="Ask an administrator to invite you").wait_for()
        origin = page.url.split("/accounts/")[0]
        page.goto(origin + invitation_path(user))
        page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    if check is not None:
        check(page)
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    page.get_by_label("Six-digit code").fill(current_code(device))
    page.get_by_role("button", name="Continue").or_(
        page.get_by_role("button", name="Confirm and continue")
    ).click()
    if enrolling:
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        if check is not None:
            check(page)
        page.get_by_role("link", name="I have saved my codes, continue").click()
