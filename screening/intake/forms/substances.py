"""Steps 6 and 7: alcohol and drug use, and the medicines taken now."""

from crispy_forms.layout import HTML
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening import questionnaire as q

from .fields import IntakeForm, Reveal, choice, heading, yes_no_unsure

S = q.SUBSTANCES


class SubstancesForm(IntakeForm):
    alcohol = choice(S["alcohol"])
    problem_past_3_months = yes_no_unsure(S["problem_past_3_months"])
    ever_treated = yes_no_unsure(S["ever_treated"])

    reveals = tuple(
        Reveal.of(f"{question.shown_when.controller}-often", [question], required=True, hint="")
        for question in q.SUBSTANCE_FREQUENCY
    )

    def layout(self):
        items = [
            HTML(
                format_html(
                    '<p class="text-body-secondary">{}</p>',
                    gettext(
                        "Your answers are confidential and help us keep treatment safe. Nobody "
                        "is turned away for being honest here."
                    ),
                )
            ),
            "alcohol",
            heading(_("Other substances")),
            HTML(
                format_html(
                    '<p class="instrument-stem">{}</p>',
                    gettext("When did you last use each of these?"),
                )
            ),
        ]
        for question in q.SUBSTANCE_USE:
            items += [question.name, self.reveal(f"{question.name}-often")]
        return items + [self.place("problem_past_3_months"), self.place("ever_treated")]


for _use, _often in zip(q.SUBSTANCE_USE, q.SUBSTANCE_FREQUENCY, strict=True):
    SubstancesForm.base_fields[_use.name] = choice(_use, message=_("Choose when you last used it"))
    SubstancesForm.base_fields[_often.name] = choice(
        _often, required=False, message=_("Choose how often in the past month")
    )
SubstancesForm.field_order = list(S.names())


class MedicationsForm(IntakeForm):
    def layout(self):
        return [
            heading(
                _("Do you take any of these now?"),
                intro=_(
                    "Some medicines change how ketamine works or how safe it is, so we ask about "
                    "each one."
                ),
            ),
            *[self.place(question.name) for question in q.MEDICATIONS.questions],
        ]


MedicationsForm.base_fields.update(
    {question.name: yes_no_unsure(question) for question in q.MEDICATIONS.questions}
)
