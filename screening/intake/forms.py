"""The intake's forms, one per step (screening.intake.steps puts them in order).

Forms own validation, with messages written for a person, not a developer. Questions that only
apply after another answer are declared as `Reveal`s: intake.js shows them when the answer
applies, and `clean()` drops them when it does not, so an answer to a question that no longer
applies is never stored, with or without JavaScript.
"""

import copy
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, format_html

YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]
YES_NO = [("yes", "Yes"), ("no", "No")]

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]  # fmt: skip

CONTACT_CHANNELS = [("phone", "Phone call"), ("text", "Text message"), ("email", "Email")]

MAX_ROWS = 30
OLDEST_AGE = 120


# --- Field helpers ------------------------------------------------------------------------------


class SharedChoices:
    """Every form instance deep-copies its fields, choices included; the intake's choices are
    fixed at import and never changed per request, so the copies share them. (On the larger
    steps the copying was the costliest part of handling a POST.)"""

    def __deepcopy__(self, memo):
        # Plain __dict__ copies: copy.copy() takes the slow generic path for these objects.
        result = object.__new__(type(self))
        result.__dict__ = self.__dict__.copy()
        memo[id(self)] = result
        widget = object.__new__(type(self.widget))
        widget.__dict__ = self.widget.__dict__.copy()
        widget.attrs = self.widget.attrs.copy()
        result.widget = widget
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class SharedFields(dict):
    """A form class's fields, shared by its instances instead of deep-copied for each one as
    Django does (on a step's POST the copying cost more than the validating). Validation
    reads fields and never changes them; whatever would change one, rendering included,
    calls IntakeForm.own_fields() first."""

    def __deepcopy__(self, memo):
        return dict(self)


class ChoiceField(SharedChoices, forms.ChoiceField):
    pass


class TypedChoiceField(SharedChoices, forms.TypedChoiceField):
    pass


class MultipleChoiceField(SharedChoices, forms.MultipleChoiceField):
    pass


def text(label, max_length=200, required=True, message=None, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": message or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"Keep this to {max_length} characters or fewer",
        },
        **kwargs,
    )


def choice(label, choices, required=True, message="Choose an answer", widget=None, **kwargs):
    return ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=widget or forms.RadioSelect,
        error_messages={
            "required": message,
            "invalid_choice": "Choose one of the answers shown",
        },
        **kwargs,
    )


def yes_no_unsure(label, message="Choose yes, no or not sure", **kwargs):
    return choice(label, YES_NO_UNSURE, message=message, **kwargs)


def whole_number(label, low, high, required=True, message=None, **kwargs):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
        error_messages={
            "required": message or f"Enter {label[0].lower()}{label[1:]}",
            "invalid": "Enter a whole number, like 12",
            "min_value": f"Enter a number from {low} to {high}",
            "max_value": f"Enter a number from {low} to {high}",
        },
        **kwargs,
    )


def decimal_number(label, low, high, required=False, message=None, **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short"}),
        error_messages={
            "required": message or f"Enter {label[0].lower()}{label[1:]}",
            "invalid": "Enter a number, like 12 or 12.5",
            "min_value": f"Enter a number from {low} to {high}",
            "max_value": f"Enter a number from {low} to {high}",
            "max_digits": f"Enter a number from {low} to {high}",
            "max_decimal_places": "Use at most 2 digits after the decimal point",
            "max_whole_digits": f"Enter a number from {low} to {high}",
        },
        **kwargs,
    )


PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-.]+$")


def check_phone(value: str) -> str:
    value = " ".join(value.split())
    if not PHONE_CHARACTERS.match(value):
        raise ValidationError(
            "Enter a phone number using digits, with spaces, dashes or brackets if you like, "
            "like 910 555 0142"
        )
    digits = sum(ch.isdigit() for ch in value)
    if digits < 10:
        raise ValidationError("This number looks too short: include the area code")
    if digits > 15:
        raise ValidationError("This number looks too long: check it and try again")
    return value


def has_a_letter(value: str) -> bool:
    return any(ch.isalpha() for ch in value)


class DatePartsWidget(forms.MultiWidget):
    """Day, month and year boxes, the pattern people get right most often on a phone."""

    template_name = "intake/widgets/date_parts.html"
    use_fieldset = True

    def __init__(self, autocomplete=None, attrs=None):
        def box(width, part):
            box_attrs = {"inputmode": "numeric", "class": f"form-control input-{width}"}
            if autocomplete:
                box_attrs["autocomplete"] = f"{autocomplete}-{part}"
            return forms.TextInput(attrs=box_attrs)

        super().__init__([box("2", "day"), box("2", "month"), box("4", "year")], attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    """A date from day/month/year boxes; messages say what is wrong in the person's terms."""

    def __init__(self, label, required=True, autocomplete=None, noun=None, **kwargs):
        self.noun = noun or f"{label[0].lower()}{label[1:]}"
        self.Noun = f"{self.noun[0].upper()}{self.noun[1:]}"
        parts = [forms.CharField(max_length=10, required=False) for _ in range(3)]
        super().__init__(
            fields=parts,
            label=label,
            required=required,
            require_all_fields=False,
            widget=DatePartsWidget(autocomplete=autocomplete),
            error_messages={"required": f"Enter {self.noun}", "incomplete": f"Enter {self.noun}"},
            **kwargs,
        )

    def compress(self, data_list):
        day, month, year = (str(part or "").strip() for part in (data_list or ["", "", ""]))
        if not (day or month or year):
            return None
        parts = (("day", day), ("month", month), ("year", year))
        missing = [name for name, part in parts if not part]
        if missing:
            raise ValidationError(f"{self.Noun} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(
                f"Enter {self.noun} as numbers, for example 14 3 1987 for 14 March 1987"
            )
        if len(year) != 4:
            raise ValidationError("Enter the year with 4 digits, for example 1987")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"{self.Noun} must be a real date: check the day and month"
            ) from None


# --- Dependent questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reveal:
    """Questions shown only when `controller`'s answer is one of `values`."""

    name: str
    controller: str
    values: tuple
    fields: tuple
    required: tuple = ()
    hint: str = "Answer these if they apply to your answer above."

    def applies(self, answer) -> bool:
        if isinstance(answer, list | tuple):
            return any(item in self.values for item in answer)
        return answer in self.values


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _empty(value) -> bool:
    return value is None or value == ""


class NoContext(dict):
    """The context of a form that declares it needs none."""

    def __getitem__(self, key):
        raise ImproperlyConfigured(
            f"This form reads earlier answers ({key!r}): set uses_context = True on it"
        )

    def get(self, key, default=None):
        return self[key]


NO_CONTEXT = NoContext()


class IntakeForm(forms.Form):
    """Common behaviour: friendly labels, dependent questions, a crispy layout, JSON answers."""

    reveals: tuple[Reveal, ...] = ()
    not_optional: tuple[str, ...] = ()
    # For the review page: (heading, field names); empty means one section, in field order.
    summary_sections: tuple = ()
    summary_skip: tuple[str, ...] = ()
    # The browser's own "please fill in" bubbles would hide our messages, and would trip over
    # questions that are hidden until they apply.
    use_required_attribute = False
    # Whether any question depends on earlier answers (self.context): a step whose questions
    # depend on nothing is validated without reading the draft first, so its forms are given
    # no context, and reading one anyway fails loudly rather than validating against nothing.
    uses_context = False

    def __init__(self, *args, context=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.context = (context or {}) if self.uses_context else NO_CONTEXT
        self.label_optional_questions()
        self._owns_fields = False
        super().__init__(*args, **kwargs)
        self.adapt()

    def own_fields(self):
        """Take private copies of this form's fields, before anything changes one: rendering
        does (crispy-forms adds CSS classes to widgets), and so may a form for one person."""
        if not self._owns_fields:
            self.fields = copy.deepcopy(self.fields)
            self._bound_fields_cache = {}
            self._owns_fields = True

    @classmethod
    def label_optional_questions(cls):
        """Add "(optional)" to the labels of questions one may skip, once per form class (a
        step is posted far more often than its class changes); and let instances share the
        class's fields until they need their own (SharedFields)."""
        if cls.__dict__.get("_optional_labelled"):
            return
        cls.base_fields = SharedFields(cls.base_fields)
        conditionally_required = {name for r in cls.reveals for name in r.required}
        for name, field in cls.base_fields.items():
            if (
                not field.required
                and name not in conditionally_required
                and name not in cls.not_optional
                and not isinstance(field, forms.BooleanField)
            ):
                field.label = format_html("{} (optional)", field.label)
        cls._optional_labelled = True

    @cached_property
    def helper(self):
        # Only a page that is shown needs a layout; a valid POST just saves and redirects.
        self.own_fields()
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*self.layout())
        return helper

    # Subclasses: remove fields that don't apply given other steps' answers (self.context).
    def adapt(self):
        pass

    def layout(self):
        return list(self.fields)

    def active_reveals(self):
        return [r for r in self.reveals if r.controller in self.fields]

    def reveal(self, name, *items):
        """The layout block for a dependent group: visible until intake.js decides."""
        r = next(r for r in self.reveals if r.name == name)
        if not items:
            items = [self.place(field) for field in r.fields if field in self.fields]
        hint = HTML(f'<p class="reveal-hint small text-body-secondary">{escape(r.hint)}</p>')
        return Div(
            *([hint] if r.hint else []),
            *items,
            css_class="intake-reveal",
            css_id=f"reveal-{r.name}",
            data_reveal_controller=self.add_prefix(r.controller),
            data_reveal_values=" ".join(r.values),
        )

    def place(self, name):
        """Short yes/no questions sit on one line; everything else uses crispy's default."""
        field = self.fields[name]
        if isinstance(field.widget, forms.RadioSelect) and len(field.choices) <= 3:
            return InlineRadios(name)
        return name

    def clean(self):
        cleaned = super().clean()
        for r in self.active_reveals():
            if r.applies(cleaned.get(r.controller)):
                for name in r.required:
                    if (
                        name in self.fields
                        and _empty(cleaned.get(name))
                        and name not in self._errors
                    ):
                        self.add_error(name, self.fields[name].error_messages["required"])
                        cleaned.pop(name, None)
            else:
                # Not asked, so not kept: drop both the answer and any complaint about it.
                for name in r.fields:
                    cleaned.pop(name, None)
                    self._errors.pop(name, None)
        return cleaned

    def to_answers(self) -> dict:
        """The cleaned answers as JSON-safe values, without blanks."""
        return {
            name: _jsonable(value)
            for name, value in self.cleaned_data.items()
            if not _empty(value) and name != "DELETE"
        }

    def summary_extras(self, saved: dict) -> dict:
        """Extra (label, value) lines for the review page, by section heading."""
        return {}

    def hide_errors(self):
        """Show what was typed without complaining (used when only a row was added)."""
        self._errors = ErrorDict()
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}


# --- Step 1: about you --------------------------------------------------------------------------


class AboutForm(IntakeForm):
    legal_name = text(
        "Full legal name",
        message="Enter your full legal name",
        help_text="As it appears on your ID or insurance card.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_name = text(
        "Name you would like us to use",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    date_of_birth = DatePartsField(
        "Date of birth", autocomplete="bday", help_text="For example, 14 3 1987"
    )
    sex_at_birth = choice(
        "Sex assigned at birth",
        [
            ("female", "Female"),
            ("male", "Male"),
            ("intersex", "Intersex"),
            ("prefer_not_to_say", "Prefer not to say"),
        ],
        message="Choose your sex assigned at birth, or “Prefer not to say”",
        help_text="Some medical questions depend on it.",
    )
    gender_identity = text(
        "Gender identity", max_length=100, required=False, help_text="In your own words."
    )
    preferred_language = choice(
        "Preferred language",
        [("en", "English"), ("es", "Spanish (español)")],
        message="Choose the language you prefer",
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
            "max_length": "Keep this to 254 characters or fewer",
        },
    )
    phone = text(
        "Mobile phone number",
        max_length=30,
        message="Enter your mobile phone number",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    postal_code = text(
        "ZIP code",
        max_length=10,
        message="Enter your ZIP code",
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-short"}
        ),
    )
    state = choice(
        "State",
        [("", "Choose your state")] + US_STATES,
        message="Choose your state",
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    contact_channels = MultipleChoiceField(
        label="How may we contact you? Choose all that are fine with you.",
        choices=CONTACT_CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one way we may contact you",
            "invalid_choice": "Choose from the ways shown",
        },
    )
    heard_about = choice(
        "How did you hear about us?",
        [
            ("", "Choose one"),
            ("clinician", "My doctor, therapist or another clinician"),
            ("search", "An internet search"),
            ("friend", "A friend or family member"),
            ("social", "Social media"),
            ("insurance", "My insurance company"),
            ("other", "Somewhere else"),
        ],
        required=False,
        widget=forms.Select,
    )
    heard_about_other = text("Where did you hear about us?", required=False)

    reveals = (
        Reveal(
            "heard-other",
            "heard_about",
            ("other",),
            ("heard_about_other",),
            hint="Tell us where, if you like.",
        ),
    )

    def layout(self):
        return [
            "legal_name",
            "preferred_name",
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "preferred_language",
            HTML('<h2 class="h5 mt-4">How to reach you</h2>'),
            "email",
            "phone",
            "postal_code",
            "state",
            "contact_channels",
            "heard_about",
            self.reveal("heard-other"),
        ]

    def clean_legal_name(self):
        value = " ".join(self.cleaned_data["legal_name"].split())
        if not has_a_letter(value):
            raise ValidationError("Enter your name using letters")
        return value

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError("Date of birth must be in the past")
        if today.year - born.year > OLDEST_AGE:
            raise ValidationError(f"Check the year: that would make you older than {OLDEST_AGE}")
        return born

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}(-?\d{4})?", value):
            raise ValidationError("Enter a 5-digit ZIP code, like 28401")
        return value


# --- Step 2: care team --------------------------------------------------------------------------


class CareTeamForm(IntakeForm):
    psychiatrist = text(
        "Psychiatrist",
        required=False,
        help_text="Their name and practice, if you see one.",
    )
    therapist = text("Therapist or counselor", required=False)
    primary_care = text("Primary-care clinician", required=False)
    referring_clinician = text(
        "Clinician who referred you to us",
        required=False,
        help_text="Leave empty if you found us yourself.",
    )
    emergency_contact_name = text(
        "Their name", message="Enter your emergency contact's name", max_length=200
    )
    emergency_contact_relation = text(
        "How they are related to you",
        max_length=100,
        message="Enter how your emergency contact is related to you",
        help_text="For example: spouse, parent, friend.",
    )
    emergency_contact_phone = text(
        "Their phone number",
        max_length=30,
        message="Enter your emergency contact's phone number",
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    driver_available = yes_no_unsure(
        "Is there someone who could take you home after a treatment?",
        help_text="After each treatment you can't drive until the next day.",
    )

    def layout(self):
        return [
            HTML(
                '<h2 class="h5">Your care team</h2><p class="text-body-secondary">'
                "Treatment here works best alongside the care you already have.</p>"
            ),
            "psychiatrist",
            "therapist",
            "primary_care",
            "referring_clinician",
            HTML(
                '<h2 class="h5 mt-4">Emergency contact</h2><p class="text-body-secondary">'
                "Someone we may call if we are worried about your safety and cannot reach you.</p>"
            ),
            "emergency_contact_name",
            "emergency_contact_relation",
            "emergency_contact_phone",
            self.place("driver_available"),
        ]

    def clean_emergency_contact_name(self):
        value = " ".join(self.cleaned_data["emergency_contact_name"].split())
        if not has_a_letter(value):
            raise ValidationError("Enter your emergency contact's name using letters")
        return value

    def clean_emergency_contact_phone(self):
        return check_phone(self.cleaned_data["emergency_contact_phone"])


# --- Step 3: mental-health history --------------------------------------------------------------

DIAGNOSES = [
    ("depression", "Depression"),
    ("bipolar", "Bipolar disorder"),
    ("anxiety", "An anxiety disorder"),
    ("ptsd", "PTSD"),
    ("ocd", "OCD"),
    ("schizophrenia", "Schizophrenia or another psychotic disorder"),
    ("schizoaffective", "Schizoaffective disorder"),
    ("eating_disorder", "An eating disorder"),
    ("other", "Something else"),
]

IMPROVEMENT = [
    ("", "Choose one"),
    ("much", "Helped a lot"),
    ("partial", "Helped partly"),
    ("a_little", "Helped a little (a quarter or less)"),
    ("none", "Did not help at all"),
    ("side_effects", "Stopped because of side effects"),
    ("unsure", "Not sure"),
]

TREATMENT_KINDS = [
    ("", "Choose one"),
    ("psychotherapy", "Psychotherapy (talk therapy)"),
    ("ect", "ECT (electroconvulsive therapy)"),
    ("tms", "TMS (transcranial magnetic stimulation)"),
    ("esketamine", "Esketamine nasal spray (Spravato®)"),
    ("ketamine", "Ketamine, for example by infusion"),
]
TREATMENT_OUTCOMES = [
    ("", "Choose one"),
    ("helped", "Helped"),
    ("partly", "Helped partly"),
    ("no", "Did not help"),
    ("unsure", "Not sure"),
]


class MentalHealthForm(IntakeForm):
    uses_context = True
    diagnoses = MultipleChoiceField(
        label="Which of these have you been told you have? Choose all that apply.",
        choices=DIAGNOSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the conditions shown"},
    )
    diagnoses_other = text(
        "What else have you been told you have?",
        required=False,
        message="Tell us what else you have been told you have",
    )
    depression_onset_age = whole_number(
        "How old were you when depression first started?",
        1,
        OLDEST_AGE,
        required=False,
        help_text="Your best guess is fine.",
    )
    hospitalizations = whole_number(
        "How many times have you stayed in a hospital for your mental health?",
        0,
        99,
        message="Enter how many hospital stays you have had, or 0",
        help_text="Enter 0 if never.",
    )
    psychosis_now = yes_no_unsure(
        "Right now, do you hear or see things other people don't, or hold strong beliefs that "
        "others tell you are not real?"
    )
    psychosis_past = yes_no_unsure("Have you had experiences like that in the past?")
    psychosis_family = yes_no_unsure(
        "Has a parent, brother, sister or child of yours had psychosis or schizophrenia?"
    )
    mania_now = yes_no_unsure(
        "Right now, are you in a period of unusually high or irritable mood, with much more "
        "energy and much less need for sleep than usual?"
    )

    reveals = (
        Reveal(
            "diagnosis-other",
            "diagnoses",
            ("other",),
            ("diagnoses_other",),
            required=("diagnoses_other",),
            hint="You chose “Something else”.",
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
            raise ValidationError(f"This is older than your age now ({age}): check the number")
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
        "Medicine name", max_length=100, message="Enter the medicine's name, or remove this row"
    )
    max_daily_dose_mg = decimal_number(
        "Highest daily dose, in mg", 0, 100000, help_text="Leave empty if you're not sure."
    )
    weeks = decimal_number(
        "How many weeks you took it", 0, 1000, help_text="Leave empty if you're not sure."
    )
    current_episode = choice(
        "Was it during this current period of depression?",
        [("", "Choose one")] + YES_NO_UNSURE,
        message="Choose whether it was during this period of depression",
        widget=forms.Select,
    )
    improvement = choice(
        "How much did it help?",
        IMPROVEMENT,
        message="Choose how much it helped",
        widget=forms.Select,
    )

    def clean_medication(self):
        return " ".join(self.cleaned_data["medication"].split())

    @classmethod
    def summary_line(cls, row: dict) -> str:
        parts = [row.get("medication", "")]
        if row.get("max_daily_dose_mg") is not None:
            parts.append(f"up to {row['max_daily_dose_mg']:g} mg a day")
        if row.get("weeks") is not None:
            parts.append(f"{row['weeks']:g} weeks")
        parts.append(
            {
                "yes": "during this period of depression",
                "no": "during an earlier period",
                "unsure": "not sure which period",
            }.get(row.get("current_episode"), "")
        )
        parts.append(cls.label_of("improvement", row.get("improvement")).lower())
        return ", ".join(part for part in parts if part)


class TreatmentForm(RowForm):
    kind = choice("Treatment", TREATMENT_KINDS, message="Choose the treatment", widget=forms.Select)
    outcome = choice(
        "How did it go?", TREATMENT_OUTCOMES, message="Choose how it went", widget=forms.Select
    )

    @classmethod
    def summary_line(cls, row: dict) -> str:
        return (
            f"{cls.label_of('kind', row.get('kind'))}: "
            f"{cls.label_of('outcome', row.get('outcome')).lower()}"
        )


class MedicationForm(RowForm):
    name = text("Medicine name", max_length=200, message="Enter the medicine's name")
    dose = text("Dose", max_length=100, required=False, help_text="For example, 50 mg.")
    frequency = text(
        "How often", max_length=100, required=False, help_text="For example, twice a day."
    )

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
            form.fields["DELETE"].label = f"Remove this {self.noun}"

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


TrialFormSet = row_formset(TrialForm, "antidepressant", "antidepressants")
TreatmentFormSet = row_formset(TreatmentForm, "treatment", "treatments")
MedicationFormSet = row_formset(MedicationForm, "medicine", "medicines")


# --- Step 4: questionnaires ---------------------------------------------------------------------

FREQUENCY = [
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
]
PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
GAD7_ITEMS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
DIFFICULTY = [
    ("not_difficult", "Not difficult at all"),
    ("somewhat", "Somewhat difficult"),
    ("very", "Very difficult"),
    ("extremely", "Extremely difficult"),
]
DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
CSSRS_ITEMS = {
    "cssrs_q1": "Have you wished you were dead or wished you could go to sleep and not wake up?",
    "cssrs_q2": "Have you actually had any thoughts about killing yourself?",
    "cssrs_q3": "Have you thought about how you might do this?",
    "cssrs_q4": "Have you had any intention of acting on these thoughts of killing yourself, as "
    "opposed to you have the thoughts but you definitely would not act on them?",
    "cssrs_q5": "Have you started to work out or worked out the details of how to kill yourself? "
    "Did you intend to carry out this plan?",
    "cssrs_q6": "Have you done anything, started to do anything, or prepared to do anything to "
    "end your life?",
    "cssrs_q6_recent": "Was this within the past 3 months?",
}


def _item(label, number, instrument):
    return TypedChoiceField(
        label=f"{number}. {label}",
        choices=FREQUENCY,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose an answer for {instrument} question {number}",
            "invalid_choice": "Choose one of the answers shown",
        },
    )


class QuestionnairesForm(IntakeForm):
    reveals = (
        Reveal(
            "cssrs-thoughts",
            "cssrs_q2",
            ("yes",),
            ("cssrs_q3", "cssrs_q4", "cssrs_q5"),
            required=("cssrs_q3", "cssrs_q4", "cssrs_q5"),
            hint="Because you answered yes to question 2:",
        ),
        Reveal(
            "cssrs-recent",
            "cssrs_q6",
            ("yes",),
            ("cssrs_q6_recent",),
            required=("cssrs_q6_recent",),
            hint="Because you answered yes to question 6:",
        ),
    )

    # Asked of everyone who checked off a problem (see clean()), so never labelled optional.
    not_optional = ("phq9_difficulty",)
    summary_sections = (
        ("Mood (PHQ-9)", tuple(f"phq9_{i}" for i in range(1, 10)) + ("phq9_difficulty",)),
        ("Anxiety (GAD-7)", tuple(f"gad7_{i}" for i in range(1, 8)) + ("gad7_difficulty",)),
        ("Thoughts of suicide (C-SSRS screener)", tuple(CSSRS_ITEMS)),
    )

    def summary_extras(self, saved):
        extras = {}
        if "phq9_total" in saved:
            extras["Mood (PHQ-9)"] = [("Total, worked out for you", f"{saved['phq9_total']} of 27")]
        if "gad7_total" in saved:
            extras["Anxiety (GAD-7)"] = [
                ("Total, worked out for you", f"{saved['gad7_total']} of 21")
            ]
        return extras

    def layout(self):
        return [
            HTML(
                '<h2 class="h5" id="phq9-heading">Mood (PHQ-9)</h2>'
                '<p class="instrument-stem">Over the <strong>last 2 weeks</strong>, how often '
                "have you been bothered by any of the following problems?</p>"
            ),
            *[f"phq9_{i}" for i in range(1, 10)],
            "phq9_difficulty",
            HTML(
                '<p class="small text-body-secondary instrument-credit">PHQ-9 developed by '
                "Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
                "educational grant from Pfizer Inc.</p>"
                '<h2 class="h5 mt-4" id="gad7-heading">Anxiety (GAD-7)</h2>'
                '<p class="instrument-stem">Over the <strong>last 2 weeks</strong>, how often '
                "have you been bothered by the following problems?</p>"
            ),
            *[f"gad7_{i}" for i in range(1, 8)],
            "gad7_difficulty",
            HTML(
                '<p class="small text-body-secondary instrument-credit">GAD-7 developed by '
                "Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
                "educational grant from Pfizer Inc.</p>"
                '<h2 class="h5 mt-4" id="cssrs-heading">Thoughts of suicide (C-SSRS screener)'
                "</h2>"
                '<p class="cssrs-intro">We ask everyone these questions. Your honest answers help '
                "us care for you safely. If you are having these thoughts now, you can call or "
                'text <a href="tel:988">988</a> at any time.</p>'
                '<p class="instrument-stem">In the <strong>past month</strong>:</p>'
            ),
            InlineRadios("cssrs_q1"),
            InlineRadios("cssrs_q2"),
            self.reveal("cssrs-thoughts"),
            HTML('<p class="instrument-stem mt-3">In your <strong>lifetime</strong>:</p>'),
            InlineRadios("cssrs_q6"),
            self.reveal("cssrs-recent"),
            HTML(
                '<p class="small text-body-secondary instrument-credit">Columbia-Suicide '
                "Severity Rating Scale (C-SSRS) screener © The Research Foundation for Mental "
                "Hygiene, Inc.</p>"
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        phq9 = [cleaned.get(f"phq9_{i}") for i in range(1, 10)]
        gad7 = [cleaned.get(f"gad7_{i}") for i in range(1, 8)]
        if None not in phq9:
            cleaned["phq9_total"] = sum(phq9)
            if cleaned["phq9_total"] == 0:
                cleaned.pop("phq9_difficulty", None)
            elif not cleaned.get("phq9_difficulty") and "phq9_difficulty" not in self._errors:
                self.add_error(
                    "phq9_difficulty", "Choose how difficult these problems have made things"
                )
        if None not in gad7:
            cleaned["gad7_total"] = sum(gad7)
        return cleaned


def _named_for_screen_readers(instrument, label):
    # PHQ-9 and GAD-7 end with the same question; the instrument's name keeps the two groups
    # apart for screen readers without changing the wording people see.
    return format_html('<span class="visually-hidden">{}: </span>{}', instrument, label)


def _questionnaire_fields():
    fields = {}
    for i, label in enumerate(PHQ9_ITEMS, start=1):
        fields[f"phq9_{i}"] = _item(label, i, "PHQ-9")
    fields["phq9_difficulty"] = choice(
        _named_for_screen_readers("Mood questionnaire", DIFFICULTY_QUESTION),
        DIFFICULTY,
        required=False,
        message="Choose how difficult these problems have made things",
    )
    for i, label in enumerate(GAD7_ITEMS, start=1):
        fields[f"gad7_{i}"] = _item(label, i, "GAD-7")
    fields["gad7_difficulty"] = choice(
        _named_for_screen_readers("Anxiety questionnaire", DIFFICULTY_QUESTION),
        DIFFICULTY,
        required=False,
    )
    for number, (name, label) in enumerate(CSSRS_ITEMS.items(), start=1):
        shown = "6b" if name == "cssrs_q6_recent" else str(number)
        fields[name] = choice(
            f"{shown}. {label}",
            YES_NO,
            required=name in ("cssrs_q1", "cssrs_q2", "cssrs_q6"),
            message=f"Choose yes or no for question {shown}",
        )
    return fields


# Built once: the instruments' items are fields like any other.
QuestionnairesForm.base_fields.update(_questionnaire_fields())


def questionnaire_shows_risk(answers: dict) -> bool:
    """Suicide risk in the saved questionnaire step: PHQ-9 item 9 above "not at all", or any
    "yes" in the C-SSRS screener."""
    if (answers.get("phq9_9") or 0) > 0:
        return True
    return any(answers.get(name) == "yes" for name in CSSRS_ITEMS)


# --- Step 5: medical history --------------------------------------------------------------------

HEART = {
    "heart_attack_12_months": "A heart attack in the past 12 months",
    "unstable_angina": "Chest pain (angina) that is new, getting worse, or comes on at rest",
    "stent_or_bypass_12_months": "A stent or heart bypass surgery in the past 12 months",
    "heart_failure": "Heart failure",
    "arrhythmia": "An irregular heartbeat (arrhythmia)",
}
BRAIN = {
    "stroke_or_tia": "A stroke or a mini-stroke (TIA)",
    "brain_bleed": "Bleeding in the brain",
    "aneurysm_or_avm": "An aneurysm (a bulging blood vessel in the brain, the aorta or "
    "elsewhere), or an arteriovenous malformation (AVM)",
    "head_injury_lasting": "A head injury with effects that lasted",
    "hypertensive_encephalopathy": "Brain problems caused by very high blood pressure "
    "(hypertensive encephalopathy)",
    "brain_shunt": "A shunt in the brain",
    "raised_intracranial_pressure": "Raised pressure inside the head now (intracranial "
    "hypertension)",
}
OTHER_CONDITIONS = {
    "seizures": "Have you ever had seizures or epilepsy?",
    "sleep_apnea": "Do you have sleep apnea?",
    "severe_lung_disease": "Do you have serious lung disease, for example severe COPD?",
    "bladder_problems": "Do you have ongoing bladder or urinary problems, for example "
    "interstitial cystitis?",
    "dementia": "Do you have dementia or a memory disorder?",
}
PREGNANCY_RELEVANT = ("female", "intersex", "prefer_not_to_say")

CM_PER_INCH = Decimal("2.54")
KG_PER_LB = Decimal("0.45359237")


class MedicalForm(IntakeForm):
    uses_context = True
    hypertension = choice(
        "Has a clinician ever told you that you have high blood pressure?",
        [
            ("no", "No"),
            ("controlled", "Yes, and treatment keeps it under control"),
            ("uncontrolled", "Yes, and it is still high even with treatment"),
            ("untreated", "Yes, and I am not being treated for it"),
            ("unsure", "Not sure"),
        ],
    )
    bp_systolic = whole_number("Top number (systolic)", 50, 300, required=False)
    bp_diastolic = whole_number("Bottom number (diastolic)", 20, 200, required=False)
    bp_measured_on = DatePartsField(
        "When was it taken?", required=False, noun="the date of the reading"
    )
    heart_any = yes_no_unsure(
        "Have you ever had a heart problem, such as a heart attack, chest pain (angina), a stent "
        "or bypass, heart failure or an irregular heartbeat?"
    )
    brain_any = yes_no_unsure(
        "Have you ever had a stroke, bleeding in the brain, an aneurysm anywhere in the body, a "
        "head injury with lasting effects, or raised pressure in the brain?"
    )
    glaucoma = choice(
        "Have you been told you have glaucoma (raised pressure in the eye)?",
        [
            ("no", "No"),
            ("treated", "Yes, and it is treated"),
            ("untreated", "Yes, and it is not treated"),
            ("unsure", "Not sure"),
        ],
    )
    eye_injury = yes_no_unsure("Have you had an injury to your eye?")
    liver_disease = choice(
        "Have you been told you have liver disease?",
        [
            ("no", "No"),
            ("mild", "Yes, mild"),
            ("moderate", "Yes, moderate"),
            ("severe", "Yes, severe (for example cirrhosis)"),
            ("unsure", "Not sure"),
        ],
    )
    thyroid = choice(
        "Do you have a thyroid condition?",
        [
            ("no", "No"),
            ("underactive", "Yes, an underactive thyroid"),
            ("overactive_controlled", "Yes, an overactive thyroid that is under control"),
            ("overactive_uncontrolled", "Yes, an overactive thyroid that is not under control"),
            ("unsure", "Not sure"),
        ],
    )
    height_unit = choice(
        "Height in",
        [("cm", "Centimeters"), ("ft_in", "Feet and inches")],
        message="Choose how you will give your height",
        initial="ft_in",
    )
    height_cm = decimal_number("Height in centimeters", 50, 272, message="Enter your height")
    height_ft = whole_number("Feet", 1, 8, required=False, message="Enter your height")
    height_in = decimal_number("Inches", 0, 11.99, message="Enter your height")
    weight_value = decimal_number(
        "Weight", 2, 1433, required=True, message="Enter your weight", help_text="Used for dosing."
    )
    weight_unit = choice(
        "Weight in",
        [("lb", "Pounds (lb)"), ("kg", "Kilograms (kg)")],
        message="Choose pounds or kilograms",
        initial="lb",
    )
    pregnant = yes_no_unsure("Are you pregnant?")
    breastfeeding = yes_no_unsure("Are you breastfeeding?")
    planning_pregnancy = yes_no_unsure("Are you planning a pregnancy in the coming months?")
    has_allergies = choice(
        "Do you have any allergies, to medicines or anything else?",
        YES_NO,
        message="Choose yes or no",
    )
    allergies = forms.CharField(
        label="What are you allergic to?",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, for example: penicillin.",
        error_messages={
            "required": "List what you are allergic to",
            "max_length": "Keep this to 1000 characters or fewer",
        },
    )
    ketamine_allergy = yes_no_unsure("Are you allergic to ketamine or esketamine (Spravato®)?")
    prior_anesthesia_or_ketamine_reaction = yes_no_unsure(
        "Have you ever had a bad reaction to an anesthetic or to ketamine?"
    )

    reveals = (
        Reveal(
            "heart",
            "heart_any",
            ("yes", "unsure"),
            tuple(HEART),
            required=tuple(HEART),
            hint="Which of these have you had?",
        ),
        Reveal(
            "brain",
            "brain_any",
            ("yes", "unsure"),
            tuple(BRAIN),
            required=tuple(BRAIN),
            hint="Which of these have you had?",
        ),
        Reveal(
            "height-cm", "height_unit", ("cm",), ("height_cm",), required=("height_cm",), hint=""
        ),
        Reveal(
            "height-ft",
            "height_unit",
            ("ft_in",),
            ("height_ft", "height_in"),
            required=("height_ft",),
            hint="",
        ),
        Reveal(
            "allergies",
            "has_allergies",
            ("yes",),
            ("allergies",),
            required=("allergies",),
            hint="You said you have allergies.",
        ),
    )

    summary_sections = (
        ("Blood pressure", ("hypertension", "bp_systolic", "bp_diastolic", "bp_measured_on")),
        ("Heart, brain and eyes",
         ("heart_any", *HEART, "brain_any", *BRAIN, "glaucoma", "eye_injury")),
        ("Other conditions", (*OTHER_CONDITIONS, "liver_disease", "thyroid")),
        ("Height and weight", ()),
        ("Pregnancy", ("pregnant", "breastfeeding", "planning_pregnancy")),
        ("Allergies", ("has_allergies", "allergies", "ketamine_allergy",
                       "prior_anesthesia_or_ketamine_reaction")),
    )  # fmt: skip

    def summary_extras(self, saved):
        lines = []
        if saved.get("height_unit") == "ft_in" and "height_ft" in saved:
            inches = saved.get("height_in") or 0
            lines.append(
                ("Height", f"{saved['height_ft']} ft {inches:g} in ({saved['height_cm']:g} cm)")
            )
        elif "height_cm" in saved:
            lines.append(("Height", f"{saved['height_cm']:g} cm"))
        if saved.get("weight_unit") == "lb" and "weight_value" in saved:
            lines.append(("Weight", f"{saved['weight_value']:g} lb ({saved['weight_kg']:g} kg)"))
        elif "weight_value" in saved:
            lines.append(("Weight", f"{saved['weight_value']:g} kg"))
        return {"Height and weight": lines}

    def adapt(self):
        if self.context.get("sex_at_birth") not in PREGNANCY_RELEVANT:
            for name in ("pregnant", "breastfeeding", "planning_pregnancy"):
                del self.fields[name]

    def layout(self):
        items = [
            HTML('<h2 class="h5">Blood pressure</h2>'),
            "hypertension",
            HTML(
                '<fieldset class="mb-3 bp-reading"><legend class="form-label fs-6">Your most '
                "recent blood-pressure reading, if you know it (optional)</legend>"
                '<p class="small text-body-secondary">For example 128 over 82.</p>'
            ),
            Div("bp_systolic", "bp_diastolic", css_class="d-flex gap-3 flex-wrap"),
            "bp_measured_on",
            HTML("</fieldset>"),
            HTML('<h2 class="h5 mt-4">Heart, brain and eyes</h2>'),
            self.place("heart_any"),
            self.reveal("heart"),
            self.place("brain_any"),
            self.reveal("brain"),
            "glaucoma",
            self.place("eye_injury"),
            HTML('<h2 class="h5 mt-4">Other conditions</h2>'),
            *[self.place(name) for name in OTHER_CONDITIONS],
            "liver_disease",
            "thyroid",
            HTML('<h2 class="h5 mt-4">Height and weight</h2>'),
            InlineRadios("height_unit"),
            self.reveal("height-cm"),
            self.reveal("height-ft", Div("height_ft", "height_in", css_class="d-flex gap-3")),
            Div("weight_value", InlineRadios("weight_unit"), css_class="weight"),
        ]
        if "pregnant" in self.fields:
            items += [
                HTML('<h2 class="h5 mt-4">Pregnancy</h2>'),
                self.place("pregnant"),
                self.place("breastfeeding"),
                self.place("planning_pregnancy"),
            ]
        items += [
            HTML('<h2 class="h5 mt-4">Allergies</h2>'),
            InlineRadios("has_allergies"),
            self.reveal("allergies"),
            self.place("ketamine_allergy"),
            self.place("prior_anesthesia_or_ketamine_reaction"),
        ]
        return items

    def clean_bp_measured_on(self):
        taken = self.cleaned_data["bp_measured_on"]
        if taken and taken > timezone.localdate():
            raise ValidationError("The date of the reading must be today or earlier")
        if taken and taken.year < 1900:
            raise ValidationError("Check the year of the reading")
        return taken

    def clean_allergies(self):
        value = self.cleaned_data["allergies"]
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())

    def clean(self):
        cleaned = super().clean()
        systolic = cleaned.get("bp_systolic")
        diastolic = cleaned.get("bp_diastolic")
        has_errors = "bp_systolic" in self._errors or "bp_diastolic" in self._errors
        if not has_errors:
            if systolic is not None and diastolic is None:
                self.add_error("bp_diastolic", "Enter the bottom number too")
            elif diastolic is not None and systolic is None:
                self.add_error("bp_systolic", "Enter the top number too")
            elif systolic is not None and systolic <= diastolic:
                self.add_error(
                    "bp_systolic", "The top number is usually the larger one: check the reading"
                )
            elif cleaned.get("bp_measured_on") and systolic is None:
                self.add_error("bp_systolic", "Enter the reading, or clear the date")

        unit = cleaned.get("height_unit")
        if unit == "ft_in" and cleaned.get("height_ft") is not None:
            inches = cleaned["height_ft"] * 12 + (cleaned.get("height_in") or 0)
            height = (Decimal(inches) * CM_PER_INCH).quantize(Decimal("0.1"))
            if not 50 <= height <= 272:
                self.add_error("height_ft", "Enter a height between 1 ft 8 in and 8 ft 11 in")
            else:
                cleaned["height_cm"] = height
        weight, weight_unit = cleaned.get("weight_value"), cleaned.get("weight_unit")
        if weight is not None and weight_unit:
            kg = weight if weight_unit == "kg" else weight * KG_PER_LB
            if not 2 <= kg <= 650:
                self.add_error(
                    "weight_value", "Enter a weight between 2 and 650 kg (5 and 1,433 lb)"
                )
            else:
                cleaned["weight_kg"] = kg.quantize(Decimal("0.1"))
        return cleaned


MedicalForm.base_fields.update(
    {name: yes_no_unsure(label, required=False) for name, label in {**HEART, **BRAIN}.items()}
    | {name: yes_no_unsure(label) for name, label in OTHER_CONDITIONS.items()}
)
MedicalForm.field_order = [
    "hypertension", "bp_systolic", "bp_diastolic", "bp_measured_on",
    "heart_any", *HEART, "brain_any", *BRAIN, "glaucoma", "eye_injury",
    *OTHER_CONDITIONS, "liver_disease", "thyroid",
    "height_unit", "height_cm", "height_ft", "height_in", "weight_value", "weight_unit",
    "pregnant", "breastfeeding", "planning_pregnancy",
    "has_allergies", "allergies", "ketamine_allergy", "prior_anesthesia_or_ketamine_reaction",
]  # fmt: skip


# --- Step 6: substance use ----------------------------------------------------------------------

RECENCY = [
    ("never", "Never"),
    ("past_only", "Not in the past year"),
    ("past_year", "In the past year, but not the past month"),
    ("past_month", "In the past month"),
]
HOW_OFTEN = [
    ("once_or_twice", "Once or twice"),
    ("weekly", "Weekly"),
    ("daily", "Daily or almost daily"),
]
SUBSTANCES = {
    "cannabis": "Cannabis (marijuana)",
    "stimulants_nonprescribed": "Stimulants not prescribed to you, for example cocaine, "
    "methamphetamine, or someone else's ADHD medicine",
    "opioids_nonprescribed": "Opioids not prescribed to you, for example heroin, fentanyl, or "
    "someone else's pain pills",
    "sedatives_nonprescribed": "Sedatives not prescribed to you, for example someone else's "
    "Xanax® or sleeping pills",
    "dissociatives": "Ketamine, PCP or other dissociative drugs not prescribed to you",
}


class SubstancesForm(IntakeForm):
    alcohol = choice(
        "How often do you drink alcohol?",
        [
            ("never", "Never"),
            ("monthly_or_less", "Monthly or less"),
            ("weekly", "Weekly"),
            ("daily", "Daily or almost daily, 1 to 3 drinks"),
            ("heavy_daily", "Daily or almost daily, 4 or more drinks"),
        ],
    )
    problem_past_3_months = yes_no_unsure(
        "In the past 3 months, has alcohol or drug use caused problems for you, or have you felt "
        "you should cut down?"
    )
    ever_treated = yes_no_unsure("Have you ever had treatment for alcohol or drug use?")

    reveals = tuple(
        Reveal(
            f"{name}-often",
            name,
            ("past_month",),
            (f"{name}_frequency",),
            required=(f"{name}_frequency",),
            hint="",
        )
        for name in SUBSTANCES
    )

    def layout(self):
        items = [
            HTML(
                '<p class="text-body-secondary">Your answers are confidential and help us keep '
                "treatment safe. Nobody is turned away for being honest here.</p>"
            ),
            "alcohol",
            HTML(
                '<h2 class="h5 mt-4">Other substances</h2>'
                '<p class="instrument-stem">When did you last use each of these?</p>'
            ),
        ]
        for name in SUBSTANCES:
            items += [name, self.reveal(f"{name}-often")]
        return items + [self.place("problem_past_3_months"), self.place("ever_treated")]


for _name, _label in SUBSTANCES.items():
    SubstancesForm.base_fields[_name] = choice(
        _label, RECENCY, message="Choose when you last used it"
    )
    SubstancesForm.base_fields[f"{_name}_frequency"] = choice(
        "How often in the past month?",
        HOW_OFTEN,
        required=False,
        message="Choose how often in the past month",
    )
SubstancesForm.field_order = [
    "alcohol",
    *[name for sub in SUBSTANCES for name in (sub, f"{sub}_frequency")],
    "problem_past_3_months",
    "ever_treated",
]


# --- Step 7: current medications ----------------------------------------------------------------

MEDICATION_CLASSES = {
    "benzodiazepine": "Benzodiazepines, for example alprazolam (Xanax®), lorazepam (Ativan®), "
    "clonazepam (Klonopin®) or diazepam (Valium®)",
    "lamotrigine": "Lamotrigine (Lamictal®)",
    "maoi": "MAO inhibitors, for example phenelzine (Nardil®), tranylcypromine (Parnate®) or "
    "selegiline (Emsam®)",
    "stimulant": "Stimulants, for example amphetamine (Adderall®), methylphenidate (Ritalin®, "
    "Concerta®) or modafinil",
    "opioid": "Opioids, for example oxycodone, hydrocodone, tramadol, buprenorphine or methadone",
    "memantine": "Memantine (Namenda®)",
    "sedative_hypnotic": "Other sedatives or sleeping pills, for example zolpidem (Ambien®) or "
    "eszopiclone (Lunesta®)",
}


class MedicationsForm(IntakeForm):
    def layout(self):
        return [
            HTML(
                '<h2 class="h5 mt-4">Do you take any of these now?</h2>'
                '<p class="text-body-secondary">Some medicines change how ketamine works or how '
                "safe it is, so we ask about each one.</p>"
            ),
            *[self.place(f"takes_{name}") for name in MEDICATION_CLASSES],
        ]


MedicationsForm.base_fields.update(
    {f"takes_{name}": yes_no_unsure(label) for name, label in MEDICATION_CLASSES.items()}
)


# --- Step 8: consent ----------------------------------------------------------------------------


def channels_in_words(channels) -> str:
    words = [label.lower() for value, label in CONTACT_CHANNELS if value in (channels or [])]
    if len(words) <= 1:
        return "".join(words) or "the ways you chose"
    return ", ".join(words[:-1]) + " or " + words[-1]


class ConsentForm(IntakeForm):
    uses_context = True
    not_emergency_service = forms.BooleanField(
        label="I understand that this form is not an emergency service and is not watched in "
        "real time. If I need help now, I will call or text 988, or call 911.",
        error_messages={"required": "Check this box to confirm you understand this form is not "
                        "an emergency service"},
    )  # fmt: skip
    privacy_notice = forms.BooleanField(
        label="I have read how the clinic uses and protects my information.",
        help_text='Read <a href="/privacy/" target="_blank" rel="noopener">how we protect your '
        "information</a> (opens in a new tab).",
        error_messages={"required": "Check this box to confirm you have read how we protect "
                        "your information"},
    )  # fmt: skip
    contact_by_chosen_channels = forms.BooleanField(
        label="The clinic may contact me the ways I chose.",
        error_messages={"required": "Check this box so that we may contact you about your intake"},
    )
    signature = text(
        "Type your full name to sign",
        message="Type your full name to sign",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels = channels_in_words(self.context.get("contact_channels"))
        self.own_fields()
        self.fields[
            "contact_by_chosen_channels"
        ].label = f"The clinic may contact me by {channels} about my intake."

    def clean_signature(self):
        value = " ".join(self.cleaned_data["signature"].split())
        if not has_a_letter(value):
            raise ValidationError("Type your name using letters")
        return value
