"""Form pieces shared by the public forms."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
