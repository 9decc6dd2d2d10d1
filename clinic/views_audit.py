"""The audit trail for administrators: read and filter, never edit."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.models import AuditEvent
from clinic.roles import ADMINISTRATOR, role_required


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label="Who", required=False)
    action = forms.ChoiceField(
        label="What", required=False, choices=[("", "Every action"), *AuditEvent.Action.choices]
    )
    reference = forms.CharField(
        label="Submission reference", required=False, max_length=40, help_text="e.g. ABCD-2345"
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff accounts are few; EXISTS keeps this cheap however long the trail grows.
        users = get_user_model().objects.filter(
            Exists(AuditEvent.objects.filter(actor=OuterRef("pk")))
        )
        self.fields["actor"].choices = [
            ("", "Anyone"),
            ("system", "The system (no account)"),
            *[
                (str(u.pk), u.get_username())
                for u in users.order_by("username").only("id", "username")
            ],
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filter(self, queryset):
        if not (self.is_bound and self.is_valid()):
            return queryset
        data = self.cleaned_data
        if data.get("actor") == "system":
            queryset = queryset.filter(actor__isnull=True)
        elif data.get("actor"):
            queryset = queryset.filter(actor_id=int(data["actor"]))
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("reference"):
            queryset = queryset.for_reference(data["reference"])
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data.get("date_to"):
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
            queryset = queryset.filter(at__lt=end)
        return queryset


@never_cache
@require_GET
@role_required(ADMINISTRATOR)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.order_by("-at", "-id"))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )
