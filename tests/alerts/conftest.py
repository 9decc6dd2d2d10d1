"""The rota, the contacts and the worker for the alert tests."""

import signal
from datetime import time

import pytest
from django.core.management import call_command

from screening.models import EscalationContact, OnCallShift


@pytest.fixture
def weekday_rota(clinician):
    """The clinician on call on weekdays, 8:00 to 20:00 clinic time."""
    for weekday in range(5):
        OnCallShift.objects.create(
            weekday=weekday, starts=time(8), ends=time(20), clinician=clinician
        )
    return clinician


@pytest.fixture
def contact(db):
    return EscalationContact.objects.create(
        name="Medical director", email="director@clinic.example", phone="+1 910 555 0111"
    )


def run_worker():
    """The real worker (django-tasks-db's db_worker) over every task that is due now, in this
    process (so the clock a test moves is the worker's clock), then back. The worker sets its
    own signal handlers; the test runner's come back afterwards."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
