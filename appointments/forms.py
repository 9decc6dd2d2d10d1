"""Forms for patients (a consultation request, a call-back request) and for the clinic
(availability, booking, moving, cancelling). Each form checks what was typed; the rules that
need locks (is the slot still free?) live in appointments.booking and come back as errors on
the same fields."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appointments.availability import to_utc
from appointments.models import (
    MEETING_MODES,
    AppointmentRequest,
    DayPart,
    Mode,
    Slot,
)
from clinic import datetimes
from clinic.forms import HoneypotMixin, PlainRequiredMessages
from clinic.roles import CLINICIAN

WINDOW_HORIZON_DAYS = 60
MAX_PATTERN_DAYS = 366
WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
BEST_TIMES = [
    (DayPart.MORNING.value, _("Morning (8 am to noon)")),
    (DayPart.AFTERNOON.value, _("Afternoon (noon to 5 pm)")),
    (DayPart.EVENING.value, _("Evening (5 pm to 8 pm)")),
    (DayPart.ANY.value, _("Any time")),
]


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def person_name(user):
    return user.get_full_name() or user.get_username()


# The patient's side ---------------------------------------------------------------------


class ConsultationRequestForm(HoneypotMixin):
    mode = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=[
            (Mode.IN_PERSON.value, _("In person, at the clinic")),
            (Mode.VIDEO.value, _("By video")),
            (Mode.EITHER.value, _("Either is fine")),
        ],
        widget=forms.RadioSelect,
        initial=Mode.EITHER,
    )
    slot = forms.TypedChoiceField(
        label=_("Pick an open time"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A coordinator confirms the time with you before it is booked."),
        error_messages={"invalid_choice": _("That time is no longer open: please pick another.")},
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=AppointmentRequest.ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=AppointmentRequest.ContactPreference.PHONE,
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {}
        days = {}
        for slot in slots:
            self.slots[slot.pk] = slot
            # Grouped by day, and each option says its day too: a closed select shows only
            # the chosen option, never its group.
            mode = str(slot.get_mode_display())
            days.setdefault(datetimes.day(slot.starts_at), []).append(
                (
                    slot.pk,
                    gettext("%(time)s, %(mode)s")
                    % {
                        "time": datetimes.time_range(slot.starts_at, slot.ends_at),
                        "mode": mode[:1].lower() + mode[1:],
                    },
                )
            )
        self.fields["slot"].choices = [
            ("", gettext("None of these times")),
            *days.items(),
        ]
        for n in range(1, AppointmentRequest.MAX_WINDOWS + 1):
            self.fields[f"window{n}_date"] = forms.DateField(
                label=format_lazy(_("Day {n}"), n=n),
                required=False,
                widget=date_input(),
            )
            self.fields[f"window{n}_part"] = forms.ChoiceField(
                label=format_lazy(_("Time of day {n}"), n=n),
                required=False,
                choices=[("", _("Choose a time of day"))] + DayPart.choices,
            )

    @property
    def window_fields(self):
        return [
            (n, self[f"window{n}_date"], self[f"window{n}_part"])
            for n in range(1, AppointmentRequest.MAX_WINDOWS + 1)
        ]

    def clean_slot(self):
        pk = self.cleaned_data.get("slot")
        if pk is None:
            return None
        if pk not in self.slots:
            raise forms.ValidationError(
                gettext("That time is no longer open: please pick another.")
            )
        return self.slots[pk]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        windows = []
        for n in range(1, AppointmentRequest.MAX_WINDOWS + 1):
            day = cleaned.get(f"window{n}_date")
            part = cleaned.get(f"window{n}_part")
            if day and not part:
                self.add_error(f"window{n}_part", gettext("Choose a time of day for this day."))
            elif part and not day and f"window{n}_date" not in self.errors:
                self.add_error(f"window{n}_date", gettext("Choose the day for this time of day."))
            elif day and day <= today:
                self.add_error(f"window{n}_date", gettext("Choose a day from tomorrow on."))
            elif day and day > today + timedelta(days=WINDOW_HORIZON_DAYS):
                self.add_error(
                    f"window{n}_date",
                    gettext("Choose a day in the next %(days)s days.")
                    % {"days": WINDOW_HORIZON_DAYS},
                )
            elif day and (day, part) not in windows:
                windows.append((day, part))
        cleaned["windows"] = windows
        slot, mode = cleaned.get("slot"), cleaned.get("mode")
        if slot and mode and not slot.allows(mode):
            only = (
                gettext(
                    "That time is for video visits only: pick another time, or change how you "
                    "would like to meet."
                )
                if slot.mode == Mode.VIDEO
                else gettext(
                    "That time is for in-person visits only: pick another time, or change how "
                    "you would like to meet."
                )
            )
            self.add_error("slot", only)
        if not slot and not windows and not self.errors:
            if self.slots:
                self.add_error(
                    "slot",
                    gettext("Pick one of the open times, or give at least one day that suits you."),
                )
            else:
                self.add_error("window1_date", gettext("Give at least one day that suits you."))
        return cleaned


class CallbackForm(HoneypotMixin):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("The number we should call, e.g. 910 555 0142."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    best_time = forms.ChoiceField(
        label=_("Best time to call"), choices=BEST_TIMES, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Anything that helps us reach you (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example, whether we may leave a voicemail. Please don't write health "
            "details here: we'll talk when we call."
        ),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(gettext("Enter your name."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = "".join(ch for ch in phone if ch.isdigit())
        allowed = set("0123456789+-(). ")
        if not set(phone) <= allowed or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(
                gettext("Enter a phone number we can call, with the area code, e.g. 910 555 0142.")
            )
        return phone


# The clinic's side ----------------------------------------------------------------------


def clinicians():
    return (
        get_user_model()
        .objects.filter(groups__name=CLINICIAN, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class ClinicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class SlotField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "That slot is no longer free (it was booked, removed or has passed): "
        "please choose another."
    }

    def label_from_instance(self, obj):
        return f"{obj.label} · {person_name(obj.clinician)} · {obj.get_mode_display()}"


class SlotDetailsForm(PlainRequiredMessages, forms.Form):
    clinician = ClinicianField(
        queryset=clinicians(),
        label="Clinician",
        empty_label="Choose a clinician",
        error_messages={"required": "Choose the clinician."},
    )
    mode = forms.ChoiceField(
        label="Visits",
        choices=Mode.choices,
        initial=Mode.EITHER,
        error_messages={"required": "Choose how visits are held."},
    )
    location = forms.CharField(
        label="Place for in-person visits",
        required=False,
        max_length=200,
        help_text="Leave empty for the clinic's address.",
    )
    video_instructions = forms.CharField(
        label="How video visits are joined",
        required=False,
        max_length=300,
        help_text="Sent to the patient, e.g. \u201cA secure link arrives by email the day "
        "before.\u201d No patient details.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians()

    def slot_details(self):
        return {key: self.cleaned_data[key] for key in ("mode", "location", "video_instructions")}

    def check_times(self, start_field, end_field):
        start, end = self.cleaned_data.get(start_field), self.cleaned_data.get(end_field)
        if start and end and end <= start:
            self.add_error(end_field, "The end time must be after the start time.")
            return None
        return start, end


class SlotForm(SlotDetailsForm):
    day = forms.DateField(
        label="Day", widget=date_input(), error_messages={"required": "Enter the day."}
    )
    start_time = forms.TimeField(
        label="Starts", widget=time_input(), error_messages={"required": "Enter the start time."}
    )
    end_time = forms.TimeField(
        label="Ends", widget=time_input(), error_messages={"required": "Enter the end time."}
    )

    field_order = ["clinician", "day", "start_time", "end_time", "mode"]

    def clean(self):
        cleaned = super().clean()
        times = self.check_times("start_time", "end_time")
        day = cleaned.get("day")
        if not times or not day:
            return cleaned
        starts_at, ends_at = to_utc(day, times[0]), to_utc(day, times[1])
        if starts_at is None or ends_at is None:
            self.add_error(
                "start_time", "That time does not exist on that day: the clocks go forward."
            )
        elif starts_at <= timezone.now():
            self.add_error("day", "That time has already passed: choose a time in the future.")
        else:
            cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned


class WeeklyPatternForm(SlotDetailsForm):
    weekdays = forms.MultipleChoiceField(
        label="Days of the week",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    start_time = forms.TimeField(
        label="From",
        widget=time_input(),
        error_messages={"required": "Enter the time the first slot starts."},
    )
    end_time = forms.TimeField(
        label="Until",
        widget=time_input(),
        error_messages={"required": "Enter the time the last slot ends."},
    )
    slot_minutes = forms.IntegerField(
        label="Length of each slot (minutes)",
        min_value=10,
        max_value=240,
        initial=60,
        error_messages={"required": "Enter the length of each slot, in minutes."},
    )
    first_day = forms.DateField(
        label="First day", widget=date_input(), error_messages={"required": "Enter the first day."}
    )
    last_day = forms.DateField(
        label="Last day", widget=date_input(), error_messages={"required": "Enter the last day."}
    )

    field_order = [
        "clinician",
        "weekdays",
        "start_time",
        "end_time",
        "slot_minutes",
        "first_day",
        "last_day",
        "mode",
    ]

    def clean(self):
        cleaned = super().clean()
        times = self.check_times("start_time", "end_time")
        minutes = cleaned.get("slot_minutes")
        if times and minutes:
            start, end = times
            window = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if minutes > window:
                self.add_error("slot_minutes", "A slot must fit between the start and end times.")
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", "The last day must be on or after the first day.")
            elif (last - first).days > MAX_PATTERN_DAYS:
                self.add_error("last_day", "Choose a range of at most a year.")
            elif last < timezone.localdate():
                self.add_error("last_day", "That range has already passed.")
        return cleaned


class BookForm(PlainRequiredMessages, forms.Form):
    slot = SlotField(
        queryset=Slot.objects.none(),
        label="Slot",
        empty_label="Choose a slot",
        error_messages={"required": "Choose a slot."},
    )
    mode = forms.ChoiceField(
        label="How they meet",
        choices=MEETING_MODES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they meet."},
    )

    def __init__(self, *args, slots, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        if can_override:
            # For clinicians, when the intake is not cleared for booking yet
            # (appointments.booking.clearance): the rules, not this form, decide if it is needed.
            self.fields["override_reason"] = forms.CharField(
                label="Reason to book before a clinician's review",
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=(
                    "As a clinician you may book this person before the intake is cleared. Say "
                    "why; it is kept in the request's history and the audit trail, not sent to "
                    "the patient."
                ),
            )


class ReasonForm(PlainRequiredMessages, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Enter the reason: it is kept in the history."},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history; not sent to the patient.",
    )


class CancelForm(ReasonForm):
    reopen = forms.BooleanField(
        label="Put the request back in the open list to book another time",
        required=False,
        initial=True,
    )
