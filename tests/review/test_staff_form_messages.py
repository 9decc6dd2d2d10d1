"""Staff forms say which field is empty in plain words, as the patient's do, never Django's
"This field is required." (issue 13): every staff form's fields walked, and the forms posted
empty through their pages."""

import inspect
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse

from appointments import booking
from appointments import forms as appointment_forms
from appointments.models import Slot
from clinic import views_audit
from clinic.forms import DJANGO_REQUIRED, HoneypotMixin, PlainRequiredMessages
from screening.engine import DEFAULT_THRESHOLDS
from screening.review import forms as review_forms
from tests.factories import intake_document, make_linked_submission, make_slot
from tests.review.helpers import make_outcome_submission, signed_in_client, text

DJANGO_WORDS = str(DJANGO_REQUIRED)


def staff_form_classes():
    """Every form class the staff modules define; the patient's (with a honeypot) apart."""
    for module in (review_forms, appointment_forms, views_audit):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
                and not issubclass(cls, HoneypotMixin)
            ):
                yield cls


def arguments(cls, user, submission):
    """What each staff form needs besides its data; a new form fails here until it is added."""
    needs = {
        review_forms.QueueFilterForm: {"user": user},
        review_forms.OutreachAttemptForm: {"submission": submission},
        review_forms.ThresholdsForm: {"current": DEFAULT_THRESHOLDS},
        appointment_forms.BookForm: {"slots": Slot.objects.none(), "can_override": True},
    }
    known = set(needs) | {
        review_forms.AssignForm,
        review_forms.AcknowledgeForm,
        review_forms.CloseEpisodeForm,
        review_forms.DecisionForm,
        appointment_forms.SlotDetailsForm,
        appointment_forms.SlotForm,
        appointment_forms.WeeklyPatternForm,
        appointment_forms.ReasonForm,
        appointment_forms.CancelForm,
        views_audit.AuditFilterForm,
    }
    assert cls in known, f"{cls.__name__}: add it to this test's forms"
    return needs.get(cls, {})


@pytest.mark.django_db
def test_every_staff_form_posted_empty_names_each_empty_field(clinician):
    submission = make_outcome_submission("urgent")
    classes = sorted(staff_form_classes(), key=lambda cls: cls.__name__)
    assert len(classes) >= 14
    checked = 0
    for cls in classes:
        form = cls(data={}, **arguments(cls, clinician, submission))
        form.is_valid()
        messages = [str(error) for errors in form.errors.values() for error in errors]
        assert DJANGO_WORDS not in messages, cls.__name__
        for name, field in form.fields.items():
            if not field.required:
                continue
            message = str(field.error_messages["required"])
            assert message != DJANGO_WORDS, (cls.__name__, name)
            assert message.endswith("."), (cls.__name__, name, message)
            if not field.widget.is_hidden:
                assert message in messages, (cls.__name__, name, message)
            checked += 1
    assert checked >= 20  # the walk reached the fields, not just the classes


def test_a_field_without_its_own_message_gets_one_naming_it():
    class Example(PlainRequiredMessages, forms.Form):
        name = forms.CharField(label="Their name")
        colour = forms.ChoiceField(label="Colour", choices=[("red", "Red")])
        agreed = forms.BooleanField(label="Agreed")
        kept = forms.CharField(label="Kept", error_messages={"required": "Say what is kept."})

    form = Example(data={})

    assert form.errors == {
        "name": ["Enter “Their name”."],
        "colour": ["Choose “Colour”."],
        "agreed": ["Tick “Agreed”."],
        "kept": ["Say what is kept."],
    }
    # Another instance starts from the class's fields, untouched.
    assert Example.base_fields["name"].error_messages["required"] == DJANGO_REQUIRED


@pytest.mark.django_db
def test_staff_pages_posted_empty_say_what_is_missing(clinician, coordinator, administrator):
    urgent = make_outcome_submission("urgent")
    _token, submission = make_linked_submission(intake_document())
    request = booking.request_consultation(
        submission, mode="either", contact_preference="email", windows=()
    )
    make_slot(clinician, starts_in=timedelta(days=3))
    posts = [
        (clinician, reverse("staff:decide", args=[urgent.reference]), "Choose a decision."),
        (clinician, reverse("staff:acknowledge", args=[urgent.reference]), "Choose what was done."),
        (clinician, reverse("staff:log_outreach", args=[urgent.reference]), "Choose what happened"),
        (
            clinician,
            reverse("staff:close_episode", args=[urgent.reference]),
            "Choose how the urgent episode ended",
        ),
        (administrator, reverse("staff:thresholds"), "Enter a number for “Minimum age”."),
        (coordinator, reverse("appointments_staff:add_slot"), "Enter the day."),
        (coordinator, reverse("appointments_staff:add_pattern"), "Choose at least one day"),
        (
            coordinator,
            reverse("appointments_staff:close_request", args=[request.pk]),
            "Enter the reason",
        ),
        (coordinator, reverse("appointments_staff:book", args=[request.pk]), "Choose a slot."),
    ]
    for user, url, expected in posts:
        # One empty box: the thresholds page takes a POST with no fields at all for a GET.
        response = signed_in_client(user).post(url, {"min_age": ""})
        assert response.status_code in (200, 400), (url, response.status_code)
        body = text(response)
        assert expected in body, url
        assert DJANGO_WORDS not in body, url
