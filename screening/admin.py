from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from clinic import audit
from screening.alerts import admin as alerts_admin  # noqa: F401 (registers the rota's pages)
from screening.models import ClinicThresholds, CrisisCallScript, IntegrationToken, Scope


@admin.register(ClinicThresholds)
class ClinicThresholdsAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "changed_by", "note"]
    readonly_fields = ["changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    # Thresholds change only through /staff/thresholds/, which validates the ranges, keeps the
    # history (a new row each time) and records the change in the audit trail.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IntegrationTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Read access, one resource type at a time. Give only what the EHR needs.",
    )

    class Meta:
        model = IntegrationToken
        fields = ["name", "scopes", "expires_at"]


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(admin.ModelAdmin):
    """Tokens for the clinic's EHR to read the FHIR API (screening.fhir.api). The secret is
    shown once, when the token is created; only its hash is kept. Revoke, never delete."""

    form = IntegrationTokenForm
    list_display = ["name", "hint", "state", "scope_list", "created_at", "expires_at"]
    list_display += ["last_used_at", "revoked_at"]
    readonly_fields = ["hint", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, obj):
        return obj.state()

    @admin.display(description="scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    def get_readonly_fields(self, request, obj=None):
        # A token keeps its name: the audit trail records requests under it.
        return [*self.readonly_fields, "name"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit.record(
                request,
                audit.Action.INTEGRATION_TOKEN,
                target={"type": "screening.integrationtoken", "id": obj.pk},
                detail={"change": "changed", "token": obj.name, "scopes": obj.scopes},
            )
            return
        obj.created_by = request.user
        secret = obj.set_secret()
        super().save_model(request, obj, form, change)
        audit.record(
            request,
            audit.Action.INTEGRATION_TOKEN,
            target={"type": "screening.integrationtoken", "id": obj.pk},
            detail={"change": "created", "token": obj.name, "scopes": obj.scopes},
        )
        messages.warning(
            request,
            format_html(
                "The secret of “{}” is shown only now: copy it into the EHR's configuration. "
                "<code>{}</code>",
                obj.name,
                secret,
            ),
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        now = timezone.now()
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit.record(
                request,
                audit.Action.INTEGRATION_TOKEN,
                target={"type": "screening.integrationtoken", "id": token.pk},
                detail={"change": "revoked", "token": token.name},
            )
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)


@admin.register(CrisisCallScript)
class CrisisCallScriptAdmin(admin.ModelAdmin):
    """The one script clinicians read at the top of an urgent submission (one step a line)."""

    list_display = ["__str__", "changed_at", "changed_by"]
    readonly_fields = ["changed_by", "changed_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CrisisCallScript.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        obj.changed_at = timezone.now()
        super().save_model(request, obj, form, change)
