"""The second sign-in step: a six-digit code from an authenticator app (django-otp, TOTP).

After the password (Django's LoginView, guarded by django-axes), every staff page asks for the
second step through clinic.roles.role_required and the admin site (clinic.admin): a session that
has not passed it is sent to /accounts/two-factor/, which asks for a code, or, for an account
without an authenticator app yet, to /accounts/two-factor/setup/, which enrols one.

Wrong codes are recorded in the audit trail and count toward the same lockout as wrong
passwords (per account and per address); the device also slows down after each wrong code.
An administrator resets a colleague's app in the admin (Django OTP → TOTP devices: delete it);
the colleague enrols a new one at their next sign-in.
"""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import audit

DEVICE_NAME = "Authenticator app"


def is_verified(user) -> bool:
    """Has this session passed the second step? (OTPMiddleware adds user.is_verified.)"""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def ask_for_second_factor(request):
    """Where role_required and the admin send a signed-in session that has not given a code."""
    return redirect_to_login(request.get_full_path(), reverse("two_factor"), "next")


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def current_code(device) -> str:
    """The code the device's app shows now (demo_code, and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def secret_for_people(device) -> str:
    """The key as an authenticator app's "enter a setup key" expects it: base32, in fours."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Six-digit code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the six-digit code from your authenticator app."},
    )

    def clean_otp_token(self):
        code = "".join(self.cleaned_data["otp_token"].split()).replace("-", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


WRONG_CODE = (
    "That code did not work. Codes change every 30 seconds: enter the one your app shows now."
)


def lockout_username(request, credentials=None):
    """The username django-axes counts failures against (AXES_USERNAME_CALLABLE) and keeps in
    its records and log lines: as typed when an account has it, otherwise the audit trail's
    marker (clinic.audit.UNKNOWN_USERNAME), so a password typed into the username box is never
    stored. Looked up once per request."""
    if credentials:
        typed = credentials.get("username")
    elif request is not None and hasattr(request, "POST"):
        typed = request.POST.get("username")
    else:  # an AccessAttempt, whose username is already one or the other
        typed = getattr(request, "username", None)
    if typed is None:
        return None
    known = getattr(request, "_clinic_known_usernames", None)
    if known is None:
        known = {}
        if request is not None:
            request._clinic_known_usernames = known
    if typed not in known:
        known[typed] = audit.known_username(typed)
    return known[typed]


def lockout_parameters(request, credentials=None):
    """What a failure counts against (AXES_LOCKOUT_PARAMETERS): the account and the address,
    each on its own; for a username no account has (they all share the marker) the address
    only, so mistyped names from everywhere never pile up into one lockout."""
    if lockout_username(request, credentials) == audit.UNKNOWN_USERNAME:
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_client_str(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE): the known
    username or the marker, and the address; never the form as typed."""
    if isinstance(path_info, tuple | list):
        path_info = path_info[0]
    return f'{{username: "{username}", ip_address: "{ip_address}", path_info: "{path_info}"}}'


def lockout_response(request, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a calm page with the wait and
    whom to call, never which account or how many attempts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def safe_next(request, default=None):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def _credentials(user):
    return {"username": user.get_username()}


def _locked_out(request, user):
    """Locked (too many wrong passwords or codes for this account or address): the half-open
    session ends, and the lockout page says how long and whom to call."""
    credentials = _credentials(user)
    logout(request)
    return lockout_response(request, credentials)


def _wrong_code(request, user, form):
    """Audit the failure and count it toward the lockout, like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={**_credentials(user), "second_factor": True},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        return _locked_out(request, user)
    form.add_error("otp_token", WRONG_CODE)
    return None


def _signed_in(request, user, device):
    otp_login(request, device)
    # A complete sign-in clears this account's failures (a password alone does not).
    AxesProxyHandler.reset_attempts(username=user.get_username())
    return redirect(safe_next(request))


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
@login_required
def verify(request):
    user = request.user
    if is_verified(user):
        return redirect(safe_next(request))
    device = confirmed_device(user)
    if device is None:
        return redirect_to_login(safe_next(request), reverse("two_factor_setup"), "next")
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        return _locked_out(request, user)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = verify_token(user, device.persistent_id, form.cleaned_data["otp_token"])
        if verified is not None:
            return _signed_in(request, user, verified)
        if (locked := _wrong_code(request, user, form)) is not None:
            return locked
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": safe_next(request)},
    )


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
@login_required
def setup(request):
    """Enrol an authenticator app: only for an account that has none (a lost phone is reset
    by an administrator, never from here, so a password alone cannot replace someone's app)."""
    user = request.user
    if is_verified(user) or confirmed_device(user) is not None:
        return redirect_to_login(safe_next(request), reverse("two_factor"), "next")
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        return _locked_out(request, user)

    with transaction.atomic():
        # The same key while enrolment is unfinished, so a reload does not invalidate the
        # QR code already scanned.
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        ) or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            audit.record(request, audit.Action.TWO_FACTOR_ENROLLED, actor=user)
            return _signed_in(request, user, device)
        if (locked := _wrong_code(request, user, form)) is not None:
            return locked

    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": safe_next(request),
            # Drawn here as SVG markup: no image request, no script, no third party.
            "qr_svg": qr.svg_inline(
                scale=4, border=2, dark="#000", light="#fff", omitsize=False, svgclass="qr-code"
            ),
            "secret": secret_for_people(device),
        },
    )
