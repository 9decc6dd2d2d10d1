"""Integration tokens: how the clinic's EHR reads the FHIR API (screening.fhir).

An administrator creates a token in the admin and sees its secret once; only the secret's
SHA-256 is stored, so a copy of the database opens nothing. Each token carries read scopes
(one per FHIR resource type), may expire, and is revoked rather than deleted, so the audit
trail keeps pointing at the name it recorded.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Every integration token starts with this, so a leaked one is easy to recognise in a scan.
TOKEN_PREFIX = "cit_"  # noqa: S105 (a marker, not a secret)


class Scope(models.TextChoices):
    QUESTIONNAIRE = "Questionnaire.read", "Read the intake questionnaire"
    QUESTIONNAIRE_RESPONSE = "QuestionnaireResponse.read", "Read intake answers"
    OBSERVATION = "Observation.read", "Read scores and vital signs"
    PATIENT = "Patient.read", "Read patients' names, birth dates and contact details"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class IntegrationTokenQuerySet(models.QuerySet):
    def for_secret(self, secret: str):
        """The token a presented secret belongs to (revoked and expired ones included, so the
        caller can say which), or None."""
        if not secret or len(secret) > 100 or not secret.startswith(TOKEN_PREFIX):
            return None
        return self.filter(secret_hash=hash_secret(secret)).first()


class IntegrationToken(models.Model):
    name = models.CharField(
        max_length=80, unique=True, help_text="Who uses it, e.g. “Epic production interface”."
    )
    # Unique through Meta.constraints (one index, no LIKE-pattern twin).
    secret_hash = models.CharField(max_length=64, editable=False)
    # The first characters of the secret, to tell tokens apart in a list; not enough to use.
    hint = models.CharField(max_length=12, editable=False)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["secret_hash"], name="integration_token_secret")
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def new_secret() -> str:
        # 32 bytes (256 bits) from the OS's CSPRNG.
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def set_secret(self) -> str:
        """Give the token a fresh secret; returns it in clear (shown once, never stored)."""
        secret = self.new_secret()
        self.secret_hash = hash_secret(secret)
        self.hint = secret[: len(TOKEN_PREFIX) + 4]
        return secret

    @classmethod
    def issue(cls, name, scopes, *, created_by=None, expires_at=None):
        """Create a token; returns (token, secret)."""
        token = cls(name=name, scopes=list(scopes), created_by=created_by, expires_at=expires_at)
        secret = token.set_secret()
        token.save()
        return token, secret

    def state(self, now=None) -> str:
        """ "active", "revoked" or "expired"."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or [])
