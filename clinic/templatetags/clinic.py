"""Template tags that must work on every page, including the 500 page, which Django renders
without a request or context processors."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from clinic import crisis, datetimes, language

register = template.Library()


@register.inclusion_tag("clinic/_crisis_bar.html")
def crisis_bar():
    return {"crisis": crisis}


@register.inclusion_tag("clinic/_crisis_panel.html")
def crisis_panel(heading="", intro="", buttons_first=False):
    heading = heading or gettext("You don't have to go through this alone")
    # buttons_first: the big 988 buttons straight under the heading, for pages where they must
    # be in the first screen on a phone (the support page).
    return {"crisis": crisis, "heading": heading, "intro": intro, "buttons_first": buttons_first}


@register.inclusion_tag("clinic/_language_switch.html", takes_context=True)
def language_switch(context):
    """ "English | Español" on every public page: links to this page with ?lang= (see
    clinic.language); staff pages stay in the staff language and show none."""
    request = context.get("request")
    if request is not None and language.is_staff_path(request.path_info):
        return {"choices": ()}
    active = language.current()
    return {
        "choices": [
            {"code": code, "name": name, "current": code == active}
            for code, name in settings.LANGUAGES
        ],
        "parameter": language.SWITCH_PARAMETER,
    }


@register.simple_tag
def clinic_name():
    return settings.CLINIC_NAME


@register.filter
def isotime(moment):
    """A moment for a <time datetime> attribute: clinic time to the second (the "c" date
    format adds microseconds, which HTML does not accept there)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


# One way to write dates and times (clinic/datetimes.py), in the clinic's zone as |date is.
@register.filter(expects_localtime=True)
def day(value):
    """ "Tuesday, December 8, 2026"."""
    return datetimes.day(value)


@register.filter(expects_localtime=True)
def clock(value):
    """ "10:00 AM" (Spanish "10:00")."""
    return datetimes.time(value)


@register.filter(expects_localtime=True)
def day_and_time(value):
    """ "Tuesday, December 8, 2026, 10:00 AM": an appointment."""
    return datetimes.day_and_time(value)


@register.filter(expects_localtime=True)
def moment(value):
    """ "Dec 8, 2026, 8:01 PM": when something happened."""
    return datetimes.moment(value)
