"""The intake's form framework: fields built from the questionnaire definition, dependent
questions, and the base form every step uses.

Forms own validation, with messages written for a person, not a developer. Questions that only
apply after another answer are declared as `Reveal`s: intake.js shows them when the answer
applies, and `clean()` drops them when it does not, so an answer to a question that no longer
applies is never stored, with or without JavaScript.

A question's wording, help text and answers come from `screening.questionnaire`; a field here
adds only what a form needs on top: limits, widgets and the messages that explain a mistake.
"""

import calendar
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
from django.forms.utils import ErrorDict
from django.utils.dates import MONTHS
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening.questionnaire import Choices, Question

MAX_ROWS = 30
OLDEST_AGE = 120


# --- Wording from the definition ----------------------------------------------------------------


def wording(text: str):
    """The definition's wording, translated when it is shown."""
    return _(text) if text else ""


def lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def _enter(text: str) -> str:
    return gettext("Enter %(answer)s") % {"answer": lower_first(gettext(text))}


def enter(text: str):
    """ "Enter <the question's wording>", the message for an empty required box."""
    return lazy(_enter, str)(text)


def options(choices: Choices, blank=None) -> list:
    """A field's choices from the definition's answers, translated when shown."""
    listed = [(option.code, wording(option.text)) for option in choices]
    return [("", blank), *listed] if blank is not None else listed


def _optional(label) -> SafeString:
    return format_html(gettext("{} (optional)"), label)


optional = lazy(_optional, SafeString)


# --- Fields ------------------------------------------------------------------------------------


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


def _help(question: Question, kwargs: dict) -> dict:
    if "help_text" not in kwargs and question.help:
        kwargs["help_text"] = wording(question.help)
    return kwargs


def _keep_to(limit: int):
    return format_lazy(_("Keep this to {limit} characters or fewer"), limit=limit)


def _from_to(low, high):
    return format_lazy(_("Enter a number from {low} to {high}"), low=low, high=high)


def text(question: Question, max_length=200, required=True, message=None, **kwargs):
    return forms.CharField(
        label=wording(question.text),
        max_length=max_length,
        required=required,
        error_messages={
            "required": message or enter(question.text),
            "max_length": _keep_to(max_length),
        },
        **_help(question, kwargs),
    )


def long_text(question: Question, max_length=1000, message=None, **kwargs):
    return forms.CharField(
        label=wording(question.text),
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message, "max_length": _keep_to(max_length)},
        **_help(question, kwargs),
    )


def email(question: Question, message, **kwargs):
    return forms.EmailField(
        label=wording(question.text),
        max_length=254,
        error_messages={
            "required": message,
            "invalid": _("Enter an email address like name@example.com"),
            "max_length": _keep_to(254),
        },
        **_help(question, kwargs),
    )


def choice(
    question: Question, required=True, message=None, widget=None, blank=None, label=None, **kwargs
):
    return ChoiceField(
        label=label if label is not None else wording(question.text),
        choices=options(question.choices, blank),
        required=required,
        widget=widget or forms.RadioSelect,
        error_messages={
            "required": message or _("Choose an answer"),
            "invalid_choice": _("Choose one of the answers shown"),
        },
        **_help(question, kwargs),
    )


def yes_no_unsure(question: Question, message=None, **kwargs):
    return choice(question, message=message or _("Choose yes, no or not sure"), **kwargs)


def several(question: Question, message=None, invalid=None, required=True, **kwargs):
    """Tick all that apply."""
    return MultipleChoiceField(
        label=wording(question.text),
        choices=options(question.choices),
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": message,
            "invalid_choice": invalid or _("Choose from the answers shown"),
        },
        **_help(question, kwargs),
    )


def agreement(question: Question, message, **kwargs):
    return forms.BooleanField(
        label=wording(question.text),
        error_messages={"required": message},
        **_help(question, kwargs),
    )


def whole_number(
    question: Question, low, high, required=True, message=None, out_of_range=None, **kwargs
):
    """`out_of_range` says the limits in words ("most adults weigh between..."); without it,
    "Enter a number from low to high"."""
    out_of_range = out_of_range or _from_to(low, high)
    return forms.IntegerField(
        label=wording(question.text),
        required=required,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
        error_messages={
            "required": message or enter(question.text),
            "invalid": _("Enter a whole number, like 12"),
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
        **_help(question, kwargs),
    )


def decimal_number(
    question: Question, low, high, required=False, message=None, out_of_range=None, **kwargs
):
    out_of_range = out_of_range or _from_to(low, high)
    return forms.DecimalField(
        label=wording(question.text),
        required=required,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short"}),
        error_messages={
            "required": message or enter(question.text),
            "invalid": _("Enter a number, like 12 or 12.5"),
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_digits": out_of_range,
            "max_decimal_places": _("Use at most 2 digits after the decimal point"),
            "max_whole_digits": out_of_range,
        },
        **_help(question, kwargs),
    )


PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-.]+$")


def check_phone(value: str) -> str:
    value = " ".join(value.split())
    if not PHONE_CHARACTERS.match(value):
        raise ValidationError(
            gettext(
                "Enter a phone number using digits, with spaces, dashes or brackets if you "
                "like, like 910 555 0142"
            )
        )
    digits = sum(ch.isdigit() for ch in value)
    if digits < 10:
        raise ValidationError(gettext("This number looks too short: include the area code"))
    if digits > 15:
        raise ValidationError(gettext("This number looks too long: check it and try again"))
    return value


def has_a_letter(value: str) -> bool:
    return any(ch.isalpha() for ch in value)


def single_spaced(value: str) -> str:
    return " ".join(value.split())


class DatePartsWidget(forms.MultiWidget):
    """Month, day and year, in the order a US clinic writes a date, with the month chosen by
    name: with three number boxes a person who types the month first has a wrong date stored
    without a word (3 4 1987 is April 3 to one person and March 4 to another). The platform's
    date input is no help here: on phones it opens on today and scrolls back decades for a
    date of birth, and desktop browsers order its parts by the browser's locale, not the
    page's. Each part has its own visible label; the field's label is the fieldset's legend.
    The parts post as <name>_month, <name>_day and <name>_year."""

    template_name = "intake/widgets/date_parts.html"
    use_fieldset = True
    part_labels = (_("Month"), _("Day"), _("Year"))

    def __init__(self, autocomplete=None, attrs=None):
        def attrs_for(part, **extra):
            part_attrs = {"class": "form-control", **extra}
            if autocomplete:
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            return part_attrs

        months = [("", _("Choose a month")), *((str(n), name) for n, name in MONTHS.items())]
        super().__init__(
            {
                "month": forms.Select(
                    attrs=attrs_for("month", **{"class": "form-select input-month"}),
                    choices=months,
                ),
                "day": forms.TextInput(
                    attrs=attrs_for(
                        "day",
                        inputmode="numeric",
                        maxlength="2",
                        **{"class": "form-control input-2"},
                    )
                ),
                "year": forms.TextInput(
                    attrs=attrs_for(
                        "year",
                        inputmode="numeric",
                        maxlength="4",
                        **{"class": "form-control input-4"},
                    )
                ),
            },
            attrs,
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.part_labels, strict=True):
            subwidget["part_label"] = label
        return context

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, date):
            return [str(value.month), value.day, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    """A date from month/day/year parts; messages say what is wrong in the person's terms and
    the page shows the parts as they were typed (a bound MultiWidget renders the posted data)."""

    def __init__(self, question: Question, required=True, autocomplete=None, noun=None, **kw):
        # What the messages call the date ("your date of birth", "the date of the reading").
        self.noun = noun or lazy(lower_first, str)(wording(question.text))
        parts = [forms.CharField(max_length=10, required=False) for _ in range(3)]
        super().__init__(
            fields=parts,
            label=wording(question.text),
            required=required,
            require_all_fields=False,
            widget=DatePartsWidget(autocomplete=autocomplete),
            error_messages={
                "required": format_lazy(_("Enter {noun}"), noun=self.noun),
                "incomplete": format_lazy(_("Enter {noun}"), noun=self.noun),
            },
            **_help(question, kw),
        )

    def _capitalised(self) -> str:
        noun = str(self.noun)
        return noun[:1].upper() + noun[1:]

    def compress(self, data_list):
        month, day, year = (str(part or "").strip() for part in (data_list or ["", "", ""]))
        if not (day or month or year):
            return None
        parts = ((gettext("month"), month), (gettext("day"), day), (gettext("year"), year))
        missing = [name for name, part in parts if not part]
        if missing:
            raise ValidationError(
                gettext("%(what)s must include a %(parts)s")
                % {"what": self._capitalised(), "parts": gettext(" and ").join(missing)}
            )
        if not month.isdigit() or not 1 <= int(month) <= 12:
            raise ValidationError(gettext("Choose the month from the list"))
        if not (day.isdigit() and year.isdigit()):
            raise ValidationError(
                gettext("Enter the day and the year as numbers, for example 14 and 1987")
            )
        if len(year) != 4:
            raise ValidationError(gettext("Enter the year with 4 digits, for example 1987"))
        month, day, year = int(month), int(day), int(year)
        if not 1 <= day <= 31:
            raise ValidationError(gettext("Enter a day from 1 to 31"))
        if year < 1:
            raise ValidationError(gettext("Enter the year with 4 digits, for example 1987"))
        last = calendar.monthrange(year, month)[1]
        if day > last:
            # Name the problem: "April has 30 days", "February 2025 has 28 days".
            if month == 2:
                message = gettext("February %(year)s has %(days)s days: check the day")
            else:
                message = gettext("%(month)s has %(days)s days: check the day")
            raise ValidationError(message % {"month": MONTHS[month], "year": year, "days": last})
        return date(year, month, day)


# --- Dependent questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reveal:
    """Questions shown only when `controller`'s answer is one of `values`."""

    name: str
    controller: str
    values: tuple
    fields: tuple
    required: tuple = ()
    hint: str = _("Answer these if they apply to your answer above.")

    @classmethod
    def of(cls, name, questions, *, required=False, hint=None):
        """The block of `questions`, shown when the definition says they are asked; with
        `required`, each must be answered once shown (or only those named)."""
        whens = {question.shown_when for question in questions}
        if len(whens) != 1 or None in whens:
            raise ImproperlyConfigured(f"{name}: its questions must share one shown_when")
        when = whens.pop()
        names = tuple(question.name for question in questions)
        if required is True:
            required = names
        extra = {} if hint is None else {"hint": hint}
        return cls(name, when.controller, when.values, names, tuple(required or ()), **extra)

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


def heading(text, *, first=False, intro=None, css_id=None):
    """A section heading inside a step; `text` and `intro` are lazy translations."""
    css = "h5" if first else "h5 mt-4"
    html = format_html(
        '<h2 class="{}"{}>{}</h2>',
        css,
        format_html(' id="{}"', css_id) if css_id else "",
        text,
    )
    if intro:
        html += format_html('<p class="text-body-secondary">{}</p>', intro)
    return HTML(html)


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
                field.label = optional(field.label)
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
        hint = format_html('<p class="reveal-hint small text-body-secondary">{}</p>', r.hint)
        return Div(
            *([HTML(hint)] if r.hint else []),
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
