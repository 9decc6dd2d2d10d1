"""Administrators keep the on-call rota, the escalation contacts and the alert settings in the
admin, and read the urgent alerts there (which only the alert tasks write)."""

from django.db import migrations

PERMISSIONS = [
    *(
        f"{action}_{model}"
        for model in ("oncallshift", "oncallchange", "escalationcontact")
        for action in ("add", "change", "delete", "view")
    ),
    "add_alertsettings",
    "change_alertsettings",
    "view_alertsettings",
    "view_urgentalert",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("screening")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label="screening", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator = Group.objects.filter(name="administrator").first()
    if administrator is not None:
        administrator.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="screening", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clinic", "0007_urgent_alert_audit_actions"),
        ("screening", "0013_urgent_alerts"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
