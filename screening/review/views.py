"""The staff review workspace: the queue, a submission, its actions, the printable export and
the screening thresholds.

Who sees what (clinic.roles):
- clinicians read everything about a submission, assign, acknowledge and decide;
- coordinators read the queue and, for a submission, only what booking needs: contact details,
  outcome, review status, decisions (without their notes) and appointment requests;
- administrators change the screening thresholds and read the audit trail; without the
  clinician role they read what a coordinator reads and act on no submission (minimum
  necessary: `administrators_pass=False`, `sees_clinical`).

Staff pages never read a patient's private token: only a signed-in account opens them.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import audit
from clinic.roles import ADMINISTRATOR, CLINICIAN, COORDINATOR, role_required, sees_clinical
from screening.models import (
    Acknowledgement,
    Assignment,
    CallMeRequest,
    ClinicThresholds,
    CrisisCallScript,
    Decision,
    DecisionConflict,
    EpisodeError,
    Outcome,
    OutreachAttempt,
    ScreeningResult,
    Submission,
    UrgentEpisodeClosure,
    current_thresholds,
)
from screening.review import presenters
from screening.review.forms import (
    AcknowledgeForm,
    AssignForm,
    CloseEpisodeForm,
    DecisionForm,
    OutreachAttemptForm,
    QueueFilterForm,
    ThresholdsForm,
    staff_name,
    threshold_label,
)

# --- The queue ----------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told its total, so the page does not run a second COUNT over the table: the
    per-outcome counts above the list already give it."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


@dataclass
class QueueRow:
    submission: Submission
    flags: list
    latest_decision: str
    waiting: bool
    # An urgent episode no clinician has closed: the row stays at the top, with the time since
    # the last attempt to reach the person (None: nobody has tried yet).
    episode_open: bool = False
    last_attempt_at: object = None

    @property
    def decision_label(self):
        return Decision.Kind(self.latest_decision).label if self.latest_decision else ""

    @property
    def cssrs_risk_label(self):
        """The stored C-SSRS level in words ("unknown" when it could not be established)."""
        risk = presenters.RISK.get(self.submission.cssrs_risk)
        return str(risk) if risk is not None else gettext("not established")


def _queue_row(submission, now, *, full):
    flags = []
    if full:
        screenings = submission.screenings.all()
        result = (screenings[0].result or {}) if screenings else {}
        # What needs a clinician's eye: everything but the informational flags.
        flags = [f for f in result.get("flags") or [] if f.get("severity") != "info"]
    waiting = submission.outcome == Outcome.URGENT and submission.acknowledged_at is None
    return QueueRow(
        submission,
        flags,
        submission.latest_decision_kind or "",
        waiting,
        episode_open=bool(submission.urgent_open),
        last_attempt_at=submission.last_attempt_at,
    )


# The queue's search term (an email, a phone, a name) lives in the staff session, server-side:
# in a URL it would be kept by the browser's history, proxies and access logs.
SEARCH_SESSION_KEY = "staff_queue_search"
# What the session keeps at most; the form still refuses more than its field's max_length.
SEARCH_KEPT_CHARACTERS = 1000


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST, the browser GETs the list (no re-post on reload)
    return response


def _queue_filters(params):
    """The filters alone, for the address: never the search term, the token or the buttons."""
    kept = params.copy()
    for name in ("q", "page", "csrfmiddlewaretoken", "clear", "clear_search"):
        kept.pop(name, None)
    for name in list(kept):
        if not any(kept.getlist(name)):
            del kept[name]
    return kept.urlencode()


def _remember_search(request):
    """The search form's POST: keep the term in the session (or forget it: "Clear search",
    "Clear all"), then show the list with the filters in its address and no term."""
    data = request.POST
    if "clear" in data:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return _see_other(reverse("staff:queue"))
    term = "" if "clear_search" in data else " ".join(data.get("q", "").split())
    if term:
        request.session[SEARCH_SESSION_KEY] = term[:SEARCH_KEPT_CHARACTERS]
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
    filters = _queue_filters(data)
    return _see_other(reverse("staff:queue") + (f"?{filters}" if filters else ""))


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(CLINICIAN, COORDINATOR)
def queue(request):
    """Submissions by urgency, oldest first within each outcome. The number of queries is fixed
    (tests pin it): the counts, one page of rows and, for clinicians, their screenings.
    Coordinators see who and which outcome, not the flags.

    Filters are GET parameters, so a filtered queue is a link; the search term is POSTed and
    kept in the session (SEARCH_SESSION_KEY). A `?q=` in an address (an old bookmark) is
    dropped, not obeyed: a link from elsewhere must not set what a colleague's queue hides."""
    if request.method == "POST":
        return _remember_search(request)
    if "q" in request.GET:
        messages.info(
            request, gettext("Searches are not kept in addresses: type the search in the box.")
        )
        filters = _queue_filters(request.GET)
        return redirect(reverse("staff:queue") + (f"?{filters}" if filters else ""))
    full = sees_clinical(request.user)
    data = request.GET.copy()
    term = request.session.get(SEARCH_SESSION_KEY, "")
    if term:
        data["q"] = term
    form = QueueFilterForm(data or None, user=request.user)
    base = Submission.objects.all()
    counts = form.outcome_counts(base)
    selected = form.values.get("outcome")
    total = {o.value: n for o, n in counts}[selected] if selected else sum(n for _, n in counts)
    # A deferred join: the page's ids come from the narrow sort columns (an index-only scan on
    # PostgreSQL), then only those rows are read in full. Sorting wide rows, encrypted intake
    # and all, to reach a deep page cost several times more at 100,000 submissions.
    ordered_ids = form.filter(base).by_urgency().values_list("pk", flat=True)
    paginator = CountedPaginator(ordered_ids, form.values["per_page"], count=total)
    page = paginator.get_page(request.GET.get("page"))
    latest_decision = (
        Decision.objects.filter(submission=OuterRef("pk")).order_by("-id").values("kind")[:1]
    )
    last_attempt = (
        OutreachAttempt.objects.filter(submission=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    rows = (
        Submission.objects.filter(pk__in=page.object_list)
        .by_urgency()
        .select_related("assigned_to")
        .annotate(
            latest_decision_kind=Subquery(latest_decision),
            last_attempt_at=Subquery(last_attempt),
        )
    )
    if full:
        newest_first = ScreeningResult.objects.order_by("-created_at", "-id")
        rows = rows.prefetch_related(Prefetch("screenings", queryset=newest_first))
    now = timezone.now()
    params = request.GET.copy()
    params.pop("page", None)
    outcome_params = params.copy()
    outcome_params.pop("outcome", None)
    return render(
        request,
        "staff/queue.html",
        {
            "form": form,
            "counts": counts,
            "selected_outcome": selected,
            "total": total,
            "page": page,
            "rows": [_queue_row(s, now, full=full) for s in rows],
            "full": full,
            "now": now,
            "query": params.urlencode(),
            "outcome_query": outcome_params.urlencode(),
            "searching": term,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


# --- A submission -------------------------------------------------------------------------------


def _get_submission(reference):
    return get_object_or_404(
        Submission.objects.select_related("assigned_to"),
        reference=(reference or "").strip().upper(),
    )


def _submission_page(
    request,
    submission,
    *,
    decision_form=None,
    acknowledge_form=None,
    assign_form=None,
    outreach_form=None,
    close_form=None,
    conflict=None,
    status=200,
):
    full = sees_clinical(request.user)
    decisions = list(submission.decisions.select_related("decided_by").order_by("-id"))
    latest_decision = decisions[0] if decisions else None
    context = {
        "submission": submission,
        "full": full,
        "decisions": decisions,
        "latest_decision": latest_decision,
        "now": timezone.now(),
    }
    if submission.outcome == Outcome.URGENT:
        context.update(_urgent_episode(submission, full, outreach_form, close_form))
    if full:
        screenings = list(submission.screenings.order_by("-created_at", "-id"))
        current = screenings[0].result if screenings else {}
        flags = (current or {}).get("flags") or []
        sections = presenters.present_intake(submission.intake, flags)
        flag_views = presenters.present_flags(flags, sections)
        context.update(
            screenings=screenings,
            current=current or {},
            sections=sections,
            flags=flag_views,
            has_info_flags=any(flag.severity == "info" for flag in flag_views),
            missing=presenters.missing_information(flag_views),
            scores=presenters.present_scores((current or {}).get("scores")),
            acknowledgements=list(
                submission.acknowledgements.select_related("acknowledged_by").order_by("-id")
            ),
            assignments=list(
                submission.assignments.select_related("assigned_to", "assigned_by").order_by("-id")
            ),
            decision_form=decision_form
            or DecisionForm(
                initial={"seen_decision": latest_decision.pk if latest_decision else 0}
            ),
            acknowledge_form=acknowledge_form or AcknowledgeForm(),
            assign_form=assign_form or AssignForm(initial={"assignee": submission.assigned_to_id}),
            conflict=conflict,
        )
    # Who they are and how to reach them: the top of the summary, for every role.
    context["contact"] = presenters.present_contact(submission.intake)
    audit.record(
        request,
        audit.Action.VIEW_SUBMISSION,
        target=submission,
        detail={"view": "full" if full else "contact"},
    )
    return render(request, "staff/submission.html", context, status=status)


def _urgent_episode(submission, full, outreach_form, close_form):
    """The outreach log and whether the urgent episode is closed; for clinicians also the "act
    now" panel and the forms to log an attempt and to close the episode."""
    attempts = list(submission.outreach_attempts.select_related("by").order_by("-at", "-id"))
    closure = UrgentEpisodeClosure.objects.filter(submission=submission).select_related("by")
    context = {
        "attempts": attempts,
        "last_attempt": attempts[0] if attempts else None,
        "closure": closure.first(),
        # What a clinician typed into a form the closed episode no longer shows.
        "unsaved": [form for form in (outreach_form, close_form) if form is not None],
    }
    if full:
        screenings = submission.screenings.order_by("-created_at", "-id")
        current = screenings.values_list("result", flat=True).first() or {}
        context["act_now"] = presenters.present_act_now(
            submission.intake,
            current.get("flags"),
            best_time=_best_time_to_call(submission),
            script=CrisisCallScript.current().steps,
        )
        context["outreach_form"] = outreach_form or OutreachAttemptForm(submission=submission)
        context["close_form"] = close_form or CloseEpisodeForm()
    return context


def _best_time_to_call(submission):
    """What the person said when they asked to be called from the support page, if they did."""
    if submission.draft_id is None:
        return ""
    asked = CallMeRequest.objects.filter(draft_id=submission.draft_id)
    asked = asked.order_by("-created_at", "-id").first()
    return asked.best_time_label if asked is not None else ""


@never_cache
@require_GET
@role_required(CLINICIAN, COORDINATOR)
def submission_detail(request, reference):
    return _submission_page(request, _get_submission(reference))


@never_cache
@require_POST
@role_required(CLINICIAN, administrators_pass=False)
def assign(request, reference):
    submission = _get_submission(reference)
    data = request.POST.copy()
    if "assign_to_me" in data:
        data[AssignForm.prefix + "-assignee"] = str(request.user.pk)
    form = AssignForm(data)
    if not form.is_valid():
        return _submission_page(request, submission, assign_form=form)
    previous = submission.assigned_to_id
    assignee = form.cleaned_data["assignee"]
    if (assignee.pk if assignee else None) == previous:
        messages.info(request, gettext("Nothing changed: that is the current assignment."))
        return redirect(reverse("staff:submission", args=[submission.reference]) + "#actions")
    with transaction.atomic():
        Assignment.assign(submission, to=assignee, by=request.user)
        audit.record(
            request,
            audit.Action.ASSIGN,
            target=submission,
            detail={"assigned_to": assignee.pk if assignee else None, "previous": previous},
        )
    reference = {"reference": submission.reference}
    if assignee is None:
        message = gettext("%(reference)s is no longer assigned to anyone.") % reference
    elif assignee == request.user:
        message = gettext("%(reference)s is assigned to you.") % reference
    else:
        message = gettext("%(reference)s is assigned to %(name)s.") % {
            **reference,
            "name": staff_name(assignee),
        }
    messages.success(request, message)
    return redirect(reverse("staff:submission", args=[submission.reference]) + "#actions")


@never_cache
@require_POST
@role_required(CLINICIAN, administrators_pass=False)
def acknowledge(request, reference):
    submission = _get_submission(reference)
    form = AcknowledgeForm(request.POST)
    if submission.outcome != Outcome.URGENT:
        messages.error(request, gettext("Only urgent submissions are acknowledged."))
        return redirect("staff:submission", submission.reference)
    if not form.is_valid():
        return _submission_page(request, submission, acknowledge_form=form)
    with transaction.atomic():
        row = Acknowledgement.acknowledge(
            submission,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"].strip(),
            by=request.user,
        )
        audit.record(
            request,
            audit.Action.ACKNOWLEDGE,
            target=submission,
            detail={"action": row.action, "acknowledgement_id": row.pk},
        )
    messages.success(
        request, gettext("Acknowledged: %(action)s.") % {"action": row.get_action_display().lower()}
    )
    return redirect(reverse("staff:submission", args=[submission.reference]) + "#actions")


def _acknowledged_too(request, submission, acknowledgement):
    """The first attempt or the closure acknowledged the submission: in the trail as well."""
    if acknowledgement is not None:
        audit.record(
            request,
            audit.Action.ACKNOWLEDGE,
            target=submission,
            detail={"action": acknowledgement.action, "acknowledgement_id": acknowledgement.pk},
        )


@never_cache
@require_POST
@role_required(CLINICIAN, administrators_pass=False)
def log_outreach(request, reference):
    submission = _get_submission(reference)
    form = OutreachAttemptForm(request.POST, submission=submission)
    if not form.is_valid():
        return _submission_page(request, submission, outreach_form=form)
    try:
        with transaction.atomic():
            attempt, acknowledgement = OutreachAttempt.log(
                submission,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"].strip(),
                at=form.cleaned_data["at"],
                by=request.user,
            )
            audit.record(
                request,
                audit.Action.OUTREACH_ATTEMPT,
                target=submission,
                detail={"kind": attempt.kind, "attempt_id": attempt.pk},
            )
            _acknowledged_too(request, submission, acknowledgement)
    except EpisodeError as error:
        # Closed meanwhile, or not urgent: the panel's forms may be gone, so say it on top.
        messages.error(request, error.message)
        return _submission_page(request, submission, outreach_form=form, status=409)
    messages.success(
        request, gettext("Attempt logged: %(kind)s.") % {"kind": attempt.get_kind_display()}
    )
    return redirect(reverse("staff:submission", args=[submission.reference]) + "#act-now")


@never_cache
@require_POST
@role_required(CLINICIAN, administrators_pass=False)
def close_episode(request, reference):
    submission = _get_submission(reference)
    form = CloseEpisodeForm(request.POST)
    if not form.is_valid():
        return _submission_page(request, submission, close_form=form)
    try:
        with transaction.atomic():
            closure, acknowledgement = UrgentEpisodeClosure.close(
                submission,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"].strip(),
                by=request.user,
            )
            audit.record(
                request,
                audit.Action.URGENT_EPISODE_CLOSED,
                target=submission,
                detail={"outcome": closure.outcome, "closure_id": closure.pk},
            )
            _acknowledged_too(request, submission, acknowledgement)
    except EpisodeError as error:
        if error.field in form.fields:  # about what was chosen: next to it
            form.add_error(error.field, error.message)
            return _submission_page(request, submission, close_form=form)
        messages.error(request, error.message)  # closed meanwhile, or not urgent
        return _submission_page(request, submission, close_form=form, status=409)
    messages.success(
        request,
        gettext("Urgent episode closed: %(outcome)s.") % {"outcome": closure.get_outcome_display()},
    )
    return redirect(reverse("staff:submission", args=[submission.reference]) + "#act-now")


@never_cache
@require_POST
@role_required(CLINICIAN, administrators_pass=False)
def decide(request, reference):
    submission = _get_submission(reference)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _submission_page(request, submission, decision_form=form)
    try:
        with transaction.atomic():
            decision = Decision.record(submission, by=request.user, **form.decision_kwargs())
            audit.record(
                request,
                audit.Action.DECIDE,
                target=submission,
                detail={"kind": decision.kind, "decision_id": decision.pk},
            )
    except DecisionConflict as conflict:
        # Keep every word typed; only the "seen" marker moves on, so pressing Record again
        # after reading the other decision adds this one after it, deliberately.
        data = request.POST.copy()
        data[DecisionForm.prefix + "-seen_decision"] = str(conflict.latest.pk)
        form = DecisionForm(data)
        form.is_valid()
        return _submission_page(
            request, submission, decision_form=form, conflict=conflict.latest, status=409
        )
    messages.success(
        request, gettext("Decision recorded: %(kind)s.") % {"kind": decision.get_kind_display()}
    )
    return redirect(reverse("staff:submission", args=[submission.reference]) + "#decisions")


@never_cache
@require_GET
@role_required(CLINICIAN, administrators_pass=False)
def print_submission(request, reference):
    """A clean page for the chart: every answer, the scores, flags and decisions."""
    submission = _get_submission(reference)
    screenings = list(submission.screenings.order_by("-created_at", "-id"))
    current = (screenings[0].result if screenings else {}) or {}
    flags = current.get("flags") or []
    sections = presenters.present_intake(submission.intake, flags)
    audit.record(request, audit.Action.EXPORT_SUBMISSION, target=submission, detail={"as": "print"})
    return render(
        request,
        "staff/print.html",
        {
            "submission": submission,
            "current": current,
            "sections": sections,
            "flags": presenters.present_flags(flags, sections),
            "scores": presenters.present_scores(current.get("scores")),
            "decisions": list(submission.decisions.select_related("decided_by").order_by("id")),
            "acknowledgements": list(
                submission.acknowledgements.select_related("acknowledged_by").order_by("id")
            ),
            "printed_at": timezone.now(),
        },
    )


# --- Screening thresholds -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(ADMINISTRATOR)
def thresholds(request):
    current = current_thresholds()
    form = ThresholdsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        with transaction.atomic():
            row = ClinicThresholds.objects.create(
                values=form.thresholds_values(),
                changed_by=request.user,
                note=form.cleaned_data["note"].strip(),
            )
            audit.record(
                request,
                audit.Action.THRESHOLDS_CHANGED,
                target=row,
                detail={"changes": changes},
            )
        messages.success(
            request,
            gettext(
                "New thresholds saved: new submissions are screened with them from now on. "
                "Submissions already stored keep their result until someone runs "
                "“manage.py rescreen”."
            ),
        )
        return redirect("staff:thresholds")
    history = list(ClinicThresholds.objects.select_related("changed_by")[:50])
    return render(
        request,
        "staff/thresholds.html",
        {
            "form": form,
            "history": _threshold_history(history),
            "names": form.threshold_names,
        },
    )


def _threshold_history(rows):
    """Each stored change with what it changed compared with the change before it, each
    threshold under its label."""
    history = []
    for index, row in enumerate(rows):
        before = rows[index + 1].values if index + 1 < len(rows) else {}
        changed = {
            threshold_label(name): (before.get(name), value)
            for name, value in (row.values or {}).items()
            if before.get(name) != value
        }
        history.append({"row": row, "changed": changed, "first": index + 1 == len(rows)})
    return history
