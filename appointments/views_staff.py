"""The clinic's pages: availability, the schedule, open requests and booking.

Coordinators (and administrators) do everything here. Clinicians may open the schedule, which
then shows their own slots and appointments only, read-only: they see who they are meeting.
They may also open a request (the staff review links to it) to book or move it, which is how a
clinician books a person before the intake is cleared for booking, with a reason (an override:
appointments.booking.clearance). Cancelling, closing, outcomes, availability and the request
list stay with the coordinators.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from appointments import availability, booking, notifications
from appointments.forms import (
    BookForm,
    CancelForm,
    ReasonForm,
    SlotForm,
    WeeklyPatternForm,
    clinicians,
    person_name,
)
from appointments.models import (
    Appointment,
    AppointmentRequest,
    Notification,
    Slot,
)
from clinic.roles import CLINICIAN, COORDINATOR, has_role, role_required, sees_clinical

OFFERED_SPAN = timedelta(weeks=3)
OFFERED_MAX = 200
REQUESTS_PER_PAGE = 50


def _failed_emails():
    return list(
        Notification.objects.needing_attention()
        .select_related("appointment")
        .order_by("created_at")[:20]
    )


def _safe_next(request, default):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _email_message(request, appointment):
    """After a change: tell the coordinator whether the patient's email went."""
    latest = appointment.notifications.order_by("-created_at", "-id").first()
    if latest is None:
        messages.info(request, "There is no email address for this person: tell them by phone.")
    elif latest.status == Notification.Status.FAILED:
        messages.warning(
            request,
            "The email to the patient could not be sent yet; it will be retried automatically.",
        )


# The schedule ---------------------------------------------------------------------------


@require_GET
@role_required(COORDINATOR, CLINICIAN)
def schedule(request):
    coordinator = has_role(request.user, COORDINATOR)
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    view = "day" if request.GET.get("view") == "day" else "week"
    first = day if view == "day" else day - timedelta(days=day.weekday())
    length = 1 if view == "day" else 7
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=length), datetime.min.time(), tzinfo=zone)

    staff = list(clinicians()) if coordinator else []
    if coordinator:
        chosen = next((c for c in staff if str(c.pk) == request.GET.get("clinician")), None)
    else:
        chosen = request.user
    slots = (
        Slot.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("clinician")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.active().select_related("request__submission"),
                to_attr="held",
            )
        )
    )
    if chosen is not None:
        slots = slots.filter(clinician=chosen)
    by_day = {first + timedelta(days=n): [] for n in range(length)}
    for slot in slots:
        slot.appointment = slot.held[0] if slot.held else None
        by_day[timezone.localtime(slot.starts_at).date()].append(slot)

    step = timedelta(days=length)

    def link(on):
        query = {"view": view, "date": f"{on:%Y-%m-%d}"}
        if coordinator and chosen is not None:
            query["clinician"] = chosen.pk
        return "?" + urlencode(query)

    return render(
        request,
        "appointments_staff/schedule.html",
        {
            "coordinator": coordinator,
            "days": sorted(by_day.items()),
            "view": view,
            "day": day,
            "first": first,
            "last": first + timedelta(days=length - 1),
            "previous_link": link(first - step),
            "next_link": link(first + step),
            "today_link": link(today),
            "clinicians": staff,
            "chosen": chosen,
            "failed_emails": _failed_emails() if coordinator else [],
        },
    )


# Requests -------------------------------------------------------------------------------

REQUEST_FILTERS = {
    "open": [AppointmentRequest.Status.OPEN],
    "booked": [AppointmentRequest.Status.BOOKED],
    "done": [AppointmentRequest.Status.CLOSED, AppointmentRequest.Status.CANCELLED_BY_PATIENT],
}


@require_GET
@role_required(COORDINATOR)
def request_list(request):
    shown = request.GET.get("status")
    if shown not in REQUEST_FILTERS:
        shown = "open"
    requests = (
        AppointmentRequest.objects.filter(status__in=REQUEST_FILTERS[shown])
        .select_related("submission", "slot")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(status=Appointment.Status.BOOKED),
                to_attr="booked",
            )
        )
        .by_priority()
    )
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "appointments_staff/request_list.html",
        {"page": page, "shown": shown, "failed_emails": _failed_emails()},
    )


def _offered_slots(request, *keep):
    """The free slots a booking form lists: from the chosen day (today by default) for three
    weeks, of the chosen clinician or everyone, at most OFFERED_MAX, plus the slots in `keep`
    (the patient's pick, what was just chosen) while they are free. Listing every free slot of
    every clinician made the page take seconds and the list unusable."""
    free = Slot.objects.bookable()
    listed = free.order_by("starts_at", "pk")
    clinician = request.GET.get("clinician", "")
    if clinician.isascii() and clinician.isdigit():  # "²³".isdigit() too, but not int()
        listed = listed.filter(clinician_id=clinician)
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = timezone.localdate()
    start = datetime.combine(first, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    listed = listed.filter(starts_at__gte=start, starts_at__lt=start + OFFERED_SPAN)
    ids = list(listed.values_list("pk", flat=True)[:OFFERED_MAX])
    keep = [str(pk or "") for pk in keep]
    ids += [int(pk) for pk in keep if pk.isascii() and pk.isdigit()]
    return (
        free.filter(pk__in=ids)
        .select_related("clinician")
        .order_by("starts_at", "clinician__first_name", "pk")
    )


def _any_free_slot():
    """What a booking form accepts: any free slot (the rules recheck it under lock)."""
    return Slot.objects.bookable().select_related("clinician")


def _can_override(user, cleared=None):
    """Whether the booking forms carry the clinician's override reason: for clinicians, when the
    intake is not cleared (on a POST, always, so what they typed is read). The clinician role
    itself: booking before review is a clinical call, not an administrator's."""
    return sees_clinical(user) and (cleared is None or not cleared.allowed)


def _render_request(request, req, status=200, **forms):
    coordinator = has_role(request.user, COORDINATOR)
    cleared = booking.clearance(req)
    can_override = _can_override(request.user, cleared)
    appointments = list(
        req.appointments.select_related("clinician", "slot").order_by("-created_at", "-id")
    )
    booked = next((a for a in appointments if a.status == Appointment.Status.BOOKED), None)
    chosen = [form["slot"].value() for form in forms.values() if "slot" in form.fields]
    slots = _offered_slots(request, req.slot_id, *chosen)
    for form in forms.values():
        if "slot" in form.fields:
            form.fields["slot"].queryset = slots
    if "book_form" not in forms and req.status == AppointmentRequest.Status.OPEN:
        initial = {"mode": req.mode if req.mode != "either" else "in_person"}
        if req.slot_id and any(slot.pk == req.slot_id for slot in slots):
            initial["slot"] = req.slot_id
        forms["book_form"] = BookForm(
            slots=slots, initial=initial, prefix="book", can_override=can_override
        )
    if booked is not None:
        forms.setdefault(
            "move_form",
            BookForm(
                slots=slots,
                initial={"mode": booked.mode},
                prefix="move",
                can_override=can_override,
            ),
        )
        if coordinator:
            forms.setdefault("cancel_form", CancelForm(prefix="cancel"))
    if req.status == AppointmentRequest.Status.OPEN and coordinator:
        forms.setdefault("close_form", ReasonForm(prefix="close"))
    return render(
        request,
        "appointments_staff/request_detail.html",
        {
            "req": req,
            "coordinator": coordinator,
            "clearance": cleared,
            "appointments": appointments,
            "booked": booked,
            "can_record": booked is not None and booked.has_started(),
            "events": req.events.select_related(
                "actor", "from_clinician", "to_clinician", "request"
            ),
            "emails": Notification.objects.filter(appointment__request=req).order_by(
                "-created_at", "-id"
            ),
            "clinicians": clinicians(),
            "clinician_filter": request.GET.get("clinician") or "",
            "from_filter": request.GET.get("from") or "",
            "offered_days": OFFERED_SPAN.days,
            **forms,
        },
        status=status,
    )


def _get_request(pk):
    return get_object_or_404(
        AppointmentRequest.objects.select_related("submission", "slot__clinician"), pk=pk
    )


def _refused(form, error):
    """A rule's refusal on the form, next to its field when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
@role_required(COORDINATOR, CLINICIAN)
def request_detail(request, pk):
    return _render_request(request, _get_request(pk))


@require_POST
@role_required(COORDINATOR, CLINICIAN)
def book_request(request, pk):
    req = _get_request(pk)
    form = BookForm(
        request.POST,
        slots=_any_free_slot(),
        prefix="book",
        can_override=_can_override(request.user),
    )
    if form.is_valid():
        try:
            appointment = booking.book(
                req,
                form.cleaned_data["slot"],
                by=request.user,
                mode=form.cleaned_data["mode"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                request=request,
            )
        except booking.BookingError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Booked: {appointment.label} with {person_name(appointment.clinician)}.",
            )
            _email_message(request, appointment)
            return redirect("appointments_staff:request_detail", pk=req.pk)
    return _render_request(request, req, book_form=form)


@require_POST
@role_required(COORDINATOR)
def close_request(request, pk):
    req = _get_request(pk)
    form = ReasonForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            booking.close_request(req, by=request.user, reason=form.cleaned_data["reason"])
        except booking.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The request is closed.")
            return redirect("appointments_staff:request_detail", pk=req.pk)
    return _render_request(request, req, close_form=form)


def _get_appointment(pk):
    return get_object_or_404(Appointment.objects.select_related("request", "clinician"), pk=pk)


@require_POST
@role_required(COORDINATOR, CLINICIAN)
def reschedule(request, pk):
    appointment = _get_appointment(pk)
    form = BookForm(
        request.POST,
        slots=_any_free_slot(),
        prefix="move",
        can_override=_can_override(request.user),
    )
    if form.is_valid():
        try:
            appointment = booking.reschedule(
                appointment,
                form.cleaned_data["slot"],
                by=request.user,
                mode=form.cleaned_data["mode"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                request=request,
            )
        except booking.BookingError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Moved to {appointment.label} with {person_name(appointment.clinician)}.",
            )
            _email_message(request, appointment)
            return redirect("appointments_staff:request_detail", pk=appointment.request_id)
    return _render_request(request, _get_request(appointment.request_id), move_form=form)


@require_POST
@role_required(COORDINATOR)
def cancel_appointment(request, pk):
    appointment = _get_appointment(pk)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            booking.cancel(
                appointment,
                by=request.user,
                reason=form.cleaned_data["reason"],
                reopen=form.cleaned_data["reopen"],
            )
        except booking.BookingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "The appointment is cancelled.")
            _email_message(request, appointment)
            return redirect("appointments_staff:request_detail", pk=appointment.request_id)
    return _render_request(request, _get_request(appointment.request_id), cancel_form=form)


@require_POST
@role_required(COORDINATOR)
def record_outcome(request, pk):
    appointment = _get_appointment(pk)
    try:
        booking.record_outcome(appointment, request.POST.get("status", ""), by=request.user)
    except booking.BookingError as error:
        messages.error(request, error.message)
    else:
        appointment.refresh_from_db()
        messages.success(request, f"Marked {appointment.get_status_display().lower()}.")
    return redirect("appointments_staff:request_detail", pk=appointment.request_id)


# Availability ---------------------------------------------------------------------------


def _render_availability(request, slot_form=None, pattern_form=None, status=200):
    return render(
        request,
        "appointments_staff/availability.html",
        {
            "slot_form": slot_form or SlotForm(prefix="slot"),
            "pattern_form": pattern_form or WeeklyPatternForm(prefix="pattern"),
        },
        status=status,
    )


def _schedule_url(clinician, starts_at):
    day = timezone.localtime(starts_at).date()
    return (
        f"{reverse('appointments_staff:schedule')}?view=week&date={day:%Y-%m-%d}"
        f"&clinician={clinician.pk}"
    )


@require_GET
@role_required(COORDINATOR)
def availability_page(request):
    return _render_availability(request)


@require_POST
@role_required(COORDINATOR)
def add_slot(request):
    form = SlotForm(request.POST, prefix="slot")
    if form.is_valid():
        data = form.cleaned_data
        try:
            slot = availability.add_slot(
                clinician=data["clinician"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                by=request.user,
                **form.slot_details(),
            )
        except availability.AvailabilityError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Slot added: {slot.label}.")
            return redirect(_schedule_url(slot.clinician, slot.starts_at))
    return _render_availability(request, slot_form=form)


@require_POST
@role_required(COORDINATOR)
def add_pattern(request):
    form = WeeklyPatternForm(request.POST, prefix="pattern")
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = availability.add_weekly_slots(
                clinician=data["clinician"],
                weekdays=data["weekdays"],
                start=data["start_time"],
                end=data["end_time"],
                minutes=data["slot_minutes"],
                first=data["first_day"],
                last=data["last_day"],
                by=request.user,
                **form.slot_details(),
            )
        except availability.AvailabilityError as error:
            form.add_error(error.field, error.message)
        else:
            created = len(result.created)
            text = f"{created} slot{'s' if created != 1 else ''} added."
            if result.overlapping:
                text += f" {result.overlapping} skipped: they overlap slots already there."
            if result.past:
                text += f" {result.past} skipped: already past."
            (messages.success if created else messages.warning)(request, text)
            if created:
                return redirect(_schedule_url(data["clinician"], result.created[0].starts_at))
            return redirect("appointments_staff:availability")
    return _render_availability(request, pattern_form=form)


@require_POST
@role_required(COORDINATOR)
def remove_slot(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("clinician"), pk=pk)
    default = _schedule_url(slot.clinician, slot.starts_at)
    try:
        availability.remove_slot(slot)
    except availability.AvailabilityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Slot removed: {slot.label}.")
    return redirect(_safe_next(request, default))


# Emails ---------------------------------------------------------------------------------


@require_POST
@role_required(COORDINATOR)
def retry_email(request, pk):
    notification = get_object_or_404(Notification, pk=pk)
    result = notifications.deliver(notification.pk)
    if result is None:
        messages.info(request, "That email is no longer waiting to be sent.")
    elif result.status == Notification.Status.SENT:
        messages.success(request, "The email was sent.")
    else:
        messages.error(
            request, "The email still could not be sent. Check the mail settings or call them."
        )
    return redirect(_safe_next(request, reverse("appointments_staff:schedule")))


@require_GET
@role_required(COORDINATOR, CLINICIAN)
def home(request):
    return redirect("appointments_staff:schedule")
