"""The intake's pages between steps that are about the person rather than their answers:

- the medical notice, after a blood-pressure reading in the crisis range (once per reading;
  the intake goes on after it);
- the page for younger people, after a date of birth under the clinic's minimum age (nothing
  after "About you" opens until the date is corrected);
- "Stop for now" from the support page: the clinic cannot see answers that are not sent, and a
  short "please call me" request that alerts the clinician on call, without the intake.

Like every page under /intake/my/, never cached, and found from the private link this browser
opened (screening.intake.views.with_private_link), never from a token in the address.
"""

from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from clinic import crisis
from screening.alerts import raise_urgent_alert
from screening.alerts.notice import from_words
from screening.alerts.rota import next_on_call
from screening.intake import flow, steps
from screening.intake.forms import CallMeForm
from screening.intake.views import go, private_link, unsent_draft, with_private_link
from screening.models import CallMeRequest, UrgentAlert, current_thresholds_or_defaults

# A public form that stores a name and a phone and alerts a clinician: enough for a person who
# mistypes, not for a script (the same as the appointments' call-back form).
CALL_ME_PER_HOUR = "10/h"


@never_cache
# GET only: opening the page records that the notice was shown, which a HEAD does not do.
@require_GET
@with_private_link
def medical_notice(request, token):
    """What to do about a blood-pressure reading in the crisis range, then on with the intake."""
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    if draft.under_min_age or not flow.reading_in_crisis_range(
        (draft.answers or {}).get(steps.MEDICAL.slug)
    ):
        return go(flow.resume_target(draft))
    flow.show_medical_notice(draft)
    return render(
        request,
        "intake/medical_notice.html",
        {
            "next_url": _url_of(flow.resume_target(draft)),
            "medical_url": _url_of(steps.MEDICAL.slug),
        },
    )


@never_cache
@require_safe
@with_private_link
def for_adults(request, token):
    """For someone whose date of birth is under the clinic's minimum age: kindly, no questions."""
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    if not draft.under_min_age:
        return go(flow.resume_target(draft))
    return render(
        request,
        "intake/for_adults.html",
        {
            "min_age": current_thresholds_or_defaults().min_age,
            "chat_url": crisis.CHAT_URL,
            "about_url": _url_of(steps.FIRST.slug),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=CALL_ME_PER_HOUR, method="POST", group="intake-call-me")
@with_private_link
def stop_for_now(request, token):
    """ "Stop for now" from the support page, with the "please call me" request."""
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    form = CallMeForm(request.POST or None)
    if form.caught_bot:
        # Nothing stored and nobody alerted; the same page a person gets next.
        return redirect("intake:call_me_sent")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            call = CallMeRequest.objects.create(
                draft=draft,
                name=data["name"],
                phone=data["phone"],
                best_time=data["best_time"],
                consent=data["consent"],
            )
            # In this transaction: the alert's tasks commit with the request, or not at all.
            raise_urgent_alert(call, UrgentAlert.Reason.CALL_REQUEST, page=call_me_staff_page(call))
        return redirect("intake:call_me_sent")
    return render(
        request,
        "intake/stop_for_now.html",
        {
            "form": form,
            "errors": _error_list(form) if form.is_bound else [],
            "private_link": private_link(request, token),
            "expires_at": draft.expires_at,
        },
    )


@never_cache
@require_safe
@with_private_link
def call_me_sent(request, token):
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    now = timezone.now()
    start = next_on_call(now)
    return render(
        request,
        "intake/call_me_sent.html",
        {
            "on_call_now": start == now,
            "from": from_words(start, now) if start and start != now else "",
            "private_link": private_link(request, token),
            "expires_at": draft.expires_at,
        },
    )


def call_me_staff_page(call) -> str:
    """The staff page an alert about a call-me request links to (behind the staff sign-in)."""
    return reverse("staff_call_me:detail", args=[call.reference])


def _error_list(form) -> list[tuple[str, str]]:
    """(anchor, message) for the summary above the form, in page order."""
    found = []
    for bound in form:
        radios = isinstance(bound.field.widget, forms.RadioSelect)
        anchor = f"{bound.auto_id}_0" if radios else bound.auto_id
        found += [(anchor, str(message)) for message in bound.errors]
    return found


def _url_of(target):
    return go(target).url
