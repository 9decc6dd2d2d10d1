"""How a person moves through the intake, in plain Python (no requests or responses here).

- A step's answers are validated by its forms and stored per step in `Draft.answers`.
- A person may open any step they have completed and the first one they have not.
- When the questionnaires show suicide risk, the support page comes before anything after them.
- A blood-pressure reading in the crisis range brings a calm medical notice next, once per
  reading; it does not hold the rest of the intake.
- A date of birth under the minimum age brings a kind page next, and no step after "About you"
  opens, saves or sends until the date is corrected.
- Submitting turns the draft into exactly one submission, however often it is asked for; an
  urgent one alerts the clinicians on call, in the same transaction (screening.alerts).
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from screening.alerts import raise_urgent_alert
from screening.engine import IntakeError
from screening.intake import steps
from screening.intake.export import SECTION_STEPS, draft_to_intake
from screening.intake.forms import MAX_ROWS, questionnaire_shows_risk
from screening.models import (
    Draft,
    Outcome,
    Submission,
    UrgentAlert,
    current_thresholds_or_defaults,
)
from screening.models.intake import hash_token

log = logging.getLogger(__name__)

SUPPORT = "support"
MEDICAL_NOTICE = "medical-notice"
FOR_ADULTS = "for-adults"


# --- Finding a draft ----------------------------------------------------------------------------


def find_draft(token: str, *, lock: bool = False):
    """The live draft a private link opens, or None (expired and unknown links look alike).

    With `lock`, the row stays locked until the caller's transaction ends, so two tabs saving
    at once cannot overwrite each other's answers.
    """
    return Draft.objects.open(token, lock=lock)


def is_sent(draft) -> bool:
    return draft.submitted_at is not None


def submission_of(draft):
    """The draft's submission, or None while it is in progress."""
    if not is_sent(draft):
        return None
    return Submission.objects.filter(draft=draft).first()


# --- A step's forms -----------------------------------------------------------------------------


def context_for(answers: dict, today: date | None = None) -> dict:
    """Answers from earlier steps that change later questions."""
    about = (answers or {}).get("about") or {}
    context = {
        "sex_at_birth": about.get("sex_at_birth"),
        "contact_channels": about.get("contact_channels") or [],
        "age": None,
    }
    born = about.get("date_of_birth")
    if born:
        born = date.fromisoformat(born)
        today = today or timezone.localdate()
        context["age"] = (
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )
    return context


def _anchor(bound_field) -> str:
    # Radios, checkboxes and month/day/year parts have no element with the field's own id:
    # the error summary links to their first input instead.
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@dataclass
class StepForms:
    """The form and the repeatable-row formsets of one step, validated together."""

    step: steps.Step
    form: forms.Form
    formsets: dict = field(default_factory=dict)

    def is_valid(self) -> bool:
        # Every form is validated (no short-circuit), so every problem is shown at once.
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    def to_answers(self) -> dict:
        answers = self.form.to_answers()
        for prefix, formset in self.formsets.items():
            answers[prefix] = formset.rows()
        return answers

    def hide_errors(self):
        self.form.hide_errors()
        for formset in self.formsets.values():
            formset.hide_errors()

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for the summary at the top of the page, in page order."""
        found = [("step-form", str(message)) for message in self.form.non_field_errors()]
        for bound in self.form:
            found += [(_anchor(bound), str(message)) for message in bound.errors]
        for rows in self.step.formsets:
            formset = self.formsets[rows.prefix]
            for error in formset.non_form_errors().as_data():
                found.append((f"{rows.prefix}-rows", _friendly_formset_error(error)))
            for number, row in enumerate(formset.forms, start=1):
                for bound in row:
                    found += [
                        (_anchor(bound), f"{formset.noun.capitalize()} {number}: {message}")
                        for message in bound.errors
                    ]
        return found


def _friendly_formset_error(error) -> str:
    # By Django's error code, in whichever language the page is in.
    if error.code == "missing_management_form":
        return gettext(
            "Part of this page did not arrive as expected. Check the list and try again."
        )
    if error.code == "too_many_forms":
        return gettext("Add no more than %(rows)s rows") % {"rows": MAX_ROWS}
    return " ".join(str(message) for message in error.messages)


def build_step_forms(step: steps.Step, answers: dict, data=None) -> StepForms:
    """The step's forms: filled from the saved answers, or bound to what was just sent."""
    answers = answers or {}
    context = context_for(answers)
    saved = answers.get(step.slug) or {}
    if data is None:
        form = step.form(initial=saved, context=context)
        formsets = {
            rows.prefix: rows.formset(
                initial=saved.get(rows.prefix) or None, prefix=rows.prefix, context=context
            )
            for rows in step.formsets
        }
    else:
        form = step.form(data, context=context)
        formsets = {
            rows.prefix: rows.formset(data, prefix=rows.prefix, context=context)
            for rows in step.formsets
        }
    return StepForms(step, form, formsets)


def with_extra_row(data: QueryDict, prefix: str) -> QueryDict:
    """The posted data with one more empty row in a formset (adding a row without JavaScript)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(max(0, min(total + 1, MAX_ROWS)))
    return data


def _put(data: QueryDict, form: forms.Form):
    for bound in form:
        value = bound.initial
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = zip(widget.widgets_names, widget.decompress(value), strict=True)
            for suffix, part in parts:
                data[f"{bound.html_name}{suffix}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data.setlist(bound.html_name, [str(item) for item in value])
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = str(value)


def saved_as_data(step: steps.Step, answers: dict) -> QueryDict:
    """The saved answers of a step as the form data that would produce them."""
    context = context_for(answers)
    saved = (answers or {}).get(step.slug) or {}
    data = QueryDict(mutable=True)
    _put(data, step.form(initial=saved, context=context))
    for rows in step.formsets:
        saved_rows = saved.get(rows.prefix) or []
        data[f"{rows.prefix}-TOTAL_FORMS"] = str(len(saved_rows))
        data[f"{rows.prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(saved_rows):
            _put(data, rows.formset.form(initial=row, prefix=f"{rows.prefix}-{i}", context=context))
    return data


def step_still_valid(draft, step: steps.Step) -> bool:
    """Whether a completed step's saved answers still pass its forms (an earlier answer, such as
    sex at birth, can add questions to a later step)."""
    if step.slug not in (draft.answers or {}):
        return False
    checked = build_step_forms(step, draft.answers, saved_as_data(step, draft.answers))
    return checked.is_valid()


def steps_needing_attention(draft) -> list[steps.Step]:
    return [step for step in steps.ANSWER_STEPS if not step_still_valid(draft, step)]


# --- Where a person may go ----------------------------------------------------------------------


def first_open_step(draft) -> steps.Step:
    done = set(draft.completed_steps or [])
    for step in steps.ANSWER_STEPS:
        if step.slug not in done:
            return step
    return steps.REVIEW


def detour(draft, step: steps.Step) -> str | None:
    """Where to send someone who asks for `step` instead, or None when they may open it."""
    if draft.under_min_age and step is not steps.FIRST:
        return FOR_ADULTS
    first = first_open_step(draft)
    if steps.index_of(step.slug) > steps.index_of(first.slug):
        return first.slug
    if draft.risk_pending and steps.index_of(step.slug) > steps.index_of("questionnaires"):
        return SUPPORT
    return None


def resume_target(draft) -> str:
    """Where a private link brings someone back to: the step where they stopped."""
    if draft.under_min_age:
        return FOR_ADULTS
    if draft.risk_pending:
        return SUPPORT
    wanted = steps.BY_SLUG.get(draft.current_step) or first_open_step(draft)
    return detour(draft, wanted) or wanted.slug


def showing_link_first_time(draft, step: steps.Step) -> bool:
    """Right after the first page is saved, the private link is shown prominently."""
    return step.slug == steps.STEPS[1].slug and list(draft.completed_steps or []) == [
        steps.FIRST.slug
    ]


# --- Saving -------------------------------------------------------------------------------------


def link_expiry(now):
    # The link lasts DRAFT_TTL_DAYS from the last time the person saved something.
    return now + timedelta(days=settings.DRAFT_TTL_DAYS)


def record_step(token: str, step: steps.Step, saved: dict, now=None) -> str | None:
    """Store one step's answers in the draft a private link opens and return where to go
    next: the page for younger people after a date of birth under the minimum age, the
    support page straight after questionnaires that show suicide risk, the medical notice
    after a blood-pressure reading in the crisis range (once per reading), otherwise the next
    step. None when the link does not open this step just now (wrong, expired or sent link; an
    earlier step not done; the support page waiting; under the minimum age): nothing is
    written.

    The checks are the same as `detour()`'s, made by the database in the write itself, so a
    step's save is one statement: no read first, no lock, no transaction
    (bench/bench_intake.py).
    """
    now = now or timezone.now()
    following = steps.next_step(step)
    position = steps.index_of(step.slug)
    shows_risk = questionnaire_shows_risk(saved) if step is steps.QUESTIONNAIRES else None
    under_age = is_under_min_age(saved) if step is steps.FIRST else None
    crisis_reading = step is steps.MEDICAL and reading_in_crisis_range(saved)
    # Only for a reading in the crisis range (rare): the reading saved before, to tell a new one.
    before = Draft.objects.open_section(token, step.slug)[1] if crisis_reading else None
    written = Draft.objects.save_step(
        token,
        step.slug,
        saved,
        after=[each.slug for each in steps.ANSWER_STEPS[:position]],
        next_step=following.slug,
        risk_pending=shows_risk,
        unless_risk_pending=position > steps.index_of(steps.QUESTIONNAIRES.slug),
        under_min_age=under_age,
        unless_under_min_age=position > 0,
        expires_at=link_expiry(now),
        now=now,
    )
    if not written:
        return None
    if under_age:
        return FOR_ADULTS
    if shows_risk:
        return SUPPORT
    if crisis_reading and medical_notice_due(token, before, saved):
        return MEDICAL_NOTICE
    return following.slug


def is_under_min_age(about: dict) -> bool:
    """Whether the date of birth in "About you" answers is under the clinic's minimum age."""
    age = context_for({steps.FIRST.slug: about})["age"]
    return age is not None and age < current_thresholds_or_defaults().min_age


def _reading(medical: dict | None) -> tuple:
    medical = medical or {}
    return medical.get("bp_systolic"), medical.get("bp_diastolic")


def reading_in_crisis_range(medical: dict | None) -> bool:
    """Whether the medical answers hold a blood-pressure reading in the crisis range, by the
    clinic's thresholds (the screening's RISK_BP_CRISIS)."""
    systolic, diastolic = _reading(medical)
    if systolic is None and diastolic is None:
        return False
    return current_thresholds_or_defaults().bp_in_crisis_range(systolic, diastolic)


def medical_notice_due(token: str, before: dict | None, saved: dict) -> bool:
    """After saving a reading in the crisis range: whether the notice is still to be shown for
    it. A different reading from the one saved before is new (and clears when the notice was
    last shown); the same one needs the notice only if it has not been shown yet."""
    drafts = Draft.objects.filter(token_hash=hash_token(token))
    if _reading(before) != _reading(saved):
        drafts.filter(medical_notice_shown_at__isnull=False).update(medical_notice_shown_at=None)
        return True
    return not drafts.filter(medical_notice_shown_at__isnull=False).exists()


def show_medical_notice(draft, now=None) -> None:
    """The medical notice is on the person's screen: record when (once per reading)."""
    if draft.medical_notice_shown_at is None:
        draft.medical_notice_shown_at = now or timezone.now()
        Draft.objects.filter(pk=draft.pk, medical_notice_shown_at__isnull=True).update(
            medical_notice_shown_at=draft.medical_notice_shown_at
        )


def context_for_step(token: str, step: steps.Step) -> tuple[bool, dict]:
    """(found, answers): the earlier answers a step's questions depend on, read alone, or
    none for a step whose questions depend on nothing (found is False for a link that opens
    no unsent draft)."""
    if not step.form.uses_context:
        return True, {}
    found, about = Draft.objects.open_section(token, steps.FIRST.slug)
    return found, ({steps.FIRST.slug: about} if about else {})


def acknowledge_support(draft, now=None) -> str:
    """The person read the support page and chose to continue."""
    now = now or timezone.now()
    draft.risk_pending = False
    draft.risk_shown_at = now
    draft.save(update_fields=["risk_pending", "risk_shown_at", "updated_at"])
    return resume_target(draft)


def may_email_link(draft, now=None) -> bool:
    # One email a minute per draft: enough for a typo fixed, too slow to flood an inbox.
    now = now or timezone.now()
    return draft.link_emailed_at is None or now - draft.link_emailed_at > timedelta(minutes=1)


# --- Submitting ---------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    submission: Submission | None = None
    created: bool = False
    go_back_to: str | None = None  # a step slug, or SUPPORT, when the draft is not ready


def submit(draft_pk: int, consent: dict, now=None) -> SubmitResult:
    """Turn a draft into its one submission.

    Atomic and idempotent: the draft row is locked, so a double click, a retried POST or a
    second tab waits for the first and then gets the same submission back. The database's
    one-submission-per-draft constraint backs this up where row locks don't exist (SQLite).
    """
    now = now or timezone.now()
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft_pk)
        existing = Submission.objects.filter(draft=draft).first()
        if existing is not None:
            return SubmitResult(existing, created=False)

        signed = {**consent, "signed_at": timezone.localtime(now).isoformat()}
        draft.answers = {**(draft.answers or {}), steps.REVIEW.slug: signed}
        draft.expires_at = link_expiry(now)
        if draft.under_min_age:
            # Not sendable: the clinic's treatment is for adults (the kind page says so).
            return SubmitResult(go_back_to=FOR_ADULTS)
        stale = steps_needing_attention(draft)
        if stale or draft.risk_pending:
            draft.save(update_fields=["answers", "expires_at", "updated_at"])
            return SubmitResult(go_back_to=stale[0].slug if stale else SUPPORT)

        document = draft_to_intake(draft, submitted_at=now)
        try:
            with transaction.atomic():
                submission = Submission.objects.create_screened(
                    document, draft=draft, submitted_at=now
                )
        except IntegrityError:
            # Another request submitted this draft between our check and our insert.
            return SubmitResult(Submission.objects.get(draft=draft), created=False)
        except IntakeError as error:
            # The forms should never let this happen; name the key, never the answer.
            log.error("Intake of draft %s failed screening validation at %s", draft.pk, error.key)
            section = (error.key or "").split(".")[0].split("[")[0]
            draft.save(update_fields=["answers", "expires_at", "updated_at"])
            return SubmitResult(go_back_to=SECTION_STEPS.get(section, steps.FIRST.slug))

        if submission.questionnaire_version != draft.questionnaire_version:
            submission.questionnaire_version = draft.questionnaire_version
            submission.save(update_fields=["questionnaire_version"])
        # The submission holds the answers now; the draft keeps only what the link needs.
        draft.answers = {}
        draft.completed_steps = list(steps.SLUGS)
        draft.current_step = steps.REVIEW.slug
        draft.submitted_at = now
        draft.save(
            update_fields=[
                "answers",
                "completed_steps",
                "current_step",
                "submitted_at",
                "expires_at",
                "updated_at",
            ]
        )
        if submission.outcome == Outcome.URGENT:
            # In this transaction: the alert's tasks commit with the submission, or not at all.
            raise_urgent_alert(submission, UrgentAlert.Reason.SUBMITTED, now=now)
    return SubmitResult(submission, created=True)
