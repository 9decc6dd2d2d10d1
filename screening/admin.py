from django.contrib import admin

from screening.models import ClinicThresholds


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
