"""The patient intake: welcome, one page per step, the support page, save-for-later, review and
submit, and the "your intake" page that the private link opens afterwards.

The private link /intake/r/<token>/ is exchanged on opening for a cookie bound to this browser
(clinic.private_links), and every other page is under /intake/my/ without the token: it is in
no page's address, no Referer and one access-log line. The link itself is shown only in the
copy box and in the email the person asks for. Every page here is never cached.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from clinic import language, private_links
from clinic.forms import StartIntakeForm
from screening.alerts.notice import confirmation_notice
from screening.intake import flow, steps
from screening.intake.forms import channels_in_words
from screening.intake.summary import summarize
from screening.models import Draft

log = logging.getLogger(__name__)

# Starting an intake creates a row and emailing a link sends mail: enough for a household or a
# clinic's waiting room sharing an address, not for a script.
STARTS_PER_HOUR = "30/h"
EMAILS_PER_HOUR = "20/h"
# Saving steps: eight steps, a few corrections and added rows make well under a hundred posts
# for one person; a shared address (a clinic's waiting room) gets room for several.
STEP_POSTS_PER_HOUR = "600/h"


def private_link(request, token: str) -> str:
    """The link the person keeps: on this server's address in development, SITE_URL otherwise."""
    return private_links.absolute(request, reverse("intake:resume", args=[token]))


def link_needed(request):
    # A page under /intake/my/ without the cookie: another browser, or this one after closing.
    return render(request, "intake/link_needed.html", status=403)


def with_private_link(view):
    """The view gets the token this browser's private link bound (clinic.private_links), or the
    person is asked to open their link again."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = private_links.bound_token(request)
        if token is None:
            return link_needed(request)
        return view(request, *args, token=token, **kwargs)

    return wrapper


def link_invalid(request):
    # Expired and unknown links look alike, and say nothing about whose they were.
    return render(
        request,
        "intake/link_invalid.html",
        {"settings_ttl": settings.DRAFT_TTL_DAYS},
        status=404,
    )


def keep_language(request, draft):
    """An intake's pages are in its language: a switch made in this browser is saved with the
    draft; a browser that made none (the private link opened elsewhere) follows the draft."""
    if draft is not None and (switched := language.follow_saved(request, draft.language)):
        draft.remember_language(switched)


def unsent_draft(request, token):
    """The draft a private link opens, or the page to show instead: the kind page for a wrong
    or expired link, or the intake's status page once it has been sent."""
    draft = flow.find_draft(token)
    keep_language(request, draft)
    if draft is None:
        return None, link_invalid(request)
    if flow.is_sent(draft):
        return None, redirect("intake:status")
    return draft, None


def step_draft(request, token, step):
    """Like unsent_draft(), for one step's page: also the redirect to where the person
    belongs when this step is not open to them yet."""
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere is None and (target := flow.detour(draft, step)):
        return None, go(target)
    return draft, elsewhere


PAGES = {
    flow.SUPPORT: "intake:support",
    flow.MEDICAL_NOTICE: "intake:medical_notice",
    flow.FOR_ADULTS: "intake:for_adults",
}


def go(target: str):
    if target in PAGES:
        return redirect(PAGES[target])
    return redirect("intake:step", slug=target)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=STARTS_PER_HOUR, method="POST")
def start(request):
    """The welcome page; its button creates a draft and opens the first step."""
    form = StartIntakeForm(request.POST or None)
    if request.method == "POST" and not form.caught_bot:
        _draft, token = Draft.start(language=language.current())
        return private_links.bind(redirect("intake:step", slug=steps.FIRST.slug), token)
    # A filled honeypot gets the welcome page again, as if nothing happened; nothing is stored.
    return render(request, "intake/welcome.html", {"steps": steps.STEPS, "form": StartIntakeForm()})


@never_cache
@require_safe
def resume(request, token):
    """The private link: bind it to this browser and go on without the token in the address."""
    draft, elsewhere = unsent_draft(request, token)
    if draft is None and elsewhere.status_code == 404:
        return elsewhere
    return private_links.bind(elsewhere or go(flow.resume_target(draft)), token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def old_link(request, token, rest):
    """/intake/r/<token>/<page>/, the addresses before the exchange: bound like the link, then
    the same page under /intake/my/. A form posted from a tab opened before is sent on with
    its answers (307 keeps the method and the body)."""
    if flow.find_draft(token) is None:
        return link_invalid(request)
    target = reverse("intake:resume_here") + rest
    try:
        resolve(target)
    except Resolver404:
        target = reverse("intake:resume_here")
    response = HttpResponseRedirect(target)
    if request.method == "POST":
        response.status_code = 307
    return private_links.bind(response, token)


@never_cache
@require_safe
@with_private_link
def resume_here(request, token):
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    return go(flow.resume_target(draft))


def step_context(request, token, draft, step, step_forms, **extra):
    """What a step's page shows. `draft` is None when the database could not be read (see
    not_saved()): the steps up to this one are open and nothing is marked saved."""
    done = set(draft.completed_steps or []) if draft is not None else set()
    first_open = flow.first_open_step(draft) if draft is not None else step
    previous = steps.previous_step(step)
    return {
        "step": step,
        "total": len(steps.STEPS),
        "progress": [
            {
                "step": each,
                "done": each.slug in done,
                "current": each is step,
                "open": steps.index_of(each.slug) <= steps.index_of(first_open.slug),
            }
            for each in steps.STEPS
        ],
        "previous": previous,
        "forms": step_forms,
        "row_sets": [(rows, step_forms.formsets[rows.prefix]) for rows in step.formsets],
        "errors": step_forms.error_list() if step_forms.form.is_bound else [],
        "private_link": private_link(request, token),
        "show_link": draft is not None and flow.showing_link_first_time(draft, step),
        "expires_at": draft.expires_at if draft is not None else None,
        # Opened with "Change" on the review page: saving goes back there.
        "from_review": request.GET.get("from") == "review" or request.POST.get("from") == "review",
        **extra,
    }


# The database briefly away (a restart, a failover, a dropped connection).
DATABASE_AWAY = (OperationalError, InterfaceError)


def not_saved(request, token, step):
    """A step or the send could not be saved because the database is away: a calm 503 with the
    same page, filled in with what was posted and the crisis bar as everywhere, saying that
    nothing was saved and to try again in a moment (templates/intake/_not_saved.html). Nothing
    here reads the database."""
    log.warning("An intake page could not be saved: the database is unavailable")
    step_forms = flow.build_step_forms(step, {}, request.POST)
    step_forms.hide_errors()  # what was typed, without complaints about it
    context = step_context(
        request, token, None, step, step_forms, errors=[], not_saved=True, summary=[], stale=[]
    )
    template = "intake/review.html" if step is steps.REVIEW else "intake/step.html"
    return render(request, template, context, status=503)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=STEP_POSTS_PER_HOUR, method="POST", group="intake-steps")
@with_private_link
def step(request, token, slug):
    step = steps.BY_SLUG.get(slug)
    if step is None:
        raise Http404
    if request.method == "POST":
        try:
            if step is steps.REVIEW:
                return review(request, token)
            return save_step(request, token, step)
        except DATABASE_AWAY:
            return not_saved(request, token, step)
    if step is steps.REVIEW:
        return review(request, token)

    draft, elsewhere = step_draft(request, token, step)
    if elsewhere:
        return elsewhere
    step_forms = flow.build_step_forms(step, draft.answers)
    form = step_forms.form
    if "preferred_language" in form.fields and "preferred_language" not in form.initial:
        # Until the person says otherwise, they prefer the language they are using.
        form.initial = {**form.initial, "preferred_language": draft.language}
    return render(
        request, "intake/step.html", step_context(request, token, draft, step, step_forms)
    )


def save_step(request, token, step):
    action = request.POST.get("action", "continue")
    prefixes = {rows.prefix for rows in step.formsets}
    if action.startswith("add-") and action[4:] in prefixes:
        # Adding a row without JavaScript: show the page again with what was typed.
        draft, elsewhere = step_draft(request, token, step)
        if elsewhere:
            return elsewhere
        data = flow.with_extra_row(request.POST, action[4:])
        step_forms = flow.build_step_forms(step, draft.answers, data)
        step_forms.hide_errors()
        context = step_context(request, token, draft, step, step_forms, errors=[])
        return render(request, "intake/step.html", context)

    # The common case, answers that pass and a link that opens this step, is one write: the
    # database checks the link and the step's place in the order as it stores the answers.
    found, earlier = flow.context_for_step(token, step)
    step_forms = flow.build_step_forms(step, earlier, request.POST)
    valid = found and step_forms.is_valid()
    saved = step_forms.to_answers() if valid else None
    from_review = request.POST.get("from") == "review"
    if valid and (target := flow.record_step(token, step, saved)):
        return saved_and_on(target, action, from_review)

    # Not stored: the link is wrong, expired or sent, the step is not open yet, or an answer
    # needs another look. Read the draft to tell which.
    draft, elsewhere = step_draft(request, token, step)
    if elsewhere:
        return elsewhere
    if valid:
        # The draft changed between the write and the read (it was sent, or the support page
        # came up, in another tab, and then that settled): one more try.
        if target := flow.record_step(token, step, saved):
            return saved_and_on(target, action, from_review)
        messages.warning(
            request,
            gettext("This page could not be saved just now. Please press “Save” once more."),
        )
        return render(
            request, "intake/step.html", step_context(request, token, draft, step, step_forms)
        )
    context = step_context(request, token, draft, step, step_forms, leaving=action == "later")
    return render(request, "intake/step.html", context)


def saved_and_on(target, action, from_review=False):
    # The medical notice and the page for younger people come first, even on "finish later".
    if action == "later" and target not in (flow.MEDICAL_NOTICE, flow.FOR_ADULTS):
        return redirect("intake:saved")
    # A change made from the review page goes back there, unless a page must come first (the
    # support page, the medical notice); the review sends the person on to any later step that
    # the change left needing an answer.
    if from_review and target in steps.BY_SLUG:
        return go(steps.REVIEW.slug)
    return go(target)


def review(request, token):
    draft, elsewhere = step_draft(request, token, steps.REVIEW)
    if elsewhere:
        return elsewhere

    data = request.POST if request.method == "POST" else None
    step_forms = flow.build_step_forms(steps.REVIEW, draft.answers, data)
    if data is not None and step_forms.is_valid():
        result = flow.submit(draft.pk, step_forms.to_answers())
        if result.submission is not None:
            return redirect("intake:status")
        messages.warning(
            request,
            gettext(
                "One part of your intake needs another look before you send it. Your answers "
                "are saved."
            ),
        )
        return go(result.go_back_to)

    stale = flow.steps_needing_attention(draft)
    context = step_context(
        request,
        token,
        draft,
        steps.REVIEW,
        step_forms,
        summary=summarize(draft.answers, stale),
        stale=stale,
    )
    return render(request, "intake/review.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=STEP_POSTS_PER_HOUR, method="POST", group="intake-steps")
@with_private_link
def support(request, token):
    """The calm page shown when answers show suicide risk, before the form goes on."""
    draft = flow.find_draft(token)
    keep_language(request, draft)
    if draft is None:
        return link_invalid(request)
    if request.method == "POST":
        with transaction.atomic():
            draft = flow.find_draft(token, lock=True)
            if flow.is_sent(draft):
                return redirect("intake:status")
            target = flow.acknowledge_support(draft)
        return go(target)
    return render(
        request,
        "intake/support.html",
        {"private_link": private_link(request, token), "expires_at": draft.expires_at},
    )


@never_cache
@require_safe
@with_private_link
def saved(request, token):
    """ "Save and finish later": the private link, and a way to email it."""
    draft, elsewhere = unsent_draft(request, token)
    if elsewhere:
        return elsewhere
    about = (draft.answers or {}).get("about") or {}
    return render(
        request,
        "intake/saved.html",
        {
            "private_link": private_link(request, token),
            "expires_at": draft.expires_at,
            "has_email": bool(about.get("email")),
        },
    )


@never_cache
@require_POST
@ratelimit(key="ip", rate=EMAILS_PER_HOUR, method="POST")
@with_private_link
def email_link(request, token):
    with transaction.atomic():
        draft = flow.find_draft(token, lock=True)
        if draft is None:
            return link_invalid(request)
        email = ((draft.answers or {}).get("about") or {}).get("email")
        if not email:
            messages.warning(
                request,
                gettext("Add your email address on the first page to have the link emailed."),
            )
            return redirect("intake:saved")
        if not flow.may_email_link(draft):
            messages.info(
                request,
                gettext("We sent your link a moment ago. Check your inbox and spam folder."),
            )
            return redirect("intake:saved")
        draft.link_emailed_at = timezone.now()
        draft.save(update_fields=["link_emailed_at"])
        expires_at = draft.expires_at

    context = {
        "link": private_link(request, token),
        "expires_at": expires_at,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        "clinic_address": settings.CLINIC_ADDRESS,
    }
    try:
        # In the intake's language, whichever page asked for it.
        with translation.override(draft.language):
            subject = gettext("Your private link to continue your form")
            body = render_to_string("intake/email/resume_link.txt", context)
        # A subject line can show on a lock screen: it names neither the clinic nor care.
        send_mail(subject, body, None, [email])
    except Exception:  # a mail outage must not look like a lost intake
        log.exception("Could not email a private intake link")
        messages.warning(
            request,
            gettext(
                "We could not send the email just now. Please copy the link on this page instead."
            ),
        )
    else:
        # The message names no address: messages may be kept in a cookie.
        messages.success(
            request, gettext("We sent your private link to the email address you gave us.")
        )
    return redirect("intake:saved")


@never_cache
@require_safe
@with_private_link
def status(request, token):
    """ "Your intake": the confirmation after sending, and what the private link opens later."""
    draft = flow.find_draft(token)
    keep_language(request, draft)
    if draft is None:
        return link_invalid(request)
    submission = flow.submission_of(draft)
    if submission is None:
        return redirect("intake:resume_here")
    intake = submission.intake or {}
    channels = (intake.get("about") or {}).get("contact_channels") or []
    reach_out_first = draft.risk_shown_at is not None or submission.outcome == "urgent"
    return render(
        request,
        "intake/status.html",
        {
            "submission": submission,
            "reach_out_first": reach_out_first,
            # When the clinic reads it, from the on-call rota (open now, or from when).
            "reading": confirmation_notice(submission) if reach_out_first else None,
            "channels": channels_in_words(channels),
            "appointment_url": reverse("appointments:request_for_intake"),
            "expires_at": draft.expires_at,
        },
    )
