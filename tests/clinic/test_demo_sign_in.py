"""The demo accounts sign in with the printed password and a code from the printed key."""

from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_setup_demo_prints_each_accounts_key_and_a_code_that_signs_in(capsys):
    call_command("setup_demo", no_migrate=True)
    first = capsys.readouterr().out
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    call_command("setup_demo", no_migrate=True)

    assert set(keys) == {"admin", "clinician", "coordinator"}
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == keys  # fixed
    assert "demo_code <username>" in first
    line = next(row for row in first.splitlines() if " clinician / " in row)
    printed_key = line.split("authenticator key: ")[1].split("   ")[0].replace(" ", "")
    bin_key = b32decode(printed_key + "=" * (-len(printed_key) % 8))
    assert bin_key == TOTPDevice.objects.get(user__username="clinician").bin_key

    client = Client()
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/", {"username": "clinician", "password": "demo-clinician-pass-2026"}
    )
    response = client.post("/accounts/two-factor/", {"otp_token": f"{totp(bin_key):06d}"})
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


@override_settings(DEBUG=True)
def test_demo_code_prints_the_current_code(capsys):
    call_command("setup_demo", no_migrate=True)
    device = TOTPDevice.objects.get(user__username="coordinator")
    out = StringIO()

    call_command("demo_code", "coordinator", stdout=out)

    assert out.getvalue().strip() == f"{totp(device.bin_key):06d}"
    with pytest.raises(CommandError):
        call_command("demo_code", "nobody")


@override_settings(DEBUG=False)
def test_demo_code_refuses_outside_development():
    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("demo_code", "admin")
