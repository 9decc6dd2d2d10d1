"""Factories for fake patients and staff. Intakes start from the reference example and change
only what a test cares about."""

import copy
import json
from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

EXAMPLE_INTAKE = json.loads((Path(__file__).parent / "data" / "intake-example.json").read_text())


def intake_document(**sections):
    """The example intake with sections updated, e.g. intake_document(medical={"pregnant": "yes"}).
    A value of None removes the key."""
    doc = copy.deepcopy(EXAMPLE_INTAKE)
    for section, changes in sections.items():
        if isinstance(changes, dict) and isinstance(doc.get(section), dict):
            for key, value in changes.items():
                if value is None:
                    doc[section].pop(key, None)
                else:
                    doc[section][key] = value
        elif changes is None:
            doc.pop(section, None)
        else:
            doc[section] = changes
    return doc


URGENT_CHANGES = {"questionnaires": {"phq9": [2, 3, 2, 3, 1, 2, 2, 1, 2]}}
EXCLUDED_CHANGES = {"medical": {"pregnant": "yes"}}
REVIEW_CHANGES = {"medical": {"seizures": "yes"}}


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def make_submission(intake=None, **kwargs):
    from screening.models import Submission

    return Submission.objects.create_screened(intake or intake_document(), **kwargs)


def invite(submission, by=None):
    """A clinician's decision "invite to a consultation": the intake is cleared for booking
    whatever its outcome (appointments.booking.clearance)."""
    from screening.models import Decision

    latest = Decision.objects.latest_for(submission)
    return Decision.record(
        submission,
        kind=Decision.Kind.INVITE,
        note="Read the intake; invite.",
        by=by or StaffFactory(role="clinician"),
        seen_decision_id=latest.pk if latest else 0,
    )


# --- Appointments -------------------------------------------------------------------------------


def make_linked_submission(intake=None):
    """A submitted intake reached through its private link: returns (token, submission)."""
    from screening.models import Draft

    draft, token = Draft.start()
    return token, make_submission(intake, draft=draft)


def make_slot(clinician=None, *, starts_in=None, minutes=60, mode="either", **kwargs):
    """A slot of `clinician` (a new clinician when None) starting `starts_in` from now
    (default: three days, on the hour)."""
    from datetime import timedelta

    from django.utils import timezone

    from appointments.models import Slot

    if clinician is None:
        clinician = StaffFactory(role="clinician")
    if starts_in is None:
        starts_in = timedelta(days=3)
    starts_at = (timezone.now() + starts_in).replace(minute=0, second=0, microsecond=0)
    return Slot.objects.create(
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        mode=mode,
        **kwargs,
    )


def make_appointment_request(submission=None, **kwargs):
    """An open consultation request (of a new eligible submission when none is given)."""
    from appointments.models import AppointmentRequest

    kwargs.setdefault("mode", "either")
    return AppointmentRequest.objects.create(submission=submission or make_submission(), **kwargs)


def make_callback_request(**kwargs):
    from appointments.models import AppointmentRequest

    kwargs.setdefault("callback_name", "Sam Caller")
    kwargs.setdefault("callback_phone", "910 555 0177")
    kwargs.setdefault("best_time", "morning")
    return AppointmentRequest.objects.create(**kwargs)


def csrf_post(client, page_url, post_url, data):
    """POST as a browser does: open the page, then send its CSRF cookie back with the form
    (use with the csrf_client fixture, which enforces the check)."""
    client.get(page_url)
    token = client.cookies["csrftoken"].value
    return client.post(post_url, {**data, "csrfmiddlewaretoken": token})
