"""The audit trail: who did what to which record, when, and from where.

Append-only by construction: a saved event cannot be saved again or deleted through the ORM,
and the admin offers no way to add, change or delete one. `detail` holds codes, ids and
references only, never health information, so the trail itself needs no encryption.
"""

import hashlib
import ipaddress
import json
from datetime import UTC

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import connections, models, router, transaction
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


# Any constant will do: it names the one lock all writers of the audit trail queue on.
AUDIT_CHAIN_LOCK = 7_204_311


def _lock_chain(connection):
    """Serialise appends so two writers never fork the chain: a transaction-level advisory lock
    on PostgreSQL (released at commit); SQLite already lets one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


def _last_hash(manager_or_queryset):
    last = manager_or_queryset.order_by("-id").values_list("hash", flat=True).first()
    return last or ""


class AuditEventQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk appends (benchmarks, imports) are chained too, in the order given."""
        objs = list(objs)
        with transaction.atomic(using=self.db):
            _lock_chain(connections[self.db])
            previous = _last_hash(AuditEvent.objects.using(self.db))
            for event in objs:
                event.seal(previous)
                previous = event.hash
            return super().bulk_create(objs, *args, **kwargs)

    def broken_link(self):
        """The first event whose content or link to the one before no longer matches, as
        (event, what is wrong), or None when the whole chain holds. Reads in id order, in
        batches, so a long trail never sits in memory at once."""
        previous = ""
        for event in self.order_by("id").iterator(chunk_size=2000):
            if event.previous_hash != previous:
                return event, "does not follow the event before it (one was removed or changed)"
            if event.hash != event.content_hash():
                return event, "its content was changed after it was written"
            previous = event.hash
        return None

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
    # Tamper evidence: each event's hash covers its content and the hash of the event before
    # it, so changing or removing any row breaks every link after it (manage.py verify_audit).
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
            models.Index(fields=["action", "-at"], name="audit_action"),
            models.Index(fields=["target_reference", "-at"], name="audit_reference"),
        ]
        # The ORM already refuses (AppendOnlyModel); this refuses in the database itself, for
        # raw SQL and other clients too. TRUNCATE (test flushes) fires no row trigger.
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

        # Nobody adds, changes or deletes audit events by hand; administrators may read them.
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)  # refused by AppendOnlyModel
        using = kwargs.get("using") or router.db_for_write(type(self))
        # No savepoint of its own: an event that cannot be written fails the whole action, and
        # the lock is then held until that action's transaction ends.
        with transaction.atomic(using=using, savepoint=False):
            _lock_chain(connections[using])
            self.seal(_last_hash(type(self).objects.using(using)))
            super().save(*args, **kwargs)

    def content_hash(self) -> str:
        content = {
            "at": self.at.astimezone(UTC).isoformat() if self.at else "",
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_reference": self.target_reference,
            # As the database gives it back (PostgreSQL's inet rewrites IPv6 its own way).
            "ip_address": ipaddress.ip_address(self.ip_address).compressed
            if self.ip_address
            else "",
            "detail": self.detail,
            "previous_hash": self.previous_hash,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def seal(self, previous_hash: str):
        self.previous_hash = previous_hash
        self.hash = self.content_hash()

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
