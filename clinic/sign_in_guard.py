"""The staff sign-in page, and what guards an account across every address.

django-axes locks an account only together with the address the failures came from
(clinic.two_factor.lockout_parameters), so guessing from elsewhere cannot lock the owner out.
Across all addresses an account is slowed down instead: once its recent failures reach the
failure limit, each further password attempt waits 1, 2, 4... seconds after the last failure
(at most SIGN_IN_ACCOUNT_DELAY_MAX_SECONDS). An address where the account recently completed a
sign-in (password and code) is never slowed, and the account holder is told by e-mail, once per
lockout window, that their account is being guessed.
"""

import logging
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clinic import audit
from clinic.client import client_ip_or_unknown
from clinic.models import AuditEvent

log = logging.getLogger(__name__)

_login = LoginView.as_view(redirect_authenticated_user=True)


def recent_failures(username):
    """(failures, time of the latest) for this account within the lockout window, from every
    address: wrong passwords and wrong second-step codes alike."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), latest=Max("attempt_time")
    )
    return totals["failures"] or 0, totals["latest"]


def is_usual_address(user, address):
    since = timezone.now() - timezone.timedelta(days=settings.SIGN_IN_USUAL_ADDRESS_DAYS)
    return AuditEvent.objects.filter(
        actor=user, action=AuditEvent.Action.TWO_FACTOR_VERIFIED, ip_address=address, at__gte=since
    ).exists()


def account_delay(failures):
    """Seconds between attempts for an account with this many recent failures."""
    beyond = failures - settings.AXES_FAILURE_LIMIT
    if beyond < 0:
        return 0
    return min(settings.SIGN_IN_ACCOUNT_DELAY_MAX_SECONDS, 2 ** min(beyond, 30))


def seconds_to_wait(user, address):
    """How long this account must wait before a password is checked from this address."""
    failures, latest = recent_failures(user.get_username())
    delay = account_delay(failures)
    if not delay or latest is None:
        return 0
    remaining = (latest + timezone.timedelta(seconds=delay) - timezone.now()).total_seconds()
    if remaining <= 0 or is_usual_address(user, address):
        return 0
    return math.ceil(remaining)


def tell_account_holder_if_guessed(request, user):
    """Once an account's recent failures reach the failure limit, e-mail its holder, at most
    once per lockout window: what happened and what to do, never what was typed."""
    failures, _ = recent_failures(user.get_username())
    if failures < settings.AXES_FAILURE_LIMIT or not user.email:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    target = {"type": "auth.user", "id": user.pk}
    with transaction.atomic():
        # One notice even when several failures arrive at once.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        already = AuditEvent.objects.filter(
            action=AuditEvent.Action.SIGN_IN_GUESSING_NOTICE,
            target_type="auth.user",
            target_id=str(user.pk),
            at__gte=since,
        ).exists()
        if already:
            return False
        audit.record(
            request,
            AuditEvent.Action.SIGN_IN_GUESSING_NOTICE,
            target=target,
            actor_label="",
            detail={"failures": failures},
        )
    context = {
        "user": user,
        "failures": failures,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
    }
    try:
        send_mail(
            "Failed sign-ins on your clinic staff account",
            render_to_string("registration/email/guessing_notice.txt", context),
            None,
            [user.email],
        )
    except Exception:  # a mail outage must not break the sign-in page
        log.exception("Could not e-mail a failed sign-in notice")
    return True


def _account_for(request):
    username = audit.known_username(request.POST.get("username"))
    if username == audit.UNKNOWN_USERNAME:
        return None
    return get_user_model()._default_manager.get_by_natural_key(username)


def _slowed_down(request, seconds):
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    response = render(
        request,
        "registration/login.html",
        {"form": form, "slowed_seconds": seconds, "next": request.POST.get("next", "")},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@never_cache
@sensitive_post_parameters()
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Django's LoginView (with django-axes' lockout), behind the per-account slow-down."""
    account = _account_for(request) if request.method == "POST" else None
    # A lock on this address says so on its own page (django-axes); otherwise the slow-down.
    if account is not None and AxesProxyHandler.is_allowed(request, {"username": account.username}):
        wait = seconds_to_wait(account, client_ip_or_unknown(request))
        if wait:
            return _slowed_down(request, wait)
    response = _login(request)
    if account is not None and not request.user.is_authenticated:
        tell_account_holder_if_guessed(request, account)
    return response
