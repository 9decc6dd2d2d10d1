"""Model permissions for appointments, given to the staff roles (the pages check roles through
clinic.roles; these say the same to the Django admin):

- coordinator: everything about slots, requests and appointments; reads history; reads and
  retries emails;
- administrator: every permission of this app;
- clinician: reads slots and appointments (their schedule page shows their own).
"""

from django.db import migrations

MODELS = ["slot", "appointmentrequest", "appointment", "appointmentevent", "notification"]
COORDINATOR = [
    *(f"{verb}_{model}" for verb in ("add", "change", "delete", "view") for model in MODELS[:3]),
    "view_appointmentevent",
    "view_notification",
    "change_notification",
]
CLINICIAN = ["view_slot", "view_appointment"]


def grant(apps, schema_editor):
    # Permissions are normally created after the last migration; create them now so the groups
    # can be given them in this one.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("appointments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="appointments")
    for name, codenames in (
        ("coordinator", COORDINATOR),
        ("clinician", CLINICIAN),
        ("administrator", None),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(ours if codenames is None else ours.filter(codename__in=codenames)))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="appointments")
    for group in Group.objects.filter(name__in=["clinician", "coordinator", "administrator"]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
