"""Step 8: consent and signature, on the review page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import IntakeForm, agreement, has_a_letter, single_spaced, text

C = q.CONSENT


def channels_in_words(channels) -> str:
    words = [
        gettext(option.text).lower()
        for option in q.CONTACT_CHANNELS
        if option.code in (channels or [])
    ]
    if len(words) <= 1:
        return "".join(words) or gettext("the ways you chose")
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(words[:-1]), "last": words[-1]}


def _privacy_help():
    return format_html(
        gettext("Read {link} (opens in a new tab)."),
        link=format_html(
            '<a href="/privacy/" target="_blank" rel="noopener">{}</a>',
            gettext("how we protect your information"),
        ),
    )


class ConsentForm(IntakeForm):
    uses_context = True
    not_emergency_service = agreement(
        C["not_emergency_service"],
        _("Check this box to confirm you understand this form is not an emergency service"),
    )
    privacy_notice = agreement(
        C["privacy_notice"],
        _("Check this box to confirm you have read how we protect your information"),
        help_text=lazy(_privacy_help, SafeString)(),
    )
    contact_by_chosen_channels = agreement(
        C["contact_by_chosen_channels"],
        _("Check this box so that we may contact you about your intake"),
    )
    signature = text(
        C["signature"],
        message=_("Type your full name to sign"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels = channels_in_words(self.context.get("contact_channels"))
        self.own_fields()
        self.fields["contact_by_chosen_channels"].label = gettext(
            "The clinic may contact me by %(channels)s about my intake."
        ) % {"channels": channels}

    def clean_signature(self):
        value = single_spaced(self.cleaned_data["signature"])
        if not has_a_letter(value):
            raise ValidationError(gettext("Type your name using letters"))
        return value
