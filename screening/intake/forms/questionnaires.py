"""Step 4: the PHQ-9, the GAD-7 and the C-SSRS screener, in their published wording."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML
from django import forms
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import IntakeForm, Reveal, TypedChoiceField, choice, options, wording

# C-SSRS items are numbered as the instrument numbers them; the follow-up to 6 is "6b".
CSSRS_NUMBERS = {"cssrs_q6_recent": "6b"} | {
    f"cssrs_q{number}": str(number) for number in range(1, 7)
}
CSSRS_ASKED_OF_EVERYONE = ("cssrs_q1", "cssrs_q2", "cssrs_q6")


def _item(question, number, instrument):
    return TypedChoiceField(
        label=format_lazy("{}. {}", number, wording(question.text)),
        choices=options(question.choices),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": format_lazy(
                _("Choose an answer for {instrument} question {number}"),
                instrument=instrument,
                number=number,
            ),
            "invalid_choice": _("Choose one of the answers shown"),
        },
    )


def _named_for_screen_readers(instrument, text):
    # PHQ-9 and GAD-7 end with the same question; the instrument's name keeps the two groups
    # apart for screen readers without changing the wording people see.
    return format_html('<span class="visually-hidden">{}: </span>{}', instrument, gettext(text))


named_for_screen_readers = lazy(_named_for_screen_readers, SafeString)


def _cssrs(question):
    shown = CSSRS_NUMBERS[question.name]
    return choice(
        question,
        label=format_lazy("{}. {}", shown, wording(question.text)),
        required=question.name in CSSRS_ASKED_OF_EVERYONE,
        message=format_lazy(_("Choose yes or no for question {number}"), number=shown),
    )


def _credit(text):
    return HTML(
        format_html('<p class="small text-body-secondary instrument-credit">{}</p>', gettext(text))
    )


def _stem(period, *, first=True):
    """The instrument's stem, with the time it asks about in bold (our own markup)."""
    return HTML(f'<p class="instrument-stem{"" if first else " mt-3"}">{period}</p>')


class QuestionnairesForm(IntakeForm):
    reveals = (
        Reveal.of(
            "cssrs-thoughts",
            [
                question
                for question in q.CSSRS
                if question.name in ("cssrs_q3", "cssrs_q4", "cssrs_q5")
            ],
            required=True,
            hint=_("Because you answered yes to question 2:"),
        ),
        Reveal.of(
            "cssrs-recent",
            [question for question in q.CSSRS if question.name == "cssrs_q6_recent"],
            required=True,
            hint=_("Because you answered yes to question 6:"),
        ),
    )

    # Asked of everyone who checked off a problem (see clean()), so never labelled optional.
    not_optional = ("phq9_difficulty",)
    summary_sections = (
        (_("Mood (PHQ-9)"), tuple(item.name for item in q.PHQ9) + ("phq9_difficulty",)),
        (_("Anxiety (GAD-7)"), tuple(item.name for item in q.GAD7) + ("gad7_difficulty",)),
        (_("Thoughts of suicide (C-SSRS screener)"), q.CSSRS_NAMES),
    )

    def summary_extras(self, saved):
        extras = {}
        worked_out = gettext("Total, worked out for you")
        if "phq9_total" in saved:
            extras[self.summary_sections[0][0]] = [
                (worked_out, gettext("%(total)s of 27") % {"total": saved["phq9_total"]})
            ]
        if "gad7_total" in saved:
            extras[self.summary_sections[1][0]] = [
                (worked_out, gettext("%(total)s of 21") % {"total": saved["gad7_total"]})
            ]
        return extras

    def layout(self):
        past_two_weeks = gettext(
            "Over the <strong>last 2 weeks</strong>, how often have you been bothered by any of "
            "the following problems?"
        )
        return [
            HTML(format_html('<h2 class="h5" id="phq9-heading">{}</h2>', gettext("Mood (PHQ-9)"))),
            _stem(past_two_weeks),
            *[item.name for item in q.PHQ9],
            "phq9_difficulty",
            _credit(q.PHQ9_CREDIT),
            HTML(
                format_html(
                    '<h2 class="h5 mt-4" id="gad7-heading">{}</h2>', gettext("Anxiety (GAD-7)")
                )
            ),
            _stem(
                gettext(
                    "Over the <strong>last 2 weeks</strong>, how often have you been bothered by "
                    "the following problems?"
                )
            ),
            *[item.name for item in q.GAD7],
            "gad7_difficulty",
            _credit(q.GAD7_CREDIT),
            HTML(
                format_html(
                    '<h2 class="h5 mt-4" id="cssrs-heading">{}</h2>',
                    gettext("Thoughts of suicide (C-SSRS screener)"),
                )
            ),
            HTML(
                '<p class="cssrs-intro">'
                + gettext(
                    "We ask everyone these questions. Your honest answers help us care for you "
                    "safely. If you are having these thoughts now, you can call or text "
                    "%(line)s at any time."
                )
                % {"line": '<a href="tel:988">988</a>'}
                + "</p>"
            ),
            _stem(gettext("In the <strong>past month</strong>:")),
            InlineRadios("cssrs_q1"),
            InlineRadios("cssrs_q2"),
            self.reveal("cssrs-thoughts"),
            _stem(gettext("In your <strong>lifetime</strong>:"), first=False),
            InlineRadios("cssrs_q6"),
            self.reveal("cssrs-recent"),
            _credit(q.CSSRS_CREDIT),
        ]

    def clean(self):
        cleaned = super().clean()
        phq9 = [cleaned.get(item.name) for item in q.PHQ9]
        gad7 = [cleaned.get(item.name) for item in q.GAD7]
        if None not in phq9:
            cleaned["phq9_total"] = sum(phq9)
            if cleaned["phq9_total"] == 0:
                cleaned.pop("phq9_difficulty", None)
            elif not cleaned.get("phq9_difficulty") and "phq9_difficulty" not in self._errors:
                self.add_error(
                    "phq9_difficulty",
                    gettext("Choose how difficult these problems have made things"),
                )
        if None not in gad7:
            cleaned["gad7_total"] = sum(gad7)
        return cleaned


def _questionnaire_fields():
    fields = {}
    for number, item in enumerate(q.PHQ9, start=1):
        fields[item.name] = _item(item, number, "PHQ-9")
    fields["phq9_difficulty"] = choice(
        q.PHQ9_DIFFICULTY,
        label=named_for_screen_readers(_("Mood questionnaire"), q.DIFFICULTY_QUESTION),
        required=False,
        message=_("Choose how difficult these problems have made things"),
    )
    for number, item in enumerate(q.GAD7, start=1):
        fields[item.name] = _item(item, number, "GAD-7")
    fields["gad7_difficulty"] = choice(
        q.GAD7_DIFFICULTY,
        label=named_for_screen_readers(_("Anxiety questionnaire"), q.DIFFICULTY_QUESTION),
        required=False,
    )
    for question in q.CSSRS:
        fields[question.name] = _cssrs(question)
    return fields


# Built once: the instruments' items are fields like any other.
QuestionnairesForm.base_fields.update(_questionnaire_fields())


def questionnaire_shows_risk(answers: dict) -> bool:
    """Suicide risk in the saved questionnaire step: PHQ-9 item 9 above "not at all", or any
    "yes" in the C-SSRS screener."""
    if (answers.get("phq9_9") or 0) > 0:
        return True
    return any(answers.get(name) == "yes" for name in q.CSSRS_NAMES)
