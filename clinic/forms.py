"""Form pieces shared by the public forms."""

from django import forms


class HoneypotMixin(forms.Form):
    """A field people never see or fill in; automated form-fillers do.

    It is hidden from sight, from screen readers and from the tab order, so a person using
    assistive technology is never asked to leave it empty.
    """

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "clinic-hp"}
        ),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Please leave this field empty.")
        return ""
