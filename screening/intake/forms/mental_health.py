"""Step 3: mental-health history, with repeatable rows for antidepressants and treatments
(the medicines row is used by step 7)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import (
    MAX_ROWS,
    OLDEST_AGE,
    IntakeForm,
    Reveal,
    choice,
    decimal_number,
    several,
    single_spaced,
    text,
    whole_number,
    yes_no_unsure,
)

M = q.MENTAL_HEALTH
TRIAL = q.TRIAL_ROW
TREATMENT = q.TREATMENT_ROW
MEDICINE = q.MEDICATION_ROW


class MentalHealthForm(IntakeForm):
    uses_context = True
    diagnoses = several(
        M["diagnoses"], required=False, invalid=_("Choose from the conditions shown")
    )
    diagnoses_other = text(
        M["diagnoses_other"],
        required=False,
        message=_("Tell us what else you have been told you have"),
    )
    depression_onset_age = whole_number(M["depression_onset_age"], 1, OLDEST_AGE, required=False)
    hospitalizations = whole_number(
        M["hospitalizations"],
        0,
        99,
        message=_("Enter how many hospital stays you have had, or 0"),
    )
    psychosis_now = yes_no_unsure(M["psychosis_now"])
    psychosis_past = yes_no_unsure(M["psychosis_past"])
    psychosis_family = yes_no_unsure(M["psychosis_family"])
    mania_now = yes_no_unsure(M["mania_now"])

    reveals = (
        Reveal.of(
            "diagnosis-other",
            [M["diagnoses_other"]],
            required=True,
            hint=_("You chose “Something else”."),
        ),
    )

    def layout(self):
        return [
            "diagnoses",
            self.reveal("diagnosis-other"),
            "depression_onset_age",
            "hospitalizations",
            self.place("psychosis_now"),
            self.place("psychosis_past"),
            self.place("psychosis_family"),
            self.place("mania_now"),
        ]

    def clean_depression_onset_age(self):
        onset = self.cleaned_data["depression_onset_age"]
        age = self.context.get("age")
        if onset is not None and age is not None and onset > age:
            raise ValidationError(
                gettext("This is older than your age now (%(age)s): check the number")
                % {"age": age}
            )
        return onset


class RowForm(IntakeForm):
    """One repeatable row: the formset adds the "remove" box."""

    @classmethod
    def label_of(cls, name, value) -> str:
        return str(dict(cls.base_fields[name].choices).get(value, value))

    @classmethod
    def summary_line(cls, row: dict) -> str:
        return ", ".join(str(value) for value in row.values())

    def layout(self):
        return [name for name in self.fields if name != "DELETE"] + (
            ["DELETE"] if "DELETE" in self.fields else []
        )


class TrialForm(RowForm):
    medication = text(
        TRIAL["medication"],
        max_length=100,
        message=_("Enter the medicine's name, or remove this row"),
    )
    max_daily_dose_mg = decimal_number(
        TRIAL["max_daily_dose_mg"],
        0,
        3000,
        out_of_range=_(
            "Check the dose: enter the most you took in one day, in mg, for example 150"
        ),
    )
    weeks = decimal_number(TRIAL["weeks"], 0, 1000)
    current_episode = choice(
        TRIAL["current_episode"],
        blank=_("Choose one"),
        message=_("Choose whether it was during this period of depression"),
        widget=forms.Select,
    )
    improvement = choice(
        TRIAL["improvement"],
        blank=_("Choose one"),
        message=_("Choose how much it helped"),
        widget=forms.Select,
    )

    def clean_medication(self):
        return single_spaced(self.cleaned_data["medication"])

    @classmethod
    def summary_line(cls, row: dict) -> str:
        parts = [row.get("medication", "")]
        if row.get("max_daily_dose_mg") is not None:
            parts.append(
                gettext("up to %(dose)s mg a day") % {"dose": f"{row['max_daily_dose_mg']:g}"}
            )
        if row.get("weeks") is not None:
            parts.append(gettext("%(weeks)s weeks") % {"weeks": f"{row['weeks']:g}"})
        parts.append(
            {
                "yes": gettext("during this period of depression"),
                "no": gettext("during an earlier period"),
                "unsure": gettext("not sure which period"),
            }.get(row.get("current_episode"), "")
        )
        parts.append(cls.label_of("improvement", row.get("improvement")).lower())
        return ", ".join(part for part in parts if part)


class TreatmentForm(RowForm):
    kind = choice(
        TREATMENT["kind"],
        blank=_("Choose one"),
        message=_("Choose the treatment"),
        widget=forms.Select,
    )
    outcome = choice(
        TREATMENT["outcome"],
        blank=_("Choose one"),
        message=_("Choose how it went"),
        widget=forms.Select,
    )

    @classmethod
    def summary_line(cls, row: dict) -> str:
        return (
            f"{cls.label_of('kind', row.get('kind'))}: "
            f"{cls.label_of('outcome', row.get('outcome')).lower()}"
        )


class MedicationForm(RowForm):
    name = text(MEDICINE["name"], max_length=200, message=_("Enter the medicine's name"))
    dose = text(MEDICINE["dose"], max_length=100, required=False)
    frequency = text(MEDICINE["frequency"], max_length=100, required=False)

    @classmethod
    def summary_line(cls, row: dict) -> str:
        return ", ".join(row[key] for key in ("name", "dose", "frequency") if row.get(key))


class RowFormSet(forms.BaseFormSet):
    """Rows a person may leave empty: a blank row is skipped, not an error."""

    noun = "row"

    def __init__(self, *args, context=None, **kwargs):
        self.context = context or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "context": self.context}

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = format_lazy(_("Remove this {noun}"), noun=self.noun)

    def rows(self) -> list[dict]:
        return [
            form.to_answers()
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE") and form.cleaned_data
        ]

    def hide_errors(self):
        self._errors = [ErrorDict() for _ in self.forms]
        self._non_form_errors = ErrorList()
        for form in self.forms:
            form.hide_errors()


def row_formset(form, noun, plural):
    formset = forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )
    formset.noun = noun
    formset.plural = plural
    return formset


TrialFormSet = row_formset(TrialForm, _("antidepressant"), _("antidepressants"))
TreatmentFormSet = row_formset(TreatmentForm, _("treatment"), _("treatments"))
MedicationFormSet = row_formset(MedicationForm, _("medicine"), _("medicines"))
