"""Template tags that must work on every page, including the 500 page, which Django renders
without a request or context processors."""

from django import template
from django.conf import settings

from clinic import crisis

register = template.Library()


@register.inclusion_tag("clinic/_crisis_bar.html")
def crisis_bar():
    return {"crisis": crisis}


@register.inclusion_tag("clinic/_crisis_panel.html")
def crisis_panel(heading="You don't have to go through this alone", intro="", buttons_first=False):
    # buttons_first: the big 988 buttons straight under the heading, for pages where they must
    # be in the first screen on a phone (the support page).
    return {"crisis": crisis, "heading": heading, "intro": intro, "buttons_first": buttons_first}


@register.simple_tag
def clinic_name():
    return settings.CLINIC_NAME
