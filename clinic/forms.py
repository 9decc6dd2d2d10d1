"""Form pieces shared by the public and the staff forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

# Django's own words for an empty required field, which name nothing.
DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_CHOSEN = (forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField)


def plain_required_message(field: forms.Field) -> str:
    """ "Choose “Clinician”." or "Enter “Reason”.": the field named, as the patient side does
    ("Enter your name..."), for a field that set no message of its own. In English: staff pages
    are (clinic.language), and the patient's forms write each message themselves."""
    verb = "Choose “%(label)s”." if isinstance(field, _CHOSEN) else "Enter “%(label)s”."
    if isinstance(field, forms.BooleanField):
        verb = "Tick “%(label)s”."
    return verb % {"label": field.label or "this field"}


class PlainRequiredMessages(forms.BaseForm):
    """Staff forms, like the patient's, say which field is empty in plain words, never Django's
    "This field is required.". A message a field sets itself is kept; the others get
    `plain_required_message`. Applied when the form is cleaned, so the fields a form adds in
    its own __init__ are covered too (each form instance has its own copy of its fields)."""

    def full_clean(self):
        for field in self.fields.values():
            if str(field.error_messages.get("required", "")) == str(DJANGO_REQUIRED):
                field.error_messages = {
                    **field.error_messages,
                    "required": plain_required_message(field),
                }
        super().full_clean()


class HoneypotMixin(forms.Form):
    """A field people never see or fill in; automated form-fillers do.

    It is out of sight, out of the tab order and hidden from screen readers (rendered by
    templates/clinic/_honeypot.html), so nobody using assistive technology is asked to leave it
    empty. A view checks `caught_bot` first and, when it is set, stores nothing and answers as
    if all went well: a bot is not told what gave it away.
    """

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def caught_bot(self) -> bool:
        if not self.is_bound:
            return False
        return bool(str(self.data.get(self.add_prefix("website"), "")).strip())

    def clean(self):
        cleaned = super().clean()
        # Not part of what the form collects: keep it out of cleaned_data.
        if cleaned is not None:
            cleaned.pop("website", None)
        return cleaned


class StartIntakeForm(HoneypotMixin):
    """The welcome page's "Start my intake" button: nothing to fill in but the honeypot."""
