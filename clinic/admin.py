"""The Django admin: administrators manage staff accounts and read the audit trail there.

- Only administrators reach /admin/ (a clinician or coordinator account is refused even though
  it is marked as staff so the site shows it the staff workspace).
- Staff accounts are managed with their roles (the clinician, coordinator and administrator
  groups); "staff status" follows the roles, so it is not offered as a separate switch.
- Audit events can be read and filtered, never added, changed or deleted.
- Signing in happens on the staff sign-in page only (lockout, second factor); an administrator
  resets a colleague's authenticator app by deleting it under "TOTP devices", lifts a lockout
  by deleting it under "Access attempts", and lets a colleague enrol an app with the staff
  list's "Send authenticator invitation" action (e-mailed, single use, audited).
"""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from clinic import two_factor
from clinic.models import AuditEvent
from clinic.roles import ADMINISTRATOR, ROLES, has_role


def _administrators_only(request):
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and two_factor.is_verified(user)
        and has_role(user, ADMINISTRATOR)
    )


def _sign_in_through_the_staff_page(request, extra_context=None):
    """The admin has no sign-in form of its own: one way in for everybody, with the lockout
    and the second step. Signed in but without the code: that step; with it but not an
    administrator: refused."""
    if not request.user.is_authenticated:
        target = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(target, reverse("login"), "next")
    if not two_factor.is_verified(request.user):
        target = two_factor.safe_next(request, reverse("admin:index"))
        return redirect_to_login(target, reverse("two_factor"), "next")
    if not has_role(request.user, ADMINISTRATOR):
        raise PermissionDenied
    return redirect(two_factor.safe_next(request, reverse("admin:index")))


admin.site.has_permission = _administrators_only
admin.site.login = _sign_in_through_the_staff_page
admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic administration"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_reference", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["actor_label", "target_reference"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_reference",
        "ip_address",
        "detail",
    ]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Background tasks (alerts, escalations, emails: README "Urgent alerts and background work"):
# administrators read what ran, what waits and what failed; nobody changes a task here.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class BackgroundTaskAdmin(DBTaskResultAdmin):
    def has_module_permission(self, request):
        return has_role(request.user, ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, ADMINISTRATOR)


User = get_user_model()
log = logging.getLogger(__name__)


class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active"]
    list_filter = ["groups", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        (
            "Roles and access",
            {
                "fields": ("is_active", "groups"),
                "description": (
                    "Roles: clinician (reviews and decides), coordinator (appointments and the "
                    "contact details they need), administrator (everything). Deactivate an "
                    "account instead of deleting it: the audit trail keeps pointing at it."
                ),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                    "groups",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
    actions = ["send_authenticator_invitation"]

    @admin.action(description="Send authenticator invitation")
    def send_authenticator_invitation(self, request, queryset):
        """E-mail each chosen colleague a single-use link to enrol an authenticator app."""
        for user in queryset.order_by("username"):
            refusal = two_factor.invitation_refusal(user)
            if refusal:
                self.message_user(
                    request,
                    f"No invitation for {user.get_username()}: {refusal}.",
                    messages.WARNING,
                )
                continue
            try:
                two_factor.send_invitation(request, user)
            except Exception:  # a mail outage: say so, the administrator tries again later
                log.exception("Could not e-mail an authenticator invitation")
                self.message_user(
                    request,
                    f"Could not send the invitation to {user.get_username()} just now.",
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                f"Invitation sent to {user.get_username()} at {user.email}; it works once, "
                f"for {settings.TWO_FACTOR_INVITATION_HOURS} hours.",
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all() if g.name in ROLES)) or "none"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label = "Roles"
            field.help_text = ""
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        # Staff status follows the roles: it lets the site show the staff workspace, and /admin/
        # additionally requires the administrator role.
        is_staff = user.is_superuser or user.groups.filter(name__in=ROLES).exists()
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])


# Recovery codes are kept as django-otp keeps them, readable: no administrator page shows them
# (a colleague replaces their own from /accounts/two-factor/recovery-codes/).
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffAdmin)
