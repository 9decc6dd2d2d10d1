"""Dates and times written one way everywhere, in the clinic's time zone and the active
language, from the named formats in clinic/formats/<language>/formats.py:

                    English                                 Spanish
    date            March 14, 1987                          14 de marzo de 1987
    time            10:00 AM                                10:00
    day             Tuesday, December 8, 2026               martes 8 de diciembre de 2026
    day and time    Tuesday, December 8, 2026, 10:00 AM     martes 8 de diciembre de 2026, 10:00
    moment          Dec 8, 2026, 8:01 PM                    8 dic 2026, 20:01

"Day and time" is for an appointment, a day to come that a person must not mistake; "moment" is
for when something happened (sent, changed, decided). English uses "AM"/"PM", never "a.m.", so
a time ending a sentence never gets a second full stop; Spanish uses the 24-hour clock
(docs/spanish-glossary.md). Templates use the filters of the same names in
clinic/templatetags/clinic.py.
"""

from datetime import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext


def named_format(name: str) -> str:
    """A format of the active language's module, the project's own names included (Django's
    get_format knows only its own)."""
    for module in formats.get_format_modules(translation.get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    return formats.get_format(name)


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _written(value, name: str) -> str:
    if value is None or value == "":
        return ""
    return formats.date_format(_local(value), named_format(name))


def date(value) -> str:
    return _written(value, "DATE_FORMAT")


def time(value) -> str:
    return _written(value, "TIME_FORMAT")


def day(value) -> str:
    return _written(value, "WEEKDAY_DATE_FORMAT")


def day_and_time(value) -> str:
    return _written(value, "DATETIME_FORMAT")


def moment(value) -> str:
    return _written(value, "SHORT_DATETIME_FORMAT")


def zone(value) -> str:
    """The clinic's zone at that moment, "EST" or "EDT"."""
    return _local(value).tzname() or ""


def time_range(starts_at, ends_at) -> str:
    """ "Tuesday, December 8, 2026, 10:00 AM to 11:00 AM (EST)"."""
    return gettext("%(start)s to %(end)s (%(zone)s)") % {
        "start": day_and_time(starts_at),
        "end": time(ends_at),
        "zone": zone(ends_at),
    }
