"""The audit trail: who did what to which record, when, and from where.

Append-only by construction: a saved event cannot be saved again or deleted through the ORM,
and the admin offers no way to add, change or delete one. `detail` holds codes, ids and
references only, never health information, so the trail itself needs no encryption.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a record that is history."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass the model's own refusal; refuse them here too."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} records are never changed")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} records are never deleted")

    delete.queryset_only = True


class SingletonModel(models.Model):
    """Settings kept as one row an administrator edits (pk 1): `current()` reads it, or gives
    an unsaved row with the defaults until someone saves one."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AppendOnlyModel(models.Model):
    """A record that is written once and then only read."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} records are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are never deleted")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_reference(self, reference):
        # Exact matches (as typed, or upper-case as submission references are stored) so the
        # index on target_reference serves the filter; iexact would scan the whole trail.
        typed = (reference or "").strip()
        return self.filter(target_reference__in={typed, typed.upper()})


class AuditEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_LOCKED = "sign_in_locked", "Sign-in locked after repeated failures"
        TWO_FACTOR_FAILED = "two_factor_failed", "Wrong sign-in code"
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up an authenticator app"
        TWO_FACTOR_VERIFIED = "two_factor_verified", "Completed sign-in with the second step"
        TWO_FACTOR_INVITED = "two_factor_invited", "Sent an authenticator app invitation"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Issued new recovery codes"
        RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
        SIGN_IN_GUESSING_NOTICE = "sign_in_guessing_notice", "Warned an account of failed sign-ins"
        VIEW_SUBMISSION = "view_submission", "Viewed a submission"
        EXPORT_SUBMISSION = "export_submission", "Exported a submission"
        ASSIGN = "assign", "Assigned a submission"
        ACKNOWLEDGE = "acknowledge", "Acknowledged an urgent submission"
        DECIDE = "decide", "Recorded a decision"
        THRESHOLDS_CHANGED = "thresholds_changed", "Changed screening thresholds"
        RESCREEN = "rescreen", "Re-screened submissions"
        RETENTION = "retention", "Applied the retention policy"
        FHIR_API = "fhir_api", "Read through the FHIR API"
        INTEGRATION_TOKEN = "integration_token", "Created or revoked an integration token"
        URGENT_ALERT_SENT = "urgent_alert_sent", "Alerted staff to an urgent submission"
        URGENT_ALERT_ESCALATED = "urgent_alert_escalated", "Escalated an unacknowledged alert"
        URGENT_ALERT_ACKNOWLEDGED = "urgent_alert_acknowledged", "An urgent alert was answered"
        VIEW_CALL_ME_REQUEST = "view_call_me_request", "Viewed a call-me request"
        OUTREACH_ATTEMPT = "outreach_attempt", "Logged an attempt to reach an urgent patient"
        URGENT_EPISODE_CLOSED = "urgent_episode_closed", "Closed an urgent episode"
        BOOKING_OVERRIDE = "booking_override", "Booked before a clinician's review (override)"

    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # An account with history is deactivated, never deleted: the trail must keep pointing
        # at it (the admin explains why a delete is refused).
        on_delete=models.PROTECT,
        related_name="audit_events",
        editable=False,
    )
    # Kept as typed: the account may be renamed or removed, the trail must still say who.
    actor_label = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=32, choices=Action.choices, editable=False)
    target_type = models.CharField(max_length=60, blank=True, editable=False)
    target_id = models.CharField(max_length=40, blank=True, editable=False)
    target_reference = models.CharField(max_length=40, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
            models.Index(fields=["action", "-at"], name="audit_action"),
            models.Index(fields=["target_reference", "-at"], name="audit_reference"),
        ]
        # Nobody adds, changes or deletes audit events by hand; administrators may read them.
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    @property
    def target_label(self) -> str:
        """The kind of record, in words ("submission 12"), for events without a reference."""
        if not self.target_type:
            return ""
        try:
            kind = apps.get_model(self.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            kind = _humanize(self.target_type.rpartition(".")[2])
        return f"{kind} {self.target_id}".strip()

    def detail_lines(self) -> list[tuple[str, str]]:
        """The event's detail as (label, value) lines a person can read."""
        return [
            (str(DETAIL_LABELS.get(key, _humanize(key))), _detail_value(value))
            for key, value in (self.detail or {}).items()
        ]


# Words for the detail keys events record; a key not listed is shown in words made from it.
DETAIL_LABELS = {
    "acknowledgement_id": _("Acknowledgement"),
    "action": _("Action"),
    "appointment_id": _("Appointment"),
    "attempt_id": _("Outreach attempt"),
    "as": _("As"),
    "assigned_to": _("Assigned to account"),
    "previous": _("Previously"),
    "change": _("Change"),
    "changes": _("Changes"),
    "closure_id": _("Episode closure"),
    "decision_id": _("Decision"),
    "deleted": _("Deleted"),
    "kind": _("Kind"),
    "latest_decision": _("Latest decision"),
    "outcome": _("Outcome"),
    "request_id": _("Appointment request"),
    "scopes": _("Scopes"),
    "token": _("Token"),
    "view": _("View"),
}


def _humanize(key: str) -> str:
    words = str(key).replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def _detail_value(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_humanize(k)}: {_detail_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return _humanize(value) if value.isidentifier() and "_" in value else value
    return str(value)
