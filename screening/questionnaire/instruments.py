"""The standard instruments: PHQ-9, GAD-7 and the C-SSRS screener, with their LOINC codes and
the credit each one asks for."""

from .base import Question, When, _
from .choices import DIFFICULTY, FREQUENCY, YES_NO

PHQ9_PANEL_LOINC = "44249-1"
PHQ9_TOTAL_LOINC = "44261-6"
GAD7_PANEL_LOINC = "69737-5"
GAD7_TOTAL_LOINC = "70274-6"

PHQ9_CREDIT = _(
    "PHQ-9 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc."
)
GAD7_CREDIT = _(
    "GAD-7 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc."
)
CSSRS_CREDIT = _(
    "Columbia-Suicide Severity Rating Scale (C-SSRS) screener © The Research Foundation for "
    "Mental Hygiene, Inc."
)

DIFFICULTY_QUESTION = _(
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)

# (patient wording, staff short form, LOINC)
_PHQ9 = (
    (
        _("Little interest or pleasure in doing things"),
        _("Little interest or pleasure in doing things"),
        "44250-9",
    ),
    (
        _("Feeling down, depressed, or hopeless"),
        _("Feeling down, depressed, or hopeless"),
        "44255-8",
    ),
    (
        _("Trouble falling or staying asleep, or sleeping too much"),
        _("Trouble falling or staying asleep, or sleeping too much"),
        "44259-0",
    ),
    (
        _("Feeling tired or having little energy"),
        _("Feeling tired or having little energy"),
        "44254-1",
    ),
    (_("Poor appetite or overeating"), _("Poor appetite or overeating"), "44251-7"),
    (
        _(
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down"
        ),
        _("Feeling bad about themself, or a failure, or letting family down"),
        "44258-2",
    ),
    (
        _("Trouble concentrating on things, such as reading the newspaper or watching television"),
        _("Trouble concentrating on things"),
        "44252-5",
    ),
    (
        _(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        _("Moving or speaking slowly, or being fidgety or restless"),
        "44253-3",
    ),
    (
        _("Thoughts that you would be better off dead or of hurting yourself in some way"),
        _("Thoughts of being better off dead or of hurting themself"),
        "44260-8",
    ),
)
_GAD7 = (
    (_("Feeling nervous, anxious, or on edge"), "69725-0"),
    (_("Not being able to stop or control worrying"), "68509-9"),
    (_("Worrying too much about different things"), "69733-4"),
    (_("Trouble relaxing"), "69734-2"),
    (_("Being so restless that it is hard to sit still"), "69735-9"),
    (_("Becoming easily annoyed or irritable"), "69689-8"),
    (_("Feeling afraid as if something awful might happen"), "69736-7"),
)

PHQ9 = tuple(
    Question(
        f"phq9_{number}",
        text,
        label,
        key=f"questionnaires.phq9[{number - 1}]",
        choices=FREQUENCY,
        loinc=loinc,
        kind="score",
    )
    for number, (text, label, loinc) in enumerate(_PHQ9, start=1)
)
PHQ9_DIFFICULTY = Question(
    "phq9_difficulty",
    DIFFICULTY_QUESTION,
    _("PHQ-9: how difficult these problems made life"),
    key="questionnaires.phq9_difficulty",
    choices=DIFFICULTY,
    loinc="69722-7",
)
GAD7 = tuple(
    Question(
        f"gad7_{number}",
        text,
        text,
        key=f"questionnaires.gad7[{number - 1}]",
        choices=FREQUENCY,
        loinc=loinc,
        kind="score",
    )
    for number, (text, loinc) in enumerate(_GAD7, start=1)
)
GAD7_DIFFICULTY = Question(
    "gad7_difficulty",
    DIFFICULTY_QUESTION,
    _("GAD-7: how difficult these problems made life"),
    key="questionnaires.gad7_difficulty",
    choices=DIFFICULTY,
)

_THOUGHTS = When("cssrs_q2", ("yes",))
CSSRS = (
    Question(
        "cssrs_q1",
        _("Have you wished you were dead or wished you could go to sleep and not wake up?"),
        _("C-SSRS 1: wished to be dead or not wake up (past month)"),
        key="questionnaires.cssrs.q1",
        choices=YES_NO,
        kind="boolean",
    ),
    Question(
        "cssrs_q2",
        _("Have you actually had any thoughts about killing yourself?"),
        _("C-SSRS 2: thoughts of killing themself (past month)"),
        key="questionnaires.cssrs.q2",
        choices=YES_NO,
        kind="boolean",
    ),
    Question(
        "cssrs_q3",
        _("Have you thought about how you might do this?"),
        _("C-SSRS 3: thought about how they might do this"),
        key="questionnaires.cssrs.q3",
        choices=YES_NO,
        shown_when=_THOUGHTS,
        kind="boolean",
    ),
    Question(
        "cssrs_q4",
        _(
            "Have you had any intention of acting on these thoughts of killing yourself, as "
            "opposed to you have the thoughts but you definitely would not act on them?"
        ),
        _("C-SSRS 4: had these thoughts with some intention of acting on them"),
        key="questionnaires.cssrs.q4",
        choices=YES_NO,
        shown_when=_THOUGHTS,
        kind="boolean",
    ),
    Question(
        "cssrs_q5",
        _(
            "Have you started to work out or worked out the details of how to kill yourself? "
            "Did you intend to carry out this plan?"
        ),
        _("C-SSRS 5: worked out details of a plan and intends to carry it out"),
        key="questionnaires.cssrs.q5",
        choices=YES_NO,
        shown_when=_THOUGHTS,
        kind="boolean",
    ),
    Question(
        "cssrs_q6",
        _(
            "Have you done anything, started to do anything, or prepared to do anything to end "
            "your life?"
        ),
        _("C-SSRS 6: ever did, started or prepared anything to end their life"),
        key="questionnaires.cssrs.q6",
        choices=YES_NO,
        kind="boolean",
    ),
    Question(
        "cssrs_q6_recent",
        _("Was this within the past 3 months?"),
        _("C-SSRS 6: was it within the past 3 months"),
        key="questionnaires.cssrs.q6_past_3_months",
        choices=YES_NO,
        shown_when=When("cssrs_q6", ("yes",)),
        kind="boolean",
    ),
)
CSSRS_NAMES = tuple(question.name for question in CSSRS)
