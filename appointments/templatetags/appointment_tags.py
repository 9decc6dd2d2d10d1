from django import forms, template

from appointments.patient_status import patient_appointment as state_of

register = template.Library()


@register.filter
def error_anchor(bound_field):
    """The id an error summary links to: the first option of a radio or checkbox group (the
    group itself has no focusable element), else the input."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.inclusion_tag("appointments/_patient_state.html", takes_context=True)
def patient_appointment(context, submission, level=2, on_request_page=False):
    """Where the person's consultation stands (appointments.patient_status), for the pages their
    private link opens: the intake's status page and the request page say the same."""
    return {
        "appointment_state": state_of(submission),
        "level": level,
        "on_request_page": on_request_page,
        "clinic_phone": context.get("clinic_phone", ""),
    }
