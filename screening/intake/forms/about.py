"""Steps 1 and 2: about you, and the care team with an emergency contact."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import (
    OLDEST_AGE,
    DatePartsField,
    IntakeForm,
    Reveal,
    check_phone,
    choice,
    email,
    has_a_letter,
    heading,
    several,
    single_spaced,
    text,
    yes_no_unsure,
)

A = q.ABOUT
C = q.CARE_TEAM


class AboutForm(IntakeForm):
    legal_name = text(
        A["legal_name"],
        message=_("Enter your full legal name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_name = text(
        A["preferred_name"],
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    date_of_birth = DatePartsField(A["date_of_birth"], autocomplete="bday")
    sex_at_birth = choice(
        A["sex_at_birth"],
        message=_("Choose your sex assigned at birth, or “Prefer not to say”"),
    )
    gender_identity = text(A["gender_identity"], max_length=100, required=False)
    preferred_language = choice(
        A["preferred_language"], message=_("Choose the language you prefer")
    )
    email = email(
        A["email"],
        _("Enter your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = text(
        A["phone"],
        max_length=30,
        message=_("Enter your mobile phone number"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    postal_code = text(
        A["postal_code"],
        max_length=10,
        message=_("Enter your ZIP code"),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-short"}
        ),
    )
    state = choice(
        A["state"],
        blank=_("Choose your state"),
        message=_("Choose your state"),
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    contact_channels = several(
        A["contact_channels"],
        message=_("Choose at least one way we may contact you"),
        invalid=_("Choose from the ways shown"),
    )
    heard_about = choice(
        A["heard_about"], blank=_("Choose one"), required=False, widget=forms.Select
    )
    heard_about_other = text(A["heard_about_other"], required=False)

    reveals = (
        Reveal.of("heard-other", [A["heard_about_other"]], hint=_("Tell us where, if you like.")),
    )

    def layout(self):
        return [
            "legal_name",
            "preferred_name",
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "preferred_language",
            heading(_("How to reach you")),
            "email",
            "phone",
            "postal_code",
            "state",
            "contact_channels",
            "heard_about",
            self.reveal("heard-other"),
        ]

    def clean_legal_name(self):
        value = single_spaced(self.cleaned_data["legal_name"])
        if not has_a_letter(value):
            raise ValidationError(gettext("Enter your name using letters"))
        return value

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError(gettext("Date of birth must be in the past"))
        if today.year - born.year > OLDEST_AGE:
            raise ValidationError(
                gettext("Check the year: that would make you older than %(age)s")
                % {"age": OLDEST_AGE}
            )
        return born

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}(-?\d{4})?", value):
            raise ValidationError(gettext("Enter a 5-digit ZIP code, like 28401"))
        return value


class CareTeamForm(IntakeForm):
    psychiatrist = text(C["psychiatrist"], required=False)
    therapist = text(C["therapist"], required=False)
    primary_care = text(C["primary_care"], required=False)
    referring_clinician = text(C["referring_clinician"], required=False)
    emergency_contact_name = text(
        C["emergency_contact_name"], message=_("Enter your emergency contact's name")
    )
    emergency_contact_relation = text(
        C["emergency_contact_relation"],
        max_length=100,
        message=_("Enter how your emergency contact is related to you"),
    )
    emergency_contact_phone = text(
        C["emergency_contact_phone"],
        max_length=30,
        message=_("Enter your emergency contact's phone number"),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    driver_available = yes_no_unsure(C["driver_available"])

    def layout(self):
        return [
            heading(
                _("Your care team"),
                first=True,
                intro=_("Treatment here works best alongside the care you already have."),
            ),
            "psychiatrist",
            "therapist",
            "primary_care",
            "referring_clinician",
            heading(
                _("Emergency contact"),
                intro=_(
                    "Someone we may call if we are worried about your safety and cannot reach you."
                ),
            ),
            "emergency_contact_name",
            "emergency_contact_relation",
            "emergency_contact_phone",
            self.place("driver_available"),
        ]

    def clean_emergency_contact_name(self):
        value = single_spaced(self.cleaned_data["emergency_contact_name"])
        if not has_a_letter(value):
            raise ValidationError(gettext("Enter your emergency contact's name using letters"))
        return value

    def clean_emergency_contact_phone(self):
        return check_phone(self.cleaned_data["emergency_contact_phone"])
