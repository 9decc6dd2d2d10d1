from django import forms, template

register = template.Library()


@register.filter
def error_anchor(bound_field):
    """The id an error summary links to: the first option of a radio or checkbox group (the
    group itself has no focusable element), else the input."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id
