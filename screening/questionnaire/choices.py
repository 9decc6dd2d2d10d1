"""Every list of answers the intake offers: the code stored, the person's wording, the
clinician's label. The engine validates codes against these; the forms and staff pages show
their words."""

from .base import Choices, Option, _

YES_NO_UNSURE = Choices(
    "yes_no_unsure",
    (
        Option("yes", _("Yes"), _("Yes")),
        Option("no", _("No"), _("No")),
        Option("unsure", _("Not sure"), _("Unsure")),
    ),
)
YES_NO = Choices("yes_no", (Option("yes", _("Yes")), Option("no", _("No"))))
# Pregnancy in the format: "not applicable" when the questions were not asked.
PREGNANT = Choices(
    "pregnant",
    (
        *YES_NO_UNSURE.options,
        Option("not_applicable", _("Not applicable"), _("Not applicable")),
    ),
)

SEX_AT_BIRTH = Choices(
    "sex_at_birth",
    (
        Option("female", _("Female")),
        Option("male", _("Male")),
        Option("intersex", _("Intersex")),
        Option("prefer_not_to_say", _("Prefer not to say"), _("Prefers not to say")),
    ),
)
LANGUAGE = Choices(
    "language",
    (Option("en", _("English")), Option("es", _("Spanish (español)"), _("Spanish"))),
)
US_STATES = Choices(
    "us_state",
    tuple(
        Option(code, name)
        for code, name in (
            ("AL", _("Alabama")), ("AK", _("Alaska")), ("AZ", _("Arizona")),
            ("AR", _("Arkansas")), ("CA", _("California")), ("CO", _("Colorado")),
            ("CT", _("Connecticut")), ("DE", _("Delaware")), ("DC", _("District of Columbia")),
            ("FL", _("Florida")), ("GA", _("Georgia")), ("HI", _("Hawaii")), ("ID", _("Idaho")),
            ("IL", _("Illinois")), ("IN", _("Indiana")), ("IA", _("Iowa")), ("KS", _("Kansas")),
            ("KY", _("Kentucky")), ("LA", _("Louisiana")), ("ME", _("Maine")),
            ("MD", _("Maryland")), ("MA", _("Massachusetts")), ("MI", _("Michigan")),
            ("MN", _("Minnesota")), ("MS", _("Mississippi")), ("MO", _("Missouri")),
            ("MT", _("Montana")), ("NE", _("Nebraska")), ("NV", _("Nevada")),
            ("NH", _("New Hampshire")), ("NJ", _("New Jersey")), ("NM", _("New Mexico")),
            ("NY", _("New York")), ("NC", _("North Carolina")), ("ND", _("North Dakota")),
            ("OH", _("Ohio")), ("OK", _("Oklahoma")), ("OR", _("Oregon")),
            ("PA", _("Pennsylvania")), ("RI", _("Rhode Island")), ("SC", _("South Carolina")),
            ("SD", _("South Dakota")), ("TN", _("Tennessee")), ("TX", _("Texas")),
            ("UT", _("Utah")), ("VT", _("Vermont")), ("VA", _("Virginia")),
            ("WA", _("Washington")), ("WV", _("West Virginia")), ("WI", _("Wisconsin")),
            ("WY", _("Wyoming")), ("AS", _("American Samoa")), ("GU", _("Guam")),
            ("MP", _("Northern Mariana Islands")), ("PR", _("Puerto Rico")),
            ("VI", _("U.S. Virgin Islands")),
        )
    ),
)  # fmt: skip
CONTACT_CHANNELS = Choices(
    "contact_channel",
    (
        Option("phone", _("Phone call")),
        Option("text", _("Text message")),
        Option("email", _("Email")),
    ),
)
HEARD_ABOUT = Choices(
    "heard_about",
    (
        Option("clinician", _("My doctor, therapist or another clinician"), _("A clinician")),
        Option("search", _("An internet search"), _("Internet search")),
        Option("friend", _("A friend or family member"), _("Friend or family")),
        Option("social", _("Social media")),
        Option("insurance", _("My insurance company"), _("Insurance company")),
        Option("other", _("Somewhere else"), _("Somewhere else")),
    ),
)

DIAGNOSES = Choices(
    "diagnosis",
    (
        Option("depression", _("Depression")),
        Option("bipolar", _("Bipolar disorder")),
        Option("anxiety", _("An anxiety disorder"), _("Anxiety")),
        Option("ptsd", _("PTSD")),
        Option("ocd", _("OCD")),
        Option(
            "schizophrenia",
            _("Schizophrenia or another psychotic disorder"),
            _("Schizophrenia"),
        ),
        Option("schizoaffective", _("Schizoaffective disorder")),
        Option("eating_disorder", _("An eating disorder"), _("Eating disorder")),
        Option("other", _("Something else"), _("Other")),
    ),
)
# "Stopped because of side effects" is asked, and exported as "unsure" with a marker.
IMPROVEMENT = Choices(
    "improvement",
    (
        # Exclusive bands, in plain words: a failed trial is "a little" or "none".
        Option("much", _("Helped a lot (more than half better)"), _("much better")),
        Option("partial", _("Helped some (more than a quarter, up to half better)"), _("partial")),
        Option(
            "a_little", _("Helped a little (a quarter better or less)"), _("a little (25% or less)")
        ),
        Option("none", _("Did not help at all"), _("no improvement")),
        Option("side_effects", _("Stopped because of side effects"), _("stopped for side effects")),
        Option("unsure", _("Not sure"), _("unsure")),
    ),
)
# What the format stores: side effects become "unsure" (how much it would have helped is unknown).
IMPROVEMENT_STORED = Choices(
    "improvement_stored", tuple(option for option in IMPROVEMENT if option.code != "side_effects")
)
TREATMENT_KINDS = Choices(
    "treatment_kind",
    (
        Option("psychotherapy", _("Psychotherapy (talk therapy)"), _("Psychotherapy")),
        Option("ect", _("ECT (electroconvulsive therapy)"), _("ECT")),
        Option("tms", _("TMS (transcranial magnetic stimulation)"), _("TMS")),
        Option("esketamine", _("Esketamine nasal spray (Spravato®)"), _("Esketamine (Spravato)")),
        Option("ketamine", _("Ketamine, for example by infusion"), _("Ketamine")),
    ),
)
TREATMENT_OUTCOMES = Choices(
    "treatment_outcome",
    (
        Option("helped", _("Helped"), _("helped")),
        Option("partly", _("Helped partly"), _("partly helped")),
        Option("no", _("Did not help"), _("did not help")),
        Option("unsure", _("Not sure"), _("unsure")),
    ),
)

# The PHQ-9 and GAD-7 answers, scored 0 to 3, with their LOINC answer codes.
FREQUENCY = Choices(
    "frequency",
    (
        Option(0, _("Not at all"), loinc="LA6568-5"),
        Option(1, _("Several days"), loinc="LA6569-3"),
        Option(2, _("More than half the days"), loinc="LA6570-1"),
        Option(3, _("Nearly every day"), loinc="LA6571-9"),
    ),
)
DIFFICULTY = Choices(
    "difficulty",
    (
        Option("not_difficult", _("Not difficult at all"), loinc="LA6572-7"),
        Option("somewhat", _("Somewhat difficult"), loinc="LA6573-5"),
        Option("very", _("Very difficult"), loinc="LA6574-3"),
        Option("extremely", _("Extremely difficult"), loinc="LA6575-0"),
    ),
)

HYPERTENSION = Choices(
    "hypertension",
    (
        Option("no", _("No")),
        Option(
            "controlled",
            _("Yes, and treatment keeps it under control"),
            _("Yes, controlled with treatment"),
        ),
        Option(
            "uncontrolled",
            _("Yes, and it is still high even with treatment"),
            _("Yes, not controlled"),
        ),
        Option("untreated", _("Yes, and I am not being treated for it"), _("Yes, not treated")),
        Option("unsure", _("Not sure"), _("Unsure")),
    ),
)
GLAUCOMA = Choices(
    "glaucoma",
    (
        Option("no", _("No")),
        Option("treated", _("Yes, and it is treated"), _("Yes, treated")),
        Option("untreated", _("Yes, and it is not treated"), _("Yes, not treated")),
        Option("unsure", _("Not sure"), _("Unsure")),
    ),
)
LIVER = Choices(
    "liver_disease",
    (
        Option("no", _("No")),
        Option("mild", _("Yes, mild"), _("Mild")),
        Option("moderate", _("Yes, moderate"), _("Moderate")),
        Option("severe", _("Yes, severe (for example cirrhosis)"), _("Severe")),
        Option("unsure", _("Not sure"), _("Unsure")),
    ),
)
THYROID = Choices(
    "thyroid",
    (
        Option("no", _("No")),
        Option("underactive", _("Yes, an underactive thyroid"), _("Underactive")),
        Option(
            "overactive_controlled",
            _("Yes, an overactive thyroid that is under control"),
            _("Overactive, controlled"),
        ),
        Option(
            "overactive_uncontrolled",
            _("Yes, an overactive thyroid that is not under control"),
            _("Overactive, not controlled"),
        ),
        Option("unsure", _("Not sure"), _("Unsure")),
    ),
)
HEIGHT_UNIT = Choices(
    "height_unit", (Option("cm", _("Centimeters")), Option("ft_in", _("Feet and inches")))
)
WEIGHT_UNIT = Choices(
    "weight_unit", (Option("lb", _("Pounds (lb)")), Option("kg", _("Kilograms (kg)")))
)

ALCOHOL = Choices(
    "alcohol",
    (
        Option("never", _("Never")),
        Option("monthly_or_less", _("Monthly or less")),
        Option("weekly", _("Weekly")),
        Option("daily", _("Daily or almost daily, 1 to 3 drinks"), _("Daily")),
        Option(
            "heavy_daily", _("Daily or almost daily, 4 or more drinks"), _("Heavily, every day")
        ),
    ),
)
RECENCY = Choices(
    "recency",
    (
        Option("never", _("Never")),
        Option("past_only", _("Not in the past year"), _("In the past only")),
        Option("past_year", _("In the past year, but not the past month"), _("In the past year")),
        Option("past_month", _("In the past month")),
    ),
)
HOW_OFTEN = Choices(
    "how_often",
    (
        Option("once_or_twice", _("Once or twice")),
        Option("weekly", _("Weekly")),
        Option("daily", _("Daily or almost daily")),
    ),
)
