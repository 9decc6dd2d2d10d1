"""The screening rules, declared as data and read top to bottom.

Each rule has a stable code (docs/screening-rules.md), a severity, a one-line title for
the clinician, why it matters, where it comes from, and:

- ``when``: returns the evidence (answers found in the intake) when the rule fires, else None;
- ``needs``: the keys the rule cannot decide without. A needed key that is absent, null or
  "unsure" goes into the one RV_MISSING_INFO flag. "Unsure" and missing never count as "no".
  ``needs`` is a tuple of keys (missing when absent or "unsure") or a function for the rules
  whose needs depend on other answers. When omitted, it is the keys the condition reads.

The table is ordered by severity (crisis, exclude, review, info) and then by how a clinician
would want to read it; flags come out in this order. The screening only sorts and explains for
a clinician: titles say what was found, never a decision about the person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .result import SEVERITY_RANK, Evidence
from .scoring import Facts, Needed, unanswered_items

CRISIS = "crisis"
EXCLUDE = "exclude"
REVIEW = "review"
INFO = "info"

YES = frozenset(("yes",))

SPRAVATO = "Spravato (esketamine) US prescribing information"
SWISS = "Swiss ketamine label"
LOUZON = "Louzon et al., Psychiatr Serv 2016"
CSSRS = "C-SSRS screener (Posner et al., Am J Psychiatry 2011)"
CLINIC = "clinic criteria"
ACC_AHA = "2017 ACC/AHA high blood pressure guideline: hypertensive crises"

Condition = Callable[[Facts], list[Evidence] | None]
Needs = tuple[str, ...] | Callable[[Facts], Needed]


# --- Condition helpers --------------------------------------------------------------------------


# Conditions are closures rather than callable objects: a plain function call is about twice
# as fast, and these run for most rules on every screening. Each carries ``needs``: the keys it
# reads, which a rule needs unless it says otherwise.


def answers(firing: dict[str, Iterable[str]]) -> Condition:
    """Fires when any key has one of its listed answers; needs every key."""
    pairs = tuple((key, frozenset(values)) for key, values in firing.items())

    def condition(f: Facts) -> list[Evidence] | None:
        get = f.answers.get
        found = None
        for key, values in pairs:
            value = get(key)
            if value in values:
                if found is None:
                    found = []
                found.append(Evidence(key, value))
        return found

    condition.needs = tuple(firing)  # type: ignore[attr-defined]
    # Lets the evaluator skip the call when none of these keys has a firing answer.
    condition.firing = dict(pairs)  # type: ignore[attr-defined]
    return condition


def yes(*keys: str) -> Condition:
    return answers(dict.fromkeys(keys, YES))


def listed(key: str, values: Iterable[str]) -> Condition:
    """Fires when the list at ``key`` holds any of ``values``; needs the list (an empty list
    is an answer: "none of these")."""
    wanted = frozenset(values)

    def condition(f: Facts) -> list[Evidence] | None:
        items = f.answers.get(key)
        if not items or wanted.isdisjoint(items):
            return None
        return [Evidence(f"{key}[{i}]", v) for i, v in enumerate(items) if v in wanted]

    condition.needs = (key,)  # type: ignore[attr-defined]
    return condition


def either(*conditions: Condition) -> Condition:
    """Fires when any of its conditions does; needs what they need."""

    def condition(f: Facts) -> list[Evidence] | None:
        found = None
        for each in conditions:
            evidence = each(f)
            if evidence:
                found = evidence if found is None else found + evidence
        return found

    condition.needs = tuple(  # type: ignore[attr-defined]
        key for each in conditions for key in getattr(each, "needs", ())
    )
    return condition


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    title: str
    rationale: str
    source: str
    when: Condition
    needs: Needs | None = None

    @property
    def needed_keys(self) -> tuple[str, ...]:
        if self.needs is None:
            return getattr(self.when, "needs", ())
        return self.needs if isinstance(self.needs, tuple) else ()

    @property
    def needs_function(self) -> Callable[[Facts], Needed] | None:
        return None if self.needs is None or isinstance(self.needs, tuple) else self.needs


# --- Conditions that need more than "is this answer one of these" -------------------------------

_PHQ9 = "questionnaires.phq9"
_GAD7 = "questionnaires.gad7"
_TRIALS = "mental_health.antidepressant_trials"
_SYS = "medical.bp_systolic"
_DIA = "medical.bp_diastolic"
_HTN = "medical.hypertension"


def phq9_item9(f: Facts) -> list[Evidence] | None:
    # None (unanswered) and 0 are both falsy; an unanswered item 9 is needed, never reassuring.
    if f.phq9 is not None and f.phq9[8]:
        return [Evidence(f"{_PHQ9}[8]", f.phq9[8])]
    return None


def phq9_item9_needs(f: Facts) -> Needed:
    if f.phq9 is None:
        return [(_PHQ9, None)]
    return [(f"{_PHQ9}[8]", None)] if f.phq9[8] is None else []


def cssrs_level(level: str) -> Condition:
    def condition(f: Facts) -> list[Evidence] | None:
        if f.cssrs_level != level:
            return None
        return [Evidence(key, answer) for key, answer in f.cssrs_evidence]

    condition.__name__ = f"cssrs_{level}"
    return condition


def cssrs_needs(f: Facts) -> Needed:
    # Skip logic lives in scoring.assess_cssrs: Q3-Q5 only after yes to Q2, timing after Q6.
    return f.cssrs_needed


def under_min_age(f: Facts) -> list[Evidence] | None:
    if f.age is None or f.age >= f.thresholds.min_age:
        return None
    found = [Evidence("about.date_of_birth", f.answers["about.date_of_birth"])]
    if "submitted_at" in f.answers:
        found.append(Evidence("submitted_at", f.answers["submitted_at"]))
    return found


_KETAMINE_NAMES = ("ketamin", "ketalar", "spravato")  # "ketamin" also matches esketamine


def allergy_list_names_ketamine(f: Facts) -> list[Evidence] | None:
    # The allergy list is free text; a ketamine allergy typed there but answered "no" (or not
    # answered) in the yes/no question is still an allergy.
    allergies = f.answers.get("medical.allergies")
    if not allergies:
        return None
    text = "\n".join(allergies).casefold()
    if not any(word in text for word in _KETAMINE_NAMES):
        return None
    found = [
        Evidence(f"medical.allergies[{i}]", name)
        for i, name in enumerate(allergies)
        if any(word in name.casefold() for word in _KETAMINE_NAMES)
    ]
    return found or None


def pregnancy_needs(f: Facts) -> Needed:
    # A form that skips pregnancy questions for someone male at birth leaves them absent; that
    # is not missing information. An explicit "unsure" is still asked about.
    a = f.answers
    male = a.get("about.sex_at_birth") == "male"
    value = a.get("medical.pregnant")
    if value == "unsure" or (value is None and not male):
        return [("medical.pregnant", value)]
    return []


def breastfeeding_or_planning_needs(f: Facts) -> Needed:
    a = f.answers
    male = a.get("about.sex_at_birth") == "male"
    # "not_applicable" to pregnancy (no possibility of pregnancy) also answers "planning one".
    cannot_conceive = male or a.get("medical.pregnant") == "not_applicable"
    needed: Needed = []
    value = a.get("medical.breastfeeding")
    if value == "unsure" or (value is None and not male):
        needed.append(("medical.breastfeeding", value))
    value = a.get("medical.planning_pregnancy")
    if value == "unsure" or (value is None and not cannot_conceive):
        needed.append(("medical.planning_pregnancy", value))
    return needed


def bp_crisis(f: Facts) -> list[Evidence] | None:
    # Whatever the reading's date: an old reading in this range still needs asking about today.
    a = f.answers
    th = f.thresholds
    found = []
    systolic = a.get(_SYS)
    diastolic = a.get(_DIA)
    if systolic is not None and systolic >= th.bp_crisis_systolic:
        found.append(Evidence(_SYS, systolic))
    if diastolic is not None and diastolic >= th.bp_crisis_diastolic:
        found.append(Evidence(_DIA, diastolic))
    return found or None


def severe_limits(th) -> tuple[int, int]:
    # A reading in the crisis range is severe too (the reference: CI_BP_SEVERE fires as well),
    # even where a clinic has set a severe limit above a crisis limit.
    return (
        min(th.bp_severe_systolic, th.bp_crisis_systolic),
        min(th.bp_severe_diastolic, th.bp_crisis_diastolic),
    )


def bp_severe(f: Facts) -> list[Evidence] | None:
    a = f.answers
    severe_systolic, severe_diastolic = severe_limits(f.thresholds)
    found = []
    systolic = a.get(_SYS)
    diastolic = a.get(_DIA)
    if systolic is not None and systolic >= severe_systolic:
        found.append(Evidence(_SYS, systolic))
    if diastolic is not None and diastolic >= severe_diastolic:
        found.append(Evidence(_DIA, diastolic))
    status = a.get(_HTN)
    if status == "untreated" or status == "uncontrolled":
        found.append(Evidence(_HTN, status))
    return found or None


def bp_needs(f: Facts) -> Needed:
    # Treatment status is always needed. A reading is needed when it is the only way to tell
    # whether treated hypertension is under control, or the status is unknown. With "no"
    # hypertension a missing home reading is not chased: blood pressure is measured before
    # every dose anyway. With untreated or uncontrolled hypertension the flag already fires.
    a = f.answers
    status = a.get(_HTN)
    needed: Needed = []
    if status is None or status == "unsure":
        needed.append((_HTN, status))
    if status is None or status == "unsure" or status == "controlled":
        needed += [(key, None) for key in (_SYS, _DIA) if a.get(key) is None]
    return needed


def systolic_limit(f: Facts) -> int:
    # "Over 65" read literally (66 and older). Unknown age gets the stricter limit: a missing
    # date of birth should not relax a blood-pressure check (and is itself missing info).
    if f.age is not None and f.age > 65:
        return f.thresholds.bp_elevated_systolic_over_65
    return f.thresholds.bp_elevated_systolic


def bp_elevated(f: Facts) -> list[Evidence] | None:
    a = f.answers
    th = f.thresholds
    severe_systolic, severe_diastolic = severe_limits(th)
    systolic = a.get(_SYS)
    diastolic = a.get(_DIA)
    # Only a reading below the severe limits: a severe one is CI_BP_SEVERE's.
    if (systolic is not None and systolic >= severe_systolic) or (
        diastolic is not None and diastolic >= severe_diastolic
    ):
        return None
    found = []
    if systolic is not None and systolic > systolic_limit(f):
        found.append(Evidence(_SYS, systolic))
    if diastolic is not None and diastolic > th.bp_elevated_diastolic:
        found.append(Evidence(_DIA, diastolic))
    return found or None


def hypertension_controlled(f: Facts) -> list[Evidence] | None:
    a = f.answers
    systolic = a.get(_SYS)
    diastolic = a.get(_DIA)
    if a.get(_HTN) != "controlled" or systolic is None or diastolic is None:
        return None
    if systolic > systolic_limit(f) or diastolic > f.thresholds.bp_elevated_diastolic:
        return None
    return [Evidence(_HTN, "controlled"), Evidence(_SYS, systolic), Evidence(_DIA, diastolic)]


def bipolar_without_mania(f: Facts) -> list[Evidence] | None:
    # With mania now, CI_MANIA_CURRENT says it; with mania unknown the diagnosis still needs
    # review (and mania_now is listed as missing).
    a = f.answers
    diagnoses = a.get("mental_health.diagnoses")
    if not diagnoses or "bipolar" not in diagnoses or a.get("mental_health.mania_now") == "yes":
        return None
    return [Evidence(f"mental_health.diagnoses[{diagnoses.index('bipolar')}]", "bipolar")]


def trd_established(f: Facts) -> list[Evidence] | None:
    if len(f.failed_trials) < f.thresholds.min_failed_trials:
        return None
    return [Evidence(key, trial) for key, trial in f.failed_trials]


def trd_not_established(f: Facts) -> list[Evidence] | None:
    # Without a trials answer at all there is nothing to quote: that is RV_MISSING_INFO's.
    if f.trials is None or len(f.failed_trials) >= f.thresholds.min_failed_trials:
        return None
    return [Evidence(_TRIALS, f.trials)]


def trial_needs(f: Facts) -> Needed:
    if f.trials is None:
        return [(_TRIALS, None)]
    # Unclear trials matter only while they could still change whether TRD is established.
    if len(f.failed_trials) >= f.thresholds.min_failed_trials:
        return []
    return [gap for gaps in f.unclear_trials for gap in gaps]


def phq9_below_threshold(f: Facts) -> list[Evidence] | None:
    if f.phq9_total is None or f.phq9_total >= f.thresholds.phq9_consult_min:
        return None
    return [Evidence(_PHQ9, f.phq9)]


def phq9_needs(f: Facts) -> Needed:
    return unanswered_items(f.phq9, _PHQ9)


def anxiety_significant(f: Facts) -> list[Evidence] | None:
    if f.gad7_total is None or f.gad7_total < f.thresholds.gad7_significant:
        return None
    return [Evidence(_GAD7, f.gad7)]


def gad7_needs(f: Facts) -> Needed:
    return unanswered_items(f.gad7, _GAD7)


def missing_info(f: Facts) -> list[Evidence] | None:
    # Filled by the evaluator from every rule's needs; "unsure" answers are present and quoted.
    if not f.missing:
        return None
    return [Evidence(key, answer, answer is None) for key, answer in f.missing.items()]


def always(f: Facts) -> list[Evidence]:
    driver = f.answers.get("care_team.driver_available")
    return [] if driver is None else [Evidence("care_team.driver_available", driver)]


# --- The rules ------------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # Suicide risk (CRISIS): same-day human contact, crisis resources shown at once.
    Rule(
        "RISK_PHQ9_ITEM9",
        CRISIS,
        "PHQ-9 item 9: thoughts of being better off dead or of self-harm, several days or more",
        "Any answer above 0 on item 9 needs a same-day conversation about safety.",
        f"PHQ-9 item 9; {LOUZON}",
        when=phq9_item9,
        needs=phq9_item9_needs,
    ),
    Rule(
        "RISK_CSSRS_HIGH",
        CRISIS,
        "C-SSRS: suicidal thoughts with intent or a plan, or recent suicidal behaviour",
        "Yes to Q4 or Q5, or suicidal behaviour in the past 3 months (timing not given is "
        "treated as recent until asked). Highest priority in the urgent queue.",
        CSSRS,
        when=cssrs_level("high"),
        needs=cssrs_needs,
    ),
    Rule(
        "RISK_CSSRS_MODERATE",
        CRISIS,
        "C-SSRS: thought about how to end their life, or suicidal behaviour over 3 months ago",
        "Yes to Q3, or past suicidal behaviour more than 3 months ago.",
        CSSRS,
        when=cssrs_level("moderate"),
        needs=cssrs_needs,
    ),
    Rule(
        "RISK_CSSRS_LOW",
        CRISIS,
        "C-SSRS: wish to be dead or thoughts of suicide, without method, intent or behaviour",
        "Yes to Q1 or Q2 only. A 0 on PHQ-9 item 9 does not make this less important: the "
        "C-SSRS is asked of everyone for that reason.",
        f"{CSSRS}; {LOUZON}",
        when=cssrs_level("low"),
        needs=cssrs_needs,
    ),
    # A medical crisis (CRISIS): urgent for another reason than suicide risk, after it.
    Rule(
        "RISK_BP_CRISIS",
        CRISIS,
        "Last blood pressure reading in the hypertensive-crisis range",
        "At or above 180 systolic or 120 diastolic by default, whatever the reading's date: the "
        "person may need medical care today, and was told so when they entered it. It does not "
        "change the C-SSRS risk level; suicide risk comes first within urgent.",
        ACC_AHA,
        when=bp_crisis,
        needs=(),  # CI_BP_SEVERE already asks for the reading where one is needed
    ),
    # Absolute contraindications (EXCLUDE): a clinician confirms and refers elsewhere.
    Rule(
        "CI_AGE_UNDER_18",
        EXCLUDE,
        "Younger than the clinic's minimum age on the day of submission",
        "Esketamine is approved for adults only.",
        f"{SPRAVATO}: adults only",
        when=under_min_age,
        needs=("about.date_of_birth",),
    ),
    Rule(
        "CI_ANEURYSM_AVM",
        EXCLUDE,
        "Aneurysmal vascular disease or an arteriovenous malformation",
        "Treatment raises blood pressure, which can rupture an aneurysm or malformation.",
        SPRAVATO,
        when=yes("medical.aneurysm_or_avm"),
    ),
    Rule(
        "CI_INTRACEREBRAL_HEMORRHAGE",
        EXCLUDE,
        "Past bleeding in the brain",
        "Blood pressure rises during treatment; a history of intracerebral haemorrhage is a "
        "labelled contraindication.",
        SPRAVATO,
        when=yes("medical.brain_bleed"),
    ),
    Rule(
        "CI_KETAMINE_HYPERSENSITIVITY",
        EXCLUDE,
        "Allergy or hypersensitivity to ketamine or esketamine",
        "Reported in the yes/no question or named in the allergy list.",
        SPRAVATO,
        when=either(yes("medical.ketamine_allergy"), allergy_list_names_ketamine),
    ),
    Rule(
        "CI_PREGNANT",
        EXCLUDE,
        "Currently pregnant",
        "Esketamine may cause fetal harm.",
        f"{SPRAVATO}: embryo-fetal toxicity",
        when=yes("medical.pregnant"),
        needs=pregnancy_needs,
    ),
    Rule(
        "CI_PSYCHOSIS_CURRENT",
        EXCLUDE,
        "Psychotic symptoms now, or schizophrenia or schizoaffective disorder",
        "Ketamine can worsen psychosis.",
        f"{CLINIC} (Toronto, Oxford Health, CRTCE)",
        when=either(
            yes("mental_health.psychosis_now"),
            listed("mental_health.diagnoses", ("schizophrenia", "schizoaffective")),
        ),
    ),
    Rule(
        "CI_MANIA_CURRENT",
        EXCLUDE,
        "A manic or hypomanic episode now",
        "Ketamine can worsen a current manic or hypomanic episode.",
        f"{CLINIC} (Oxford Health)",
        when=yes("mental_health.mania_now"),
    ),
    Rule(
        "CI_BP_SEVERE",
        EXCLUDE,
        "Severe or uncontrolled high blood pressure",
        "A last reading at or above the severe limits, or hypertension reported as untreated "
        "or not under control; treatment raises blood pressure further.",
        SWISS,
        when=bp_severe,
        needs=bp_needs,
    ),
    Rule(
        "CI_HYPERTHYROID_UNCONTROLLED",
        EXCLUDE,
        "Overactive thyroid not under control",
        "Ketamine's sympathetic effects add to those of untreated hyperthyroidism.",
        SWISS,
        when=answers({"medical.thyroid": ("overactive_uncontrolled",)}),
    ),
    Rule(
        "CI_RAISED_PRESSURE_ACTIVE",
        EXCLUDE,
        "Raised pressure in the brain now, or untreated glaucoma",
        "Ketamine can raise intracranial and intraocular pressure.",
        "ketamine labels, Spravato trial exclusions",
        when=answers(
            {"medical.raised_intracranial_pressure": YES, "medical.glaucoma": ("untreated",)}
        ),
    ),
    # Relative contraindications and precautions (REVIEW): a clinician looks first.
    # Dissociative misuse leads the review list: the reference gives it high priority.
    Rule(
        "RV_DISSOCIATIVE_MISUSE",
        REVIEW,
        "Has misused or used non-prescribed ketamine, PCP or other dissociatives",
        "Ketamine and esketamine carry a risk of misuse; past non-medical use of a dissociative "
        "is counted as misuse for this check. High priority within review.",
        f"{SPRAVATO}: abuse and misuse",
        when=answers(
            {
                "substances.dissociative_misuse_ever": YES,
                "substances.dissociatives": ("past_only", "past_year", "past_month"),
            }
        ),
    ),
    Rule(
        "RV_BP_ELEVATED",
        REVIEW,
        "Last blood pressure reading above the clinic's limits (below the severe limits)",
        "Above 140 systolic or 90 diastolic by default (150 systolic over age 65); treatment "
        "raises blood pressure for about two hours.",
        f"{SPRAVATO}: increases in blood pressure; {SWISS}",
        when=bp_elevated,
        needs=(),  # CI_BP_SEVERE already asks for the reading where one is needed
    ),
    Rule(
        "RV_PSYCHOSIS_HISTORY",
        REVIEW,
        "Psychosis in the past, or in a parent, sibling or child",
        "Ketamine can bring on psychotic symptoms in people at raised risk.",
        f"{CLINIC} (Toronto, Oxford Health, CRTCE)",
        when=yes("mental_health.psychosis_past", "mental_health.psychosis_family"),
    ),
    Rule(
        "RV_BIPOLAR",
        REVIEW,
        "Bipolar disorder without a current manic episode",
        "The clinic wants a mood stabiliser in place before treatment.",
        CLINIC,
        when=bipolar_without_mania,
        needs=("mental_health.diagnoses", "mental_health.mania_now"),
    ),
    Rule(
        "RV_CARDIOVASCULAR",
        REVIEW,
        "Recent heart attack, unstable angina, stent or bypass; heart failure; irregular heartbeat",
        "Blood pressure and heart rate rise during treatment.",
        f"{SPRAVATO}: cardiovascular and cerebrovascular conditions",
        when=yes(
            "medical.heart_attack_12_months",
            "medical.unstable_angina",
            "medical.stent_or_bypass_12_months",
            "medical.heart_failure",
            "medical.arrhythmia",
        ),
    ),
    Rule(
        "RV_STROKE_BRAIN_INJURY",
        REVIEW,
        "Stroke or TIA, hypertensive encephalopathy, head injury with lasting symptoms, or shunt",
        "Blood pressure and intracranial pressure rise during treatment.",
        f"{SPRAVATO}: cardiovascular and cerebrovascular conditions",
        when=yes(
            "medical.stroke_or_tia",
            "medical.hypertensive_encephalopathy",
            "medical.head_injury_lasting",
            "medical.brain_shunt",
        ),
    ),
    Rule(
        "RV_EYE_PRESSURE_TREATED",
        REVIEW,
        "Glaucoma under treatment, or an eye injury",
        "Ketamine can raise the pressure in the eye.",
        "ketamine labels",
        when=answers({"medical.glaucoma": ("treated",), "medical.eye_injury": YES}),
    ),
    Rule(
        "RV_SEIZURES",
        REVIEW,
        "Seizure disorder",
        "A clinician weighs seizure control and medicines before treatment.",
        CLINIC,
        when=yes("medical.seizures"),
    ),
    Rule(
        "RV_LIVER",
        REVIEW,
        "Liver disease",
        "Severe impairment is not recommended; moderate impairment needs longer monitoring.",
        f"{SPRAVATO}: hepatic impairment",
        when=answers({"medical.liver_disease": ("mild", "moderate", "severe")}),
    ),
    Rule(
        "RV_BREATHING_SEDATION",
        REVIEW,
        "Obstructive sleep apnea or severe lung disease",
        "Treatment causes sedation; breathing needs closer watching.",
        f"{SPRAVATO}: sedation, respiratory depression",
        when=yes("medical.sleep_apnea", "medical.severe_lung_disease"),
    ),
    Rule(
        "RV_BLADDER",
        REVIEW,
        "Interstitial cystitis or ongoing urinary symptoms",
        "Ketamine can cause or worsen cystitis.",
        f"{SPRAVATO}: ulcerative or interstitial cystitis",
        when=yes("medical.bladder_problems"),
    ),
    Rule(
        "RV_BREASTFEEDING_OR_PLANNING",
        REVIEW,
        "Breastfeeding, or planning a pregnancy",
        "Esketamine passes into breast milk and may cause fetal harm.",
        f"{SPRAVATO}: lactation, embryo-fetal toxicity",
        when=yes("medical.breastfeeding", "medical.planning_pregnancy"),
        needs=breastfeeding_or_planning_needs,
    ),
    Rule(
        "RV_DEMENTIA",
        REVIEW,
        "Dementia or a memory disorder",
        "Dissociation and sedation are harder to manage, and consent needs care.",
        CLINIC,
        when=yes("medical.dementia"),
    ),
    Rule(
        "RV_SUBSTANCE_USE",
        REVIEW,
        "Recent substance use problem, drug use in the past month, or heavy daily drinking",
        "Recent use adds to sedation and dissociation and to the risk of misuse. Cannabis is "
        "counted: it is illicit federally and adds to dissociation and psychosis risk.",
        f"{SPRAVATO}: abuse and misuse; {CLINIC}",
        when=answers(
            {
                "substances.problem_past_3_months": YES,
                "substances.alcohol": ("heavy_daily",),
                "substances.cannabis": ("past_month",),
                "substances.stimulants_nonprescribed": ("past_month",),
                "substances.opioids_nonprescribed": ("past_month",),
                "substances.sedatives_nonprescribed": ("past_month",),
                "substances.dissociatives": ("past_month",),
            }
        ),
    ),
    Rule(
        "RV_PRIOR_KETAMINE_REACTION",
        REVIEW,
        "A bad reaction to ketamine or anaesthesia before",
        "A clinician asks what happened before treatment is offered.",
        CLINIC,
        when=yes("medical.prior_anesthesia_or_ketamine_reaction"),
    ),
    Rule(
        "RV_MED_SEDATIVE",
        REVIEW,
        "Takes a benzodiazepine, another sedative-hypnotic or an opioid",
        "Adds sedation, and benzodiazepines may blunt the response.",
        f"{SPRAVATO}: CNS depressants",
        when=listed("medications.classes", ("benzodiazepine", "sedative_hypnotic", "opioid")),
    ),
    Rule(
        "RV_MED_STIMULANT",
        REVIEW,
        "Takes a psychostimulant (amphetamine, methylphenidate, modafinil)",
        "Adds to the rise in blood pressure.",
        f"{SPRAVATO}: psychostimulants",
        when=listed("medications.classes", ("stimulant",)),
    ),
    Rule(
        "RV_MED_MAOI",
        REVIEW,
        "Takes an MAO inhibitor",
        "Adds to the rise in blood pressure.",
        f"{SPRAVATO}: monoamine oxidase inhibitors",
        when=listed("medications.classes", ("maoi",)),
    ),
    Rule(
        "RV_TRD_NOT_ESTABLISHED",
        REVIEW,
        "Fewer failed adequate antidepressant trials than the clinic requires",
        "Treatment is for depression that has not responded to adequate trials (default: 2 in "
        "this episode, each at least 6 weeks, 25% improvement or less). Unclear trials are not "
        "counted; they are listed as missing information.",
        f"{SPRAVATO}: indication; {CLINIC}",
        when=trd_not_established,
        needs=trial_needs,
    ),
    Rule(
        "RV_DEPRESSION_BELOW_THRESHOLD",
        REVIEW,
        "PHQ-9 total below the clinic's level for a consultation",
        "Current symptoms are milder than the clinic's threshold (default 10).",
        f"PHQ-9 (Kroenke, Spitzer and Williams, J Gen Intern Med 2001); {CLINIC}",
        when=phq9_below_threshold,
        needs=phq9_needs,
    ),
    Rule(
        "RV_MISSING_INFO",
        REVIEW,
        'Answers the screening needs are missing or "don\'t know"',
        "The listed answers could change the outcome; missing or unsure never counts as no.",
        CLINIC,
        when=missing_info,
        needs=(),
    ),
    # Informational (INFO): shown to the clinician, no change to the outcome.
    Rule(
        "IN_TRD_LIKELY",
        INFO,
        "Treatment-resistant depression likely: enough failed adequate trials",
        "At least the clinic's minimum number of failed adequate trials in this episode.",
        f"{SPRAVATO}: indication; {CLINIC}",
        when=trd_established,
        needs=(),
    ),
    Rule(
        "IN_HYPERTENSION_CONTROLLED",
        INFO,
        "Treated hypertension with a last reading within limits",
        "Blood pressure is checked before and after each dose.",
        f"{SPRAVATO}: increases in blood pressure; {SWISS}",
        when=hypertension_controlled,
        needs=(),
    ),
    Rule(
        "IN_LAMOTRIGINE",
        INFO,
        "Takes lamotrigine",
        "Lamotrigine may attenuate ketamine's effects; some clinics adjust the timing of doses.",
        "clinic practice; Anand et al., Arch Gen Psychiatry 2000",
        when=listed("medications.classes", ("lamotrigine",)),
    ),
    Rule(
        "IN_ANXIETY_SIGNIFICANT",
        INFO,
        "GAD-7 total at or above the clinic's level (default 10): significant anxiety",
        "Anxiety can shape how dissociation is experienced; worth preparing for.",
        "GAD-7 (Spitzer et al., Arch Intern Med 2006)",
        when=anxiety_significant,
        needs=gad7_needs,
    ),
    Rule(
        "IN_ESCORT_NEEDED",
        INFO,
        "Needs someone to take them home after each treatment",
        "No driving until the next day after a restful sleep.",
        f"{SPRAVATO}: impaired ability to drive",
        when=always,
        needs=(),
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

# Flags come out in table order, so the table itself must be ordered by severity.
_RANKS = [SEVERITY_RANK[rule.severity] for rule in RULES]
assert sorted(_RANKS) == _RANKS, "rules must be grouped by severity, most severe first"
assert len(RULES_BY_CODE) == len(RULES), "duplicate rule code"
