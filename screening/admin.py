from django.contrib import admin

from screening.models import ClinicThresholds


@admin.register(ClinicThresholds)
class ClinicThresholdsAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "changed_by", "note"]
    readonly_fields = ["changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
