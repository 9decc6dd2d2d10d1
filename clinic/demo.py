"""Demo staff accounts for `manage.py setup_demo` (appointments/management/commands/setup_demo.py,
which then adds the demo submissions, screening/demo.py, and the demo schedule,
appointments/demo.py). The command refuses to run without DEBUG: these passwords are public.

Each account gets a fixed authenticator key, so the key printed once keeps working after the
command runs again.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

# Demo accounts only exist to show the app on a laptop; setup_demo refuses to run without DEBUG.
DEMO_STAFF = [
    # username, role, first, last, password
    ("admin", "administrator", "Avery", "Admin", "demo-admin-pass-2026"),
    ("clinician", "clinician", "Casey", "Clinician", "demo-clinician-pass-2026"),
    ("coordinator", "coordinator", "Corey", "Coordinator", "demo-coordinator-pass-2026"),
]


DEMO_DEVICE = "Demo authenticator"


def demo_totp_key(username):
    """A fixed authenticator key per demo account (hex, as django-otp stores it), so the key
    printed once keeps working after setup_demo runs again. Demo accounts only."""
    return hashlib.sha1(f"clinic-demo-totp-{username}".encode(), usedforsecurity=False).hexdigest()


def create_demo_staff():
    """Create or reset the demo accounts (password, role, authenticator key); returns
    (username, role, password, device) for each."""
    User = get_user_model()
    accounts = []
    for username, role, first, last, password in DEMO_STAFF:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@clinic.example",
            },
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        device, _ = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE,
            defaults={"key": demo_totp_key(username), "confirmed": True},
        )
        accounts.append((username, role, password, device))
    return accounts
