"""The second sign-in step: a six-digit code from an authenticator app (django-otp, TOTP).

After the password (Django's LoginView, guarded by django-axes), every staff page asks for the
second step through clinic.roles.role_required and the admin site (clinic.admin): a session that
has not passed it is sent to /accounts/two-factor/, which asks for a code, or, for an account
without an authenticator app yet, to /accounts/two-factor/setup/, which enrols one only with an
administrator's invitation (the staff admin's "Send authenticator invitation": an e-mailed link,
valid TWO_FACTOR_INVITATION_HOURS and once), so a password alone never enrols an app. After
enrolment the person gets RECOVERY_CODE_COUNT single-use recovery codes (django-otp's static
device), shown once; the code page takes one instead of a code, and
/accounts/two-factor/recovery-codes/ replaces them. A complete sign-in renews the session key.

Wrong codes are recorded in the audit trail and count toward the same lockout as wrong
passwords (the account together with the address); the device also slows down after each
wrong code. An administrator resets a colleague's app in the admin (Django OTP → TOTP devices:
delete it) and sends an invitation; the colleague enrols a new one with it.
"""

import logging
import math
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import audit, private_links, sign_in_guard
from clinic.client import client_ip_or_unknown
from clinic.models import AuditEvent

log = logging.getLogger(__name__)

DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
INVITATION_SESSION_KEY = "two_factor_invitation"


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
    """What a failure counts against (AXES_LOCKOUT_PARAMETERS): the account together with the
    address, and the address (for any names tried from it), never the account alone: failures
    from elsewhere must not lock its owner out (across addresses the account is slowed down
    instead, clinic.sign_in_guard). For a username no account has (they all share the marker)
    the address only, so mistyped names from everywhere never pile up into one lockout."""
    if lockout_username(request, credentials) == audit.UNKNOWN_USERNAME:
        return ["ip_address"]
    return [["username", "ip_address"], "ip_address"]


def lockout_client_str(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE): the known
    username or the marker, and the address; never the form as typed."""
    if isinstance(path_info, tuple | list):
        path_info = path_info[0]
    return f'{{username: "{username}", ip_address: "{ip_address}", path_info: "{path_info}"}}'


def lockout_response(request, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a calm page with the wait and
    whom to call, never which account or how many attempts. The wait is what is left of the
    lock, which ends a fixed time after the failure that set it."""
    seconds = lock_seconds_left(request, credentials)
    response = render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": max(1, math.ceil(seconds / 60))},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response


def lock_seconds_left(request, credentials=None):
    cooloff = settings.AXES_COOLOFF_TIME
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    latest = None
    for attempts in handler.get_user_attempts(request, credentials):
        found = attempts.aggregate(latest=Max("attempt_time"))["latest"]
        if found is not None and (latest is None or found > latest):
            latest = found
    if latest is None:
        return int(cooloff.total_seconds())
    left = (latest + cooloff - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


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


def _wrong_code(request, user, form, field="otp_token", message=WRONG_CODE):
    """Audit the failure and count it toward the lockout, like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={**_credentials(user), "second_factor": True},
        request=request,
    )
    sign_in_guard.tell_account_holder_if_guessed(request, user)
    if getattr(request, "axes_locked_out", False):
        return _locked_out(request, user)
    form.add_error(field, message)
    return None


def _complete_sign_in(request, user, device):
    otp_login(request, device)
    # A new session key: the one that had the password alone must not carry the second step.
    request.session.cycle_key()
    # A complete sign-in clears this account's failures from this address (a password alone
    # does not); failures from elsewhere stay counted, so an attacker's slow-down goes on.
    AxesProxyHandler.reset_attempts(
        username=user.get_username(), ip_address=client_ip_or_unknown(request)
    )
    audit.record(request, audit.Action.TWO_FACTOR_VERIFIED, actor=user)


def _signed_in(request, user, device):
    _complete_sign_in(request, user, device)
    return redirect(safe_next(request))


# Invitations ------------------------------------------------------------------------------


def _invitation_state(user):
    """What an invitation is bound to: the account, its password, whether it has an app, and
    its latest enrolment (audit events are never deleted), so an invitation dies once used,
    even if the app is later reset, and with a password change."""
    enrolled = (
        AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.TWO_FACTOR_ENROLLED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    has_app = confirmed_device(user) is not None
    value = f"{user.pk}|{user.password}|{user.is_active}|{has_app}|{enrolled or 0}"
    return salted_hmac("clinic.two_factor.invitation.state", value).hexdigest()[:32]


def make_invitation(user) -> str:
    return signing.dumps(
        {"u": user.pk, "s": _invitation_state(user)}, salt="clinic.two_factor.invitation"
    )


def invitation_is_valid(user, token) -> bool:
    if not token:
        return False
    try:
        data = signing.loads(
            token,
            salt="clinic.two_factor.invitation",
            max_age=settings.TWO_FACTOR_INVITATION_HOURS * 3600,
        )
    except signing.BadSignature:  # expired (SignatureExpired) or not ours
        return False
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return False
    return constant_time_compare(str(data.get("s", "")), _invitation_state(user))


def invitation_refusal(user):
    """Why an administrator cannot invite this account now, or None."""
    if not user.is_active:
        return "the account is deactivated"
    if not user.email:
        return "the account has no e-mail address"
    if confirmed_device(user) is not None:
        return "it already has an authenticator app (delete it under TOTP devices first)"
    return None


def send_invitation(request, user):
    """E-mail the staff member a link to enrol an authenticator app, and audit it."""
    path = reverse("two_factor_invitation", args=[make_invitation(user)])
    link = private_links.absolute(request, path)
    context = {
        "user": user,
        "link": link,
        "hours": settings.TWO_FACTOR_INVITATION_HOURS,
        "clinic_name": settings.CLINIC_NAME,
    }
    send_mail(
        "Set up your authenticator app for the clinic staff sign-in",
        render_to_string("registration/email/two_factor_invitation.txt", context),
        None,
        [user.email],
    )
    audit.record(
        request,
        audit.Action.TWO_FACTOR_INVITED,
        target={"type": "auth.user", "id": user.pk},
        detail={"hours": settings.TWO_FACTOR_INVITATION_HOURS},
    )


@never_cache
@require_http_methods(["GET"])
@login_required
def invitation(request, token):
    """The e-mailed link: after the password, keep the invitation in the session and enrol."""
    if invitation_is_valid(request.user, token):
        request.session[INVITATION_SESSION_KEY] = token
    return redirect("two_factor_setup")


# Recovery codes ---------------------------------------------------------------------------


def issue_recovery_codes(request, user):
    """New single-use recovery codes, replacing any earlier ones; shown once, by the caller."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        audit.record(
            request, audit.Action.RECOVERY_CODES_ISSUED, actor=user, detail={"count": len(codes)}
        )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter one of your recovery codes."},
    )

    def clean_recovery_code(self):
        code = "".join(self.cleaned_data["recovery_code"].split()).replace("-", "").lower()
        if not (code.isascii() and code.isalnum() and len(code) == 8):
            raise forms.ValidationError(
                "A recovery code has eight letters and digits, like ab3d-7fgh."
            )
        return code


WRONG_RECOVERY_CODE = "That recovery code did not work. Each code works once."


def use_recovery_code(user, code):
    """The recovery-code device when `code` was one of the account's unused codes, which it no
    longer is: deleting the row decides, so two requests with one code cannot both succeed."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None
    used, _ = StaticToken.objects.filter(device=device, token=code).delete()
    if not used:
        device.throttle_increment()
        return None
    device.throttle_reset()
    return device


def _tell_about_recovery_code(request, user, left):
    if not user.email:
        return
    context = {"user": user, "left": left, "clinic_name": settings.CLINIC_NAME}
    try:
        send_mail(
            "A recovery code was used to sign in to your clinic staff account",
            render_to_string("registration/email/recovery_code_used.txt", context),
            None,
            [user.email],
        )
    except Exception:  # a mail outage must not undo the sign-in
        log.exception("Could not e-mail a recovery-code notice")


# The second step --------------------------------------------------------------------------


def _verify_page(request, form, recovery_form):
    return render(
        request,
        "registration/two_factor_verify.html",
        {
            "form": form,
            "recovery_form": recovery_form,
            "has_recovery_codes": StaticDevice.objects.filter(
                user=request.user, confirmed=True
            ).exists(),
            "next": safe_next(request),
        },
    )


def _recovery_step(request, user):
    recovery_form = RecoveryCodeForm(request.POST)
    if recovery_form.is_valid():
        device = use_recovery_code(user, recovery_form.cleaned_data["recovery_code"])
        if device is not None:
            _complete_sign_in(request, user, device)
            left = recovery_codes_left(user)
            audit.record(
                request, audit.Action.RECOVERY_CODE_USED, actor=user, detail={"left": left}
            )
            _tell_about_recovery_code(request, user, left)
            return redirect(safe_next(request))
        locked = _wrong_code(request, user, recovery_form, "recovery_code", WRONG_RECOVERY_CODE)
        if locked is not None:
            return locked
    return _verify_page(request, CodeForm(), recovery_form)


@never_cache
@sensitive_post_parameters("otp_token", "recovery_code")
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
    if request.method == "POST" and "recovery_code" in request.POST:
        return _recovery_step(request, user)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = verify_token(user, device.persistent_id, form.cleaned_data["otp_token"])
        if verified is not None:
            return _signed_in(request, user, verified)
        if (locked := _wrong_code(request, user, form)) is not None:
            return locked
    return _verify_page(request, form, RecoveryCodeForm())


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
@login_required
def setup(request):
    """Enrol an authenticator app: only for an account that has none, and only with an
    administrator's invitation (a lost phone is reset by an administrator, never from here, so
    a password alone cannot add or replace someone's app)."""
    user = request.user
    if is_verified(user) or confirmed_device(user) is not None:
        return redirect_to_login(safe_next(request), reverse("two_factor"), "next")
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        return _locked_out(request, user)
    if not invitation_is_valid(user, request.session.get(INVITATION_SESSION_KEY)):
        # Nothing is created: no key exists to be scanned without an invitation.
        return render(
            request,
            "registration/two_factor_invitation_needed.html",
            {"invitation_hours": settings.TWO_FACTOR_INVITATION_HOURS},
            status=403,
        )

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
            request.session.pop(INVITATION_SESSION_KEY, None)
            _complete_sign_in(request, user, device)
            codes = issue_recovery_codes(request, user)
            return _recovery_codes_page(request, codes, safe_next(request), enrolled=True)
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


def _recovery_codes_page(request, codes, next_url, enrolled=False):
    """The codes, shown this once (never stored anywhere they could be shown again)."""
    return render(
        request,
        "registration/recovery_codes.html",
        {
            "codes": [f"{code[:4]}-{code[4:]}" for code in codes],
            "next": next_url,
            "enrolled": enrolled,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def recovery_codes(request):
    """Your recovery codes: how many are left, and new ones (which void the old)."""
    if not is_verified(request.user):
        return ask_for_second_factor(request)
    if request.method == "POST":
        codes = issue_recovery_codes(request, request.user)
        return _recovery_codes_page(request, codes, settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "registration/recovery_codes_account.html",
        {
            "left": recovery_codes_left(request.user),
            "recovery_code_count": settings.RECOVERY_CODE_COUNT,
        },
    )
