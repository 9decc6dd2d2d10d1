"""The demo's on-call rota for `manage.py setup_demo`: the demo clinician on call on weekdays
from 8:00 to 20:00 (clinic time) and one escalation contact, so an urgent intake sent on a
laptop shows its alert (and, 30 minutes on, its escalation) in the console email backend."""

from datetime import time

from screening.models import EscalationContact, OnCallShift

DEMO_CONTACT = ("Demo medical director", "director@clinic.example", "+1 910 555 0111")


def create_demo_rota(*, clinician):
    """Create the demo rota once; returns how many weekly shifts were created (none on a second
    run)."""
    EscalationContact.objects.get_or_create(
        email=DEMO_CONTACT[1], defaults={"name": DEMO_CONTACT[0], "phone": DEMO_CONTACT[2]}
    )
    if OnCallShift.objects.filter(clinician=clinician).exists():
        return 0
    OnCallShift.objects.bulk_create(
        OnCallShift(weekday=weekday, starts=time(8), ends=time(20), clinician=clinician)
        for weekday in range(5)
    )
    return 5
