"""The support page's "please call me" request: a name, a number, the best time and consent to
be called. It goes to the clinician on call as urgent; none of the intake's answers go with it."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.forms import HoneypotMixin
from screening.models import BestTime

from .fields import check_phone, has_a_letter, single_spaced


class CallMeForm(HoneypotMixin):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Enter your name, so we know who to ask for"),
            "max_length": _("Keep your name to 100 characters or fewer"),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("The number we should call, with the area code, like 910 555 0142."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": _("Enter the phone number we should call"),
            "max_length": _("This number looks too long: check it and try again"),
        },
    )
    best_time = forms.ChoiceField(
        label=_("Best time to call"),
        choices=BestTime.choices,
        initial=BestTime.SOON,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the best time to call"),
            "invalid_choice": _("Choose one of the times shown"),
        },
    )
    consent = forms.BooleanField(
        label=_("Someone from the clinic may call me at this number."),
        error_messages={"required": _("Tick the box to let us call you at this number")},
    )

    def clean_name(self):
        name = single_spaced(self.cleaned_data["name"])
        if not has_a_letter(name):
            raise forms.ValidationError(gettext("Enter your name, so we know who to ask for"))
        return name

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])
