"""English dates and times as the patient pages write them: "14 March 1987", "3:00 p.m."."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = "j F"
