"""Forms of the staff review workspace: the queue's filters, assigning, acknowledging an urgent
submission, recording a decision and changing the screening thresholds."""

import dataclasses
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.forms import PlainRequiredMessages
from clinic.roles import ADMINISTRATOR, CLINICIAN
from screening.engine import DEFAULT_THRESHOLDS, Thresholds
from screening.models import (
    OUTCOME_RANK,
    Acknowledgement,
    Decision,
    Outcome,
    OutreachAttempt,
    Submission,
    UrgentEpisodeClosure,
)
from screening.models.intake import URGENT_EPISODE_OPEN_Q


def reviewers():
    """Staff who can be given a submission to review: active clinicians and administrators."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[CLINICIAN, ADMINISTRATOR])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def staff_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class DateInput(forms.DateInput):
    input_type = "date"


# --- The queue ----------------------------------------------------------------------------------


class QueueFilterForm(PlainRequiredMessages, forms.Form):
    """Filters arrive by GET, so a filtered queue is a link that can be bookmarked or shared."""

    STATUS_OPEN = "open"
    STATUS_ALL = "all"
    STATUS_CHOICES = [
        (STATUS_OPEN, _("Open (new or in review)")),
        *Submission.ReviewStatus.choices,
        (STATUS_ALL, _("All")),
    ]
    PAGE_SIZES = [10, 25, 50, 100]
    DEFAULT_PAGE_SIZE = 25

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference code, full legal name, email or phone (exact)."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *Outcome.choices]
    )
    status = forms.ChoiceField(label=_("Review status"), required=False, choices=STATUS_CHOICES)
    assigned = forms.ChoiceField(label=_("Assigned to"), required=False)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput)
    submitted_to = forms.DateField(label=_("Submitted to"), required=False, widget=DateInput)
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in PAGE_SIZES],
        empty_value=DEFAULT_PAGE_SIZE,
        # Shown selected before any filter is applied, as many as the page lists.
        initial=DEFAULT_PAGE_SIZE,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["assigned"].choices = [
            ("", gettext("Anyone or nobody")),
            ("mine", gettext("Me")),
            ("none", gettext("Nobody yet")),
            *[(str(u.pk), staff_name(u)) for u in reviewers()],
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", gettext("The end date is before the start date."))
        return data

    @property
    def values(self):
        """The cleaned filters, or the defaults when the form is unbound or invalid."""
        data = dict(self.cleaned_data) if self.is_bound and self.is_valid() else {}
        data.setdefault("status", "")
        data["status"] = data["status"] or self.STATUS_OPEN
        data["per_page"] = data.get("per_page") or self.DEFAULT_PAGE_SIZE
        return data

    def filter(self, queryset, *, include_outcome=True):
        """Apply the filters. The outcome is matched through its rank so the queue's sort index
        (outcome_rank, risk_rank, submitted_at, id) serves the filtered list as well."""
        data = self.values
        if include_outcome and data.get("outcome"):
            queryset = queryset.filter(outcome_rank=OUTCOME_RANK[data["outcome"]])
        status = data["status"]
        if status == self.STATUS_OPEN:
            # Not decided, spelt as a list so PostgreSQL can use the status index.
            open_statuses = [Submission.ReviewStatus.NEW, Submission.ReviewStatus.IN_REVIEW]
            # An urgent episode nobody has closed stays in the working queue, decided or not.
            queryset = queryset.filter(Q(review_status__in=open_statuses) | URGENT_EPISODE_OPEN_Q)
        elif status != self.STATUS_ALL:
            queryset = queryset.filter(review_status=status)
        assigned = data.get("assigned")
        if assigned == "mine":
            queryset = queryset.filter(assigned_to=self.user)
        elif assigned == "none":
            queryset = queryset.filter(assigned_to__isnull=True)
        elif assigned:
            queryset = queryset.filter(assigned_to_id=int(assigned))
        zone = timezone.get_current_timezone()
        if data.get("submitted_from"):
            start = datetime.combine(data["submitted_from"], time.min, tzinfo=zone)
            queryset = queryset.filter(submitted_at__gte=start)
        if data.get("submitted_to"):
            end = datetime.combine(data["submitted_to"] + timedelta(days=1), time.min, tzinfo=zone)
            queryset = queryset.filter(submitted_at__lt=end)
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return queryset

    def outcome_counts(self, queryset):
        """Submissions per outcome under every filter but the outcome, in one query."""
        counts = self.filter(queryset, include_outcome=False).aggregate(
            **{
                outcome.value: Count("id", filter=Q(outcome_rank=OUTCOME_RANK[outcome]))
                for outcome in Outcome
            }
        )
        return [(outcome, counts[outcome.value]) for outcome in Outcome]


# --- A submission's actions ---------------------------------------------------------------------


class AssignForm(PlainRequiredMessages, forms.Form):
    prefix = "assign"

    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=None,
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = reviewers()
        self.fields["assignee"].label_from_instance = staff_name


class AcknowledgeForm(PlainRequiredMessages, forms.Form):
    prefix = "ack"

    action = forms.ChoiceField(
        label=_("What was done"),
        choices=Acknowledgement.Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what was done.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you spoke with and what was agreed. Required for “Something else”."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == Acknowledgement.Action.OTHER and not data.get("note", "").strip():
            self.add_error("note", gettext("Say what was done."))
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# A clock a little fast on the clinician's phone is not "in the future".
CLOCK_SLACK = timedelta(minutes=5)


class OutreachAttemptForm(PlainRequiredMessages, forms.Form):
    """One attempt to reach the person about an urgent submission."""

    prefix = "outreach"

    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=OutreachAttempt.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    at = forms.DateTimeField(
        label=_("When (clinic time)"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Leave empty for now."),
        error_messages={"invalid": _("Enter the date and time, e.g. 2026-12-02 14:30.")},
    )
    note = forms.CharField(
        label=_("Note on this attempt"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you spoke with, what was agreed, the number you left a message on."),
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at is None:
            return None
        if at > timezone.now() + CLOCK_SLACK:
            raise forms.ValidationError(gettext("That time is in the future."))
        if at < self.submission.submitted_at - CLOCK_SLACK:
            raise forms.ValidationError(gettext("That time is before the intake was sent."))
        return at

    def clean(self):
        data = super().clean()
        if data.get("kind") == OutreachAttempt.Kind.OTHER and not data.get("note", "").strip():
            self.add_error("note", gettext("Say what was done."))
        return data


class CloseEpisodeForm(PlainRequiredMessages, forms.Form):
    """A clinician ends the urgent episode, with how it ended."""

    prefix = "close"

    outcome = forms.ChoiceField(
        label=_("How the urgent episode ended"),
        choices=UrgentEpisodeClosure.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the urgent episode ended.")},
    )
    note = forms.CharField(
        label=_("Note on how it ended"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The plan agreed, who took over, what happens next."),
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == UrgentEpisodeClosure.Outcome.OTHER and not data.get("note", "").strip():
            self.add_error("note", gettext("Say how the episode ended."))
        return data


class DecisionForm(PlainRequiredMessages, forms.Form):
    prefix = "decision"

    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    note = forms.CharField(
        label=_("Note for the record"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why, in a few sentences. Decisions are kept as history and never edited."),
        error_messages={"required": _("Write a note: every decision needs one.")},
    )
    referral_note = forms.CharField(
        label=_("Referral note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For “Not a candidate now”: where the person is referred and what they are told."
        ),
    )
    information_needed = forms.CharField(
        label=_("Information needed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For “Need more information”: what to ask the person or their care team."),
    )
    # The newest decision the person saw when the page was drawn (0: none).
    seen_decision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        initial=0,
        error_messages={
            "required": _("This page was out of date: reload it, then record the decision again.")
        },
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Decision.Kind.NOT_NOW and not data.get("referral_note", "").strip():
            self.add_error(
                "referral_note", gettext("Write the referral note for “Not a candidate now”.")
            )
        if kind == Decision.Kind.MORE_INFO and not data.get("information_needed", "").strip():
            self.add_error("information_needed", gettext("Say what information is needed."))
        return data

    def decision_kwargs(self):
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "kind": kind,
            "note": data["note"].strip(),
            "referral_note": data["referral_note"].strip() if kind == Decision.Kind.NOT_NOW else "",
            "information_needed": (
                data["information_needed"].strip() if kind == Decision.Kind.MORE_INFO else ""
            ),
            "seen_decision_id": data["seen_decision"],
        }


# --- Screening thresholds -----------------------------------------------------------------------

# Labels, help and the ranges a clinic may choose from on this page. They are narrower than the
# engine's own plausibility limits on purpose: this page is for tuning, not for typos.
THRESHOLD_FIELDS = {
    "min_age": (_("Minimum age"), _("years"), 18, 99),
    "min_failed_trials": (
        _("Failed adequate antidepressant trials for “treatment resistant”"),
        _("trials"),
        0,
        6,
    ),
    "min_trial_weeks": (
        _("Weeks for an antidepressant trial to count as adequate"),
        _("weeks"),
        2,
        16,
    ),
    "phq9_consult_min": (_("PHQ-9 total worth a consultation"), _("points of 27"), 0, 27),
    "bp_severe_systolic": (_("Severe blood pressure: top number (systolic)"), _("mmHg"), 140, 240),
    "bp_severe_diastolic": (
        _("Severe blood pressure: bottom number (diastolic)"),
        _("mmHg"),
        80,
        140,
    ),
    "bp_elevated_systolic": (
        _("Elevated blood pressure (review): top number (systolic)"),
        _("mmHg"),
        110,
        220,
    ),
    "bp_elevated_diastolic": (
        _("Elevated blood pressure (review): bottom number (diastolic)"),
        _("mmHg"),
        60,
        130,
    ),
    "bp_elevated_systolic_over_65": (
        _("Elevated blood pressure at 65 and over: top number (systolic)"),
        _("mmHg"),
        110,
        220,
    ),
    "gad7_significant": (_("GAD-7 total worth noting"), _("points of 21"), 0, 21),
    "bp_crisis_systolic": (
        _("Blood pressure in the crisis range (urgent): top number (systolic)"),
        _("mmHg"),
        160,
        260,
    ),
    "bp_crisis_diastolic": (
        _("Blood pressure in the crisis range (urgent): bottom number (diastolic)"),
        _("mmHg"),
        100,
        160,
    ),
}


def threshold_label(name):
    """What staff read for an engine threshold: its label here, or its name in words for one
    the engine added later."""
    if name in THRESHOLD_FIELDS:
        return str(THRESHOLD_FIELDS[name][0])
    return name.replace("_", " ").capitalize()


class ThresholdsForm(PlainRequiredMessages, forms.Form):
    """One field per engine threshold (screening.engine.Thresholds), so a threshold the engine
    adds later appears here without a change to this form."""

    note = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        help_text=_("Kept with the change, e.g. “Medical director, 12 Dec: new BP policy”."),
        error_messages={"required": _("Say why the thresholds change.")},
    )

    def __init__(self, *args, current: Thresholds, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        fields = {}
        for item in dataclasses.fields(Thresholds):
            name = item.name
            unit, low, high = THRESHOLD_FIELDS.get(name, (None, "", 0, 1000))[1:]
            default = getattr(DEFAULT_THRESHOLDS, name)
            fields[name] = forms.IntegerField(
                label=threshold_label(name),
                min_value=low,
                max_value=high,
                initial=getattr(current, name),
                error_messages={
                    "required": gettext("Enter a number for “%(label)s”.")
                    % {"label": threshold_label(name)}
                },
                help_text=(
                    gettext("%(low)s to %(high)s %(unit)s; reference default %(default)s.")
                    % {"low": low, "high": high, "unit": unit, "default": default}
                ).replace("  ", " "),
            )
        # The thresholds first, the reason last.
        self.fields = {**fields, "note": self.fields["note"]}

    @property
    def threshold_names(self):
        return [f.name for f in dataclasses.fields(Thresholds)]

    def clean(self):
        data = super().clean()
        values = {name: data[name] for name in self.threshold_names if name in data}
        if len(values) != len(self.threshold_names):
            return data
        try:
            Thresholds(**values)
        except ValueError as exc:
            # The engine names the field first: "bp_elevated_systolic: must be below ...".
            name, _sep, message = str(exc).partition(": ")
            if name in self.fields:
                self.add_error(name, self._explain(name, message))
            else:
                raise forms.ValidationError(str(exc)) from exc
        else:
            if values == self.current.to_dict():
                raise forms.ValidationError(
                    gettext("Nothing changed: these are the thresholds in force.")
                )
        return data

    def _explain(self, name, message):
        # Longest names first: "bp_elevated_systolic" is a prefix of another name.
        for other in sorted(THRESHOLD_FIELDS, key=len, reverse=True):
            message = message.replace(other, f"“{threshold_label(other)}”")
        return message[:1].upper() + message[1:] + "."

    def thresholds_values(self):
        return {name: self.cleaned_data[name] for name in self.threshold_names}

    def changes(self):
        before = self.current.to_dict()
        return {
            name: [before.get(name), value]
            for name, value in self.thresholds_values().items()
            if before.get(name) != value
        }
