"""The on-call rota, escalation contacts and alert settings in the Django admin (administrators
only: clinic.admin), and the urgent alerts to read. Registered from screening/admin.py."""

from django.contrib import admin
from django.utils import timezone

from screening.alerts.messages import local_time
from screening.alerts.rota import next_on_call, on_call_at
from screening.models import (
    AlertSettings,
    EscalationContact,
    OnCallChange,
    OnCallShift,
    UrgentAlert,
)


def _clinician(user):
    return user.get_full_name() or user.get_username()


def rota_now_message():
    """ "On call now: Casey Clinician." or "Nobody is on call now; next from ...", for the rota
    pages."""
    now = timezone.now()
    on_call = on_call_at(now)
    if on_call:
        return "On call now: " + ", ".join(_clinician(u) for u in on_call) + "."
    start = next_on_call(now)
    if start is None:
        return (
            "Nobody is on call now, nor in the next three weeks: urgent alerts go only to the "
            "escalation contacts, after the delay."
        )
    return f"Nobody is on call now; next from {local_time(start)}."


class RotaNowMixin:
    def changelist_view(self, request, extra_context=None):
        self.message_user(request, rota_now_message())
        return super().changelist_view(request, extra_context)


@admin.register(OnCallShift)
class OnCallShiftAdmin(RotaNowMixin, admin.ModelAdmin):
    list_display = ["weekday", "starts", "ends", "clinician_name"]
    list_filter = ["weekday", "clinician"]
    list_select_related = ["clinician"]

    @admin.display(description="clinician", ordering="clinician__last_name")
    def clinician_name(self, obj):
        return _clinician(obj.clinician)


@admin.register(OnCallChange)
class OnCallChangeAdmin(RotaNowMixin, admin.ModelAdmin):
    list_display = ["kind", "who", "from_", "until", "note"]
    list_filter = ["kind", "clinician"]
    list_select_related = ["clinician"]
    date_hierarchy = "starts_at"

    @admin.display(description="clinician")
    def who(self, obj):
        return _clinician(obj.clinician) if obj.clinician_id else "nobody"

    @admin.display(description="from (clinic time)", ordering="starts_at")
    def from_(self, obj):
        return local_time(obj.starts_at)

    @admin.display(description="until (clinic time)", ordering="ends_at")
    def until(self, obj):
        return local_time(obj.ends_at)


@admin.register(EscalationContact)
class EscalationContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "active"]
    list_filter = ["active"]


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "escalation_delay_minutes", "repeat_interval_minutes"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AlertSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UrgentAlert)
class UrgentAlertAdmin(admin.ModelAdmin):
    """Written by the alert tasks only; the audit trail has each email and escalation."""

    list_display = ["reference", "reason", "created_at", "alerted_at", "escalations_sent"]
    list_display += ["last_escalated_at", "acknowledged_at", "acknowledged_by"]
    list_filter = ["reason", "created_at"]
    search_fields = ["reference"]
    list_select_related = ["acknowledged_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
