"""The Django admin for administrators. Bookings change only through appointments.booking (so
locks, history and emails always happen): here appointments, history and emails are read-only,
with actions that call the same rules."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef

from appointments import availability, booking, notifications
from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentRequest,
    Notification,
    Slot,
    local_label,
)
from clinic import crypto


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BookedFilter(admin.SimpleListFilter):
    title = "booked"
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [("yes", "Booked"), ("no", "Free")]

    def queryset(self, request, queryset):
        held = Appointment.objects.active().filter(slot=OuterRef("pk"))
        if self.value() == "yes":
            return queryset.filter(Exists(held))
        if self.value() == "no":
            return queryset.exclude(Exists(held))
        return queryset


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["local_start", "clinician", "mode", "location"]
    list_filter = [BookedFilter, "mode", "clinician", "starts_at"]
    list_select_related = ["clinician"]
    date_hierarchy = "starts_at"
    search_fields = ["clinician__username", "clinician__first_name", "clinician__last_name"]
    readonly_fields = ["created_by", "created_at"]
    actions = ["remove_free_slots"]

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def local_start(self, obj):
        return local_label(obj.starts_at)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.appointments.active().exists():
            # Booked times move through a reschedule, which tells the patient.
            fields += ["clinician", "starts_at", "ends_at", "mode"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The default bulk delete would stop at the first slot with history; ours says which.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Remove selected slots that were never booked")
    def remove_free_slots(self, request, queryset):
        removed = kept = 0
        for slot in queryset:
            try:
                availability.remove_slot(slot)
                removed += 1
            except availability.AvailabilityError:
                kept += 1
        self.message_user(request, f"{removed} removed; {kept} kept because they have history.")


class EventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["created_at", "action", "actor", "from_starts_at", "to_starts_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "who", "outcome", "status", "mode", "contact_preference", "created_at"]
    list_filter = ["status", "mode", "contact_preference", "submission__outcome", "created_at"]
    list_select_related = ["submission"]
    search_fields = ["submission__reference"]
    search_help_text = "A submission reference, or a call-back phone number (exact)."
    date_hierarchy = "created_at"
    fields = [
        "submission",
        "status",
        "mode",
        "slot",
        "preferred_windows",
        "contact_preference",
        "callback_name",
        "callback_phone",
        "best_time",
        "notes",
        "created_at",
        "status_changed_at",
    ]
    readonly_fields = ["submission", "status", "slot", "created_at", "status_changed_at"]
    raw_id_fields = ["submission"]
    inlines = [EventInline]
    actions = ["close_requests"]

    @admin.display(description="Person")
    def who(self, obj):
        return obj.display_name if obj.submission_id else f"{obj.display_name} (call-back)"

    @admin.display(description="Outcome", ordering="submission__outcome")
    def outcome(self, obj):
        return obj.submission.get_outcome_display() if obj.submission_id else "No intake"

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        # Phones are encrypted: they are found through their keyed hash, exact matches only.
        results, distinct = super().get_search_results(request, queryset, search_term)
        phone = crypto.blind_index("phone", search_term)
        if phone:
            results |= queryset.filter(callback_phone_index=phone)
        return results, distinct

    @admin.action(description="Close selected open requests (contacted outside the app)")
    def close_requests(self, request, queryset):
        closed = 0
        for req in queryset.filter(status=AppointmentRequest.Status.OPEN):
            booking.close_request(req, by=request.user, reason="Closed from the admin")
            closed += 1
        self.message_user(request, f"{closed} request(s) closed.")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "local_start", "clinician", "mode", "status", "request"]
    list_filter = ["status", "mode", "clinician", "starts_at"]
    list_select_related = ["clinician", "request"]
    date_hierarchy = "starts_at"
    search_fields = ["request__submission__reference"]
    exclude = ["cancel_reason"]
    actions = ["mark_attended", "mark_no_show"]

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def local_start(self, obj):
        return local_label(obj.starts_at)

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed; the actions below need the change permission.
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)

    def _record(self, request, queryset, status):
        done, refused = 0, []
        for appointment in queryset:
            try:
                booking.record_outcome(appointment, status, by=request.user)
                done += 1
            except booking.BookingError as error:
                refused.append(f"{appointment.pk}: {error.message}")
        self.message_user(request, f"{done} marked.")
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)

    @admin.action(description="Mark selected appointments attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._record(request, queryset, Appointment.Status.ATTENDED)

    @admin.action(description="Mark selected appointments no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._record(request, queryset, Appointment.Status.NO_SHOW)


@admin.register(AppointmentEvent)
class AppointmentEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "request", "appointment"]
    list_filter = ["action", "created_at"]
    list_select_related = ["actor", "request", "appointment"]
    exclude = ["reason"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "attempts", "last_error", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    exclude = ["to_address"]
    actions = ["retry_now"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)

    @admin.action(description="Retry sending the selected emails now", permissions=["change"])
    def retry_now(self, request, queryset):
        sent = failed = 0
        for pk in queryset.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED]
        ).values_list("pk", flat=True):
            result = notifications.deliver(pk)
            if result is not None and result.status == Notification.Status.SENT:
                sent += 1
            else:
                failed += 1
        self.message_user(request, f"{sent} sent, {failed} still failing.")
