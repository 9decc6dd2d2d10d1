"""Spanish dates, times and numbers on the patient pages: Django's own Spanish dates and 24-hour
times ("14 de marzo de 1987", "15:00"), and numbers as Spanish is written in the United States
(and Mexico): a decimal point and a thousands comma ("12.5", "1,433"), the way the forms read
them back. See docs/spanish-glossary.md."""

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
