"""A call-me request's staff page: clinicians only (an administrator needs the clinician role too:
that the person showed suicide risk is health information), every view in the audit trail;
answering it stops the alert's escalation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic import audit
from clinic.roles import CLINICIAN, role_required
from screening.alerts import acknowledge_urgent_alert
from screening.models import CallMeRequest, UrgentAlert


def alerts_about(call):
    return UrgentAlert.objects.filter(
        target_type=f"{call._meta.app_label}.{call._meta.model_name}", target_id=str(call.pk)
    ).select_related("acknowledged_by")


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(CLINICIAN, administrators_pass=False)
def detail(request, reference):
    call = get_object_or_404(CallMeRequest, reference=reference)
    if request.method == "POST":
        if acknowledge_urgent_alert(call, by=request.user):
            messages.success(request, gettext("Recorded: you are calling them."))
        return redirect("staff_call_me:detail", reference=call.reference)
    audit.record(request, audit.Action.VIEW_CALL_ME_REQUEST, target=call)
    alerts = list(alerts_about(call))
    answered = next((alert for alert in alerts if alert.acknowledged_at), None)
    return render(
        request,
        "staff/call_me_request.html",
        {
            "call": call,
            "waiting": any(alert.acknowledged_at is None for alert in alerts),
            "answered": answered,
            "phone_link": "".join(ch for ch in call.phone if ch.isdigit() or ch == "+"),
        },
    )
