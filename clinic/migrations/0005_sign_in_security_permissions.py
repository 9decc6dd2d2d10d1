"""Administrators reset a colleague's authenticator app (delete the TOTP device) and lift a
sign-in lockout (delete the access attempt) in the Django admin. They may read and delete
those records, never add or change them: a key typed by someone else is no second factor."""

from django.db import migrations

PERMISSIONS = [
    ("otp_totp", "view_totpdevice"),
    ("otp_totp", "delete_totpdevice"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for label in ("otp_totp", "axes"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="administrator")
    for app_label, codename in PERMISSIONS:
        administrator.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator = Group.objects.filter(name="administrator").first()
    if administrator is None:
        return
    for app_label, codename in PERMISSIONS:
        administrator.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0004_sign_in_security_actions"),
        ("otp_totp", "0003_add_timestamps"),
        ("axes", "0009_add_session_hash"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
