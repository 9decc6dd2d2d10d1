"""Model permissions for the three staff roles.

The staff pages check roles (clinic.roles.role_required); these permissions say the same thing
to the Django admin and to anyone reading a group in it:

- clinician: reads submissions and their screening, assigns, acknowledges urgent ones, decides;
- coordinator: reads submissions (the pages show them contact details, outcome and decisions,
  what booking needs, not the answers) and decisions;
- administrator: every permission that exists now (the appointments app adds its own later).

Audit events only have a "view" permission: nobody adds, changes or deletes them by hand.
"""

from django.db import migrations

CLINICIAN = [
    "screening.view_submission",
    "screening.view_screeningresult",
    "screening.view_clinicthresholds",
    "screening.add_decision",
    "screening.view_decision",
    "screening.add_assignment",
    "screening.view_assignment",
    "screening.add_acknowledgement",
    "screening.view_acknowledgement",
]
COORDINATOR = [
    "screening.view_submission",
    "screening.view_decision",
]


def _permissions(Permission, names):
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    # Permissions are normally created after the last migration; create them now so the groups
    # can be given them in this one.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinician, _ = Group.objects.get_or_create(name="clinician")
    coordinator, _ = Group.objects.get_or_create(name="coordinator")
    administrator, _ = Group.objects.get_or_create(name="administrator")
    clinician.permissions.add(*_permissions(Permission, CLINICIAN))
    coordinator.permissions.add(*_permissions(Permission, COORDINATOR))
    administrator.permissions.add(*Permission.objects.all())


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["clinician", "coordinator", "administrator"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("clinic", "0002_audit_event"),
        ("screening", "0002_review"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
