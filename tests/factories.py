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
