"""Spanish dates, times and numbers on the patient pages (clinic/datetimes.py says which to use
where): Django's own Spanish dates and 24-hour times ("14 de marzo de 1987", "15:00", "martes 8
de diciembre de 2026, 10:00" for an appointment, "8 dic 2026, 20:01" for when something
happened), and numbers as Spanish is written in the United States
(and Mexico): a decimal point and a thousands comma ("12.5", "1,433"), the way the forms read
them back. See docs/spanish-glossary.md."""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"
# "8 dic 2026": "b" is the month's lower-case abbreviation ("M" would capitalise it).
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
# The project's own (clinic.datetimes.named_format): a day with its weekday.
WEEKDAY_DATE_FORMAT = r"l j \d\e F \d\e Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
