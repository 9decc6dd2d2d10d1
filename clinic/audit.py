"""Recording the audit trail (clinic.models.AuditEvent).

    from clinic import audit
    audit.record(request, audit.Action.DECIDE, target=submission, detail={"kind": "invite"})
    audit.record(None, audit.Action.RETENTION, detail={"deleted": 12})   # from a command

`detail` must hold codes, ids and references only: never an answer, a name or a note.
Sign-ins, failed sign-ins and sign-outs are recorded from Django's auth signals below.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

# The client's address comes from clinic.client: the same for rate limits and the lockout.
from clinic.client import client_ip
from clinic.models import AuditEvent

Action = AuditEvent.Action

# What the audit trail and the lockout keep instead of a username no account has: people type
# their password into the username box, and a typo'd name says nothing worth keeping. (No
# username can contain spaces or brackets, so the marker never names an account.)
UNKNOWN_USERNAME = "(unknown username)"


def known_username(typed):
    """The typed username when an account has exactly it, otherwise UNKNOWN_USERNAME."""
    typed = str(typed or "").replace("\x00", "")[:150]
    users = get_user_model()._default_manager
    if typed and users.filter(**{get_user_model().USERNAME_FIELD: typed}).exists():
        return typed
    return UNKNOWN_USERNAME


def _target_fields(target):
    if target is None:
        return {}
    if isinstance(target, dict):
        return {
            "target_type": str(target.get("type", ""))[:60],
            "target_id": str(target.get("id", ""))[:40],
            "target_reference": str(target.get("reference", ""))[:40],
        }
    meta = target._meta
    return {
        "target_type": f"{meta.app_label}.{meta.model_name}",
        "target_id": str(target.pk or ""),
        "target_reference": str(getattr(target, "reference", "") or "")[:40],
    }


def record(request, action, *, target=None, detail=None, actor=None, actor_label=None):
    """Write one audit event. `request` may be None (management commands); the actor is then
    whoever is passed as `actor`, or nobody (the system)."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor_label is None:
        actor_label = actor.get_username() if actor is not None else ""
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label[:150],
        action=action,
        ip_address=client_ip(request),
        detail=detail or {},
        **_target_fields(target),
    )


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    record(request, Action.SIGN_IN, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, Action.SIGN_OUT, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; the username is kept when an
    # account has it, so repeated guesses against one account can be seen, else a marker.
    if credentials.get("second_factor"):
        # A wrong code after a right password (clinic.two_factor): the account is known.
        typed = str(credentials.get("username", ""))[:150]
        record(request, Action.TWO_FACTOR_FAILED, actor_label=typed)
        return
    record(request, Action.SIGN_IN_FAILED, actor_label=known_username(credentials.get("username")))


@receiver(user_locked_out, dispatch_uid="audit_sign_in_locked")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # `username` is django-axes' (clinic.two_factor.lockout_username): known, or the marker.
    record(request, Action.SIGN_IN_LOCKED, actor_label=known_username(username))
