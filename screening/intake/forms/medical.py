"""Step 5: medical history (blood pressure, heart and brain, other conditions, height and
weight, pregnancy, allergies)."""

from decimal import Decimal

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML, Div
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import (
    DatePartsField,
    IntakeForm,
    Reveal,
    choice,
    decimal_number,
    heading,
    long_text,
    whole_number,
    yes_no_unsure,
)

MED = q.MEDICAL
CM_PER_INCH = Decimal("2.54")
KG_PER_LB = Decimal("0.45359237")
HEART_NAMES = tuple(question.name for question in q.HEART)
BRAIN_NAMES = tuple(question.name for question in q.BRAIN)
OTHER_NAMES = tuple(question.name for question in q.OTHER_CONDITIONS)
PREGNANCY_NAMES = tuple(question.name for question in q.PREGNANCY)
WHICH_OF_THESE = _("Which of these have you had?")
# Human ranges, said in words: a number outside them is almost always a slip of the finger.
HEIGHT_INCHES = (48, 90)  # 4 ft to 7 ft 6 in (the form's centimetres: 120 to 230)
WEIGHT_LB = (Decimal(80), Decimal(600))
WEIGHT_KG = (Decimal(36), Decimal(272))
WEIGHT_IN_POUNDS = _("Check the number: most adults weigh between 80 and 600 lb")
WEIGHT_IN_KILOGRAMS = _("Check the number: most adults weigh between 36 and 272 kg")


class MedicalForm(IntakeForm):
    uses_context = True
    hypertension = choice(MED["hypertension"])
    bp_systolic = whole_number(
        MED["bp_systolic"],
        60,
        260,
        required=False,
        out_of_range=_("Check the number: the top number of a reading is between 60 and 260"),
    )
    bp_diastolic = whole_number(
        MED["bp_diastolic"],
        30,
        160,
        required=False,
        out_of_range=_("Check the number: the bottom number of a reading is between 30 and 160"),
    )
    bp_measured_on = DatePartsField(
        MED["bp_measured_on"], required=False, noun=_("the date of the reading")
    )
    heart_any = yes_no_unsure(MED["heart_any"])
    brain_any = yes_no_unsure(MED["brain_any"])
    glaucoma = choice(MED["glaucoma"])
    eye_injury = yes_no_unsure(MED["eye_injury"])
    liver_disease = choice(MED["liver_disease"])
    thyroid = choice(MED["thyroid"])
    height_unit = choice(
        MED["height_unit"], message=_("Choose how you will give your height"), initial="ft_in"
    )
    height_cm = decimal_number(
        MED["height_cm"],
        120,
        230,
        message=_("Enter your height"),
        out_of_range=_("Check the number: most adults are between 120 and 230 cm tall"),
    )
    height_ft = whole_number(MED["height_ft"], 1, 8, required=False, message=_("Enter your height"))
    height_in = decimal_number(MED["height_in"], 0, 11.99, message=_("Enter your height"))
    # The limits in words depend on the unit: see clean().
    weight_value = decimal_number(
        MED["weight_value"],
        1,
        9999,
        required=True,
        message=_("Enter your weight"),
        out_of_range=_("Check the number: most adults weigh between 80 and 600 lb (36 and 272 kg)"),
    )
    weight_unit = choice(MED["weight_unit"], message=_("Choose pounds or kilograms"), initial="lb")
    has_allergies = choice(MED["has_allergies"], message=_("Choose yes or no"))
    allergies = long_text(MED["allergies"], message=_("List what you are allergic to"))
    ketamine_allergy = yes_no_unsure(MED["ketamine_allergy"])
    prior_anesthesia_or_ketamine_reaction = yes_no_unsure(
        MED["prior_anesthesia_or_ketamine_reaction"]
    )

    reveals = (
        Reveal.of("heart", q.HEART, required=True, hint=WHICH_OF_THESE),
        Reveal.of("brain", q.BRAIN, required=True, hint=WHICH_OF_THESE),
        Reveal.of("height-cm", [MED["height_cm"]], required=True, hint=""),
        Reveal.of(
            "height-ft",
            [MED["height_ft"], MED["height_in"]],
            required=("height_ft",),
            hint="",
        ),
        Reveal.of(
            "allergies",
            [MED["allergies"]],
            required=True,
            hint=_("You said you have allergies."),
        ),
    )

    summary_sections = (
        (_("Blood pressure"), ("hypertension", "bp_systolic", "bp_diastolic", "bp_measured_on")),
        (_("Heart, brain and eyes"),
         ("heart_any", *HEART_NAMES, "brain_any", *BRAIN_NAMES, "glaucoma", "eye_injury")),
        (_("Other conditions"), (*OTHER_NAMES, "liver_disease", "thyroid")),
        (_("Height and weight"), ()),
        (_("Pregnancy"), PREGNANCY_NAMES),
        (_("Allergies"), ("has_allergies", "allergies", "ketamine_allergy",
                          "prior_anesthesia_or_ketamine_reaction")),
    )  # fmt: skip

    def summary_extras(self, saved):
        lines = []
        height, weight = gettext("Height"), gettext("Weight")
        if saved.get("height_unit") == "ft_in" and "height_ft" in saved:
            inches = saved.get("height_in") or 0
            lines.append(
                (height, f"{saved['height_ft']} ft {inches:g} in ({saved['height_cm']:g} cm)")
            )
        elif "height_cm" in saved:
            lines.append((height, f"{saved['height_cm']:g} cm"))
        if saved.get("weight_unit") == "lb" and "weight_value" in saved:
            lines.append((weight, f"{saved['weight_value']:g} lb ({saved['weight_kg']:g} kg)"))
        elif "weight_value" in saved:
            lines.append((weight, f"{saved['weight_value']:g} kg"))
        return {self.summary_sections[3][0]: lines}

    def adapt(self):
        if self.context.get("sex_at_birth") not in q.PREGNANCY_RELEVANT:
            for name in PREGNANCY_NAMES:
                del self.fields[name]

    def layout(self):
        items = [
            heading(_("Blood pressure"), first=True),
            "hypertension",
            HTML(
                format_html(
                    '<fieldset class="mb-3 bp-reading"><legend class="form-label fs-6">{}'
                    '</legend><p class="small text-body-secondary">{}</p>',
                    gettext("Your most recent blood-pressure reading, if you know it (optional)"),
                    gettext("For example 128 over 82."),
                )
            ),
            Div("bp_systolic", "bp_diastolic", css_class="d-flex gap-3 flex-wrap"),
            "bp_measured_on",
            HTML("</fieldset>"),
            heading(_("Heart, brain and eyes")),
            self.place("heart_any"),
            self.reveal("heart"),
            self.place("brain_any"),
            self.reveal("brain"),
            "glaucoma",
            self.place("eye_injury"),
            heading(_("Other conditions")),
            *[self.place(name) for name in OTHER_NAMES],
            "liver_disease",
            "thyroid",
            heading(_("Height and weight")),
            InlineRadios("height_unit"),
            self.reveal("height-cm"),
            self.reveal("height-ft", Div("height_ft", "height_in", css_class="d-flex gap-3")),
            Div("weight_value", InlineRadios("weight_unit"), css_class="weight"),
        ]
        if "pregnant" in self.fields:
            items += [heading(_("Pregnancy")), *[self.place(name) for name in PREGNANCY_NAMES]]
        items += [
            heading(_("Allergies")),
            InlineRadios("has_allergies"),
            self.reveal("allergies"),
            self.place("ketamine_allergy"),
            self.place("prior_anesthesia_or_ketamine_reaction"),
        ]
        return items

    def clean_bp_measured_on(self):
        taken = self.cleaned_data["bp_measured_on"]
        if taken and taken > timezone.localdate():
            raise ValidationError(gettext("The date of the reading must be today or earlier"))
        if taken and taken.year < 1900:
            raise ValidationError(gettext("Check the year of the reading"))
        return taken

    def clean_allergies(self):
        value = self.cleaned_data["allergies"]
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())

    def clean(self):
        cleaned = super().clean()
        self._check_reading(cleaned)
        unit = cleaned.get("height_unit")
        if unit == "ft_in" and cleaned.get("height_ft") is not None:
            inches = cleaned["height_ft"] * 12 + (cleaned.get("height_in") or 0)
            height = (Decimal(inches) * CM_PER_INCH).quantize(Decimal("0.1"))
            if not HEIGHT_INCHES[0] <= inches <= HEIGHT_INCHES[1]:
                self.add_error(
                    "height_ft",
                    gettext("Check the height: most adults are between 4 ft and 7 ft 6 in tall"),
                )
            else:
                cleaned["height_cm"] = height
        weight, weight_unit = cleaned.get("weight_value"), cleaned.get("weight_unit")
        if weight is not None and weight_unit:
            low, high = WEIGHT_KG if weight_unit == "kg" else WEIGHT_LB
            if not low <= weight <= high:
                message = WEIGHT_IN_KILOGRAMS if weight_unit == "kg" else WEIGHT_IN_POUNDS
                self.add_error("weight_value", str(message))
            else:
                kg = weight if weight_unit == "kg" else weight * KG_PER_LB
                cleaned["weight_kg"] = kg.quantize(Decimal("0.1"))
        return cleaned

    def _check_reading(self, cleaned):
        systolic = cleaned.get("bp_systolic")
        diastolic = cleaned.get("bp_diastolic")
        if "bp_systolic" in self._errors or "bp_diastolic" in self._errors:
            return
        if systolic is not None and diastolic is None:
            self.add_error("bp_diastolic", gettext("Enter the bottom number too"))
        elif diastolic is not None and systolic is None:
            self.add_error("bp_systolic", gettext("Enter the top number too"))
        elif systolic is not None and systolic <= diastolic:
            self.add_error(
                "bp_systolic",
                gettext("The top number is usually the larger one: check the reading"),
            )
        elif cleaned.get("bp_measured_on") and systolic is None:
            self.add_error("bp_systolic", gettext("Enter the reading, or clear the date"))


MedicalForm.base_fields.update(
    {question.name: yes_no_unsure(question, required=False) for question in (*q.HEART, *q.BRAIN)}
    | {question.name: yes_no_unsure(question) for question in (*q.OTHER_CONDITIONS, *q.PREGNANCY)}
)
# The fields in the order the person meets them, which is the definition's order.
MedicalForm.field_order = list(MED.names())
