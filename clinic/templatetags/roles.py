"""`{% load roles %}{% if user|has_role:"coordinator" %}`: administrators hold every role."""

from django import template

from clinic.roles import has_role as _has_role

register = template.Library()


@register.filter
def has_role(user, role):
    return _has_role(user, *[r.strip() for r in str(role).split(",") if r.strip()])
