"""English dates and times, US style, on every page and in every email (clinic/datetimes.py
says which to use where): "March 14, 1987", "10:00 AM", "Tuesday, December 8, 2026, 10:00 AM"
for an appointment, "Dec 8, 2026, 8:01 PM" for when something happened. "AM"/"PM" rather than
Django's "a.m."/"p.m.", whose full stop doubled at the end of a sentence."""

DATE_FORMAT = "F j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "l, F j, Y, g:i A"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "F j"
# The project's own (clinic.datetimes.named_format): a day with its weekday.
WEEKDAY_DATE_FORMAT = "l, F j, Y"
