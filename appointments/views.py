"""The patient's pages: a call-back request for anyone, and a consultation request through the
private link of a submitted intake. A patient never sees their screening outcome here; when it
is urgent they see crisis resources and that the clinic will contact them first."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from appointments import booking
from appointments.forms import CallbackForm, ConsultationRequestForm
from appointments.models import Appointment, Slot
from clinic import language, private_links
from screening.models import Draft, Outcome

# A public form that stores a name and a phone: enough for a person who mistypes, not for a
# script filling the call-back list.
CALLBACKS_PER_HOUR = "10/h"
LINK_POSTS_PER_HOUR = "30/h"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=CALLBACKS_PER_HOUR, method="POST")
def callback_request(request):
    form = CallbackForm(request.POST or None)
    if form.caught_bot:
        # Nothing stored, and the same thanks a person gets: a bot learns nothing.
        return redirect("appointments:callback_thanks")
    if request.method == "POST" and form.is_valid():
        booking.request_callback(**form.cleaned_data)
        return redirect("appointments:callback_thanks")
    return render(request, "appointments/callback.html", {"form": form})


@require_safe
def callback_thanks(request):
    return render(request, "appointments/callback_thanks.html")


def _submission_for(request, token):
    """(submission, None) for a live link of a submitted intake, else (None, response kind).
    The page is in the intake's language (clinic.language)."""
    draft = Draft.objects.for_token(token)
    if draft is not None and (switched := language.follow_saved(request, draft.language)):
        draft.remember_language(switched)
    if draft is None:
        return None, "invalid"
    submission = getattr(draft, "submission", None)
    if submission is None:
        return None, "unfinished"
    return submission, None


def _link_problem(request, problem):
    if problem == "invalid":
        # Expired, mistyped and never-existing links look the same.
        return render(request, "appointments/link_invalid.html", status=404)
    return render(request, "appointments/finish_intake.html")


def _bound_submission(request):
    """(submission, None) for the link this browser opened (clinic.private_links), else
    (None, the page to show instead), asking for the link again when there is none."""
    token = private_links.bound_token(request)
    if token is None:
        return None, render(request, "intake/link_needed.html", status=403)
    submission, problem = _submission_for(request, token)
    return submission, _link_problem(request, problem) if problem else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def open_link(request, token, then=""):
    """The private link: bound to this browser, then the page without the token. A form posted
    from a tab opened before the exchange existed is sent on with its answers (307 keeps the
    method and the body)."""
    _submission, problem = _submission_for(request, token)
    if problem == "invalid":
        return _link_problem(request, problem)
    page = "appointments:cancel_request" if then == "cancel" else "appointments:request_for_intake"
    response = HttpResponseRedirect(reverse(page))
    if request.method == "POST":
        response.status_code = 307
    return private_links.bind(response, token)


def _current_request(submission):
    return (
        submission.appointment_requests.active()
        .select_related("slot")
        .prefetch_related("appointments__slot")
        .first()
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=LINK_POSTS_PER_HOUR, method="POST")
def request_for_intake(request):
    submission, elsewhere = _bound_submission(request)
    if elsewhere:
        return elsewhere
    context = {"urgent": submission.outcome == Outcome.URGENT}
    current = _current_request(submission)
    if current is not None:
        booked = next(
            (a for a in current.appointments.all() if a.status == Appointment.Status.BOOKED), None
        )
        return render(
            request,
            "appointments/request_status.html",
            {**context, "current": current, "appointment": booked},
        )

    form = ConsultationRequestForm(
        request.POST or None,
        slots=Slot.objects.published().one_per_time().order_by("starts_at", "pk"),
    )
    if form.caught_bot:
        # Nothing stored; the page simply shows again.
        return redirect("appointments:request_for_intake")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking.request_consultation(
                submission,
                mode=data["mode"],
                contact_preference=data["contact_preference"],
                slot=data["slot"],
                windows=data["windows"],
            )
        except booking.AlreadyRequested:
            pass  # a double submit: the first one stands and is shown below
        except booking.BookingError as error:
            form.add_error(error.field, error.message)
        if not form.errors:
            messages.success(request, gettext("Thank you: we have your request."))
            return redirect("appointments:request_for_intake")
    return render(request, "appointments/request_form.html", {**context, "form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=LINK_POSTS_PER_HOUR, method="POST")
def cancel_request(request):
    submission, elsewhere = _bound_submission(request)
    if elsewhere:
        return elsewhere
    current = _current_request(submission)
    if current is None:
        return redirect("appointments:request_for_intake")
    if request.method == "POST":
        booking.cancel_by_patient(current)
        messages.success(
            request, gettext("Your request is cancelled. You can ask again at any time.")
        )
        return redirect("appointments:request_for_intake")
    booked = current.appointments.filter(status=Appointment.Status.BOOKED).first()
    return render(
        request,
        "appointments/cancel_confirm.html",
        {"current": current, "appointment": booked},
    )
