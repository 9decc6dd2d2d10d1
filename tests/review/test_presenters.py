"""The presenter that turns a clinic-intake/1 document and its flags into what staff read."""

from screening.engine import screen
from screening.review.presenters import (
    describe,
    label_for,
    present_contact,
    present_flags,
    present_intake,
    present_scores,
    related,
)
from tests.factories import intake_document


def rows_by_key(sections):
    return {key: row for section in sections for row in section.rows for key in row.keys}


def test_related_keys_contain_one_another_only_at_a_boundary():
    assert related("questionnaires.phq9", "questionnaires.phq9[8]")
    assert related("questionnaires.cssrs.q6", "questionnaires.cssrs")
    assert related("medical.bp_systolic", "medical.bp_systolic")
    assert not related("medical.bp_systolic", "medical.bp_systolic_extra")
    assert not related("questionnaires.phq9", "questionnaires.phq9_difficulty")


def test_sections_follow_the_intake_steps_with_human_labels():
    sections = present_intake(intake_document())

    assert [s.key for s in sections] == [
        "about",
        "care_team",
        "mental_health",
        "questionnaires",
        "medical",
        "substances",
        "medications",
        "consent",
    ]
    rows = rows_by_key(sections)
    assert rows["medical.bp_systolic"].label == "Blood pressure, most recent reading"
    assert rows["medical.bp_systolic"].value == "128/82 mmHg on Nov 2, 2026"
    assert rows["about.date_of_birth"].value == "Mar 14, 1987"
    assert rows["medical.hypertension"].value == "Yes, controlled with treatment"
    assert rows["questionnaires.phq9[1]"].value == "3: Nearly every day"
    assert rows["questionnaires.cssrs.q3"].value == "Not asked"
    assert rows["care_team.emergency_contact"].value == "Alex Rivera (spouse), +1 910 555 0199"
    assert rows["medications.current[1]"].value == "lamotrigine 100 mg daily"
    assert rows["consent.privacy_notice"].value == "Agreed"


def test_evidence_rows_carry_the_codes_of_the_flags_that_quote_them():
    doc = intake_document(medical={"pregnant": "yes"}, questionnaires={"phq9": [1] * 9})
    flags = screen(doc).to_dict()["flags"]
    rows = rows_by_key(present_intake(doc, flags))

    assert "CI_PREGNANT" in rows["medical.pregnant"].flag_codes
    assert "RISK_PHQ9_ITEM9" in rows["questionnaires.phq9[8]"].flag_codes
    # One item quoted does not make the questionnaire's total evidence.
    assert "RISK_PHQ9_ITEM9" not in rows["questionnaires.phq9"].flag_codes
    assert "IN_LAMOTRIGINE" in rows["medications.classes"].flag_codes
    assert not rows["medical.seizures"].highlighted


def test_missing_answers_are_shown_as_not_answered_and_marked_when_a_flag_needs_them():
    doc = intake_document(medical={"seizures": None, "hypertension": "unsure"})
    flags = screen(doc).to_dict()["flags"]
    rows = rows_by_key(present_intake(doc, flags))

    assert rows["medical.seizures"].value == "Not answered"
    assert rows["medical.seizures"].missing
    assert "RV_MISSING_INFO" in rows["medical.seizures"].flag_codes
    views = {f.code: f for f in present_flags(flags, present_intake(doc, flags))}
    lines = {line.key: line for line in views["RV_MISSING_INFO"].evidence}
    assert lines["medical.seizures"].missing
    assert lines["medical.seizures"].anchor == "answer-medical-seizures"
    assert lines["medical.hypertension"].answer == "Unsure"


def test_unknown_keys_and_odd_values_never_break_the_page():
    doc = intake_document(
        medical={"allergies": "penicillin", "brand_new": {"a": [1, None]}},
        mental_health={"antidepressant_trials": "lots"},
    )
    doc["extra_section"] = ["x", True]
    doc["care_team"] = "see letter"

    sections = present_intake(doc)
    rows = rows_by_key(sections)

    assert rows["medical.brand_new"].value == "A: 1; Not answered"
    assert rows["medical.allergies"].value == "penicillin"
    assert rows["extra_section"].value == "x; Yes"
    assert rows["care_team"].value == "see letter"
    assert present_intake(None)[0].rows[0].value == "Not answered"


def test_flags_quote_their_evidence_in_the_same_words():
    flags = screen(intake_document()).to_dict()["flags"]
    views = {f.code: f for f in present_flags(flags, present_intake(intake_document(), flags))}

    trd = views["IN_TRD_LIKELY"]
    assert trd.severity_label == "For information"
    assert [line.label for line in trd.evidence] == [
        "Antidepressant trial 1",
        "Antidepressant trial 2",
    ]
    assert trd.evidence[0].answer.startswith("sertraline, up to 150 mg a day, for 10 weeks")
    bp = {line.label: line.answer for line in views["IN_HYPERTENSION_CONTROLLED"].evidence}
    assert bp["Blood pressure, top number (systolic)"] == "128 mmHg"
    assert bp["Blood pressure, bottom number (diastolic)"] == "82 mmHg"


def test_labels_and_descriptions_of_evidence_keys():
    assert label_for("questionnaires.phq9[8]").startswith("PHQ-9 9. Thoughts of being better off")
    assert label_for("questionnaires.cssrs.q6_past_3_months").endswith("past 3 months")
    assert label_for("submitted_at") == "Date submitted"
    assert label_for("somewhere.unheard_of") == "Unheard of"
    assert describe("mental_health.diagnoses[1]", "bipolar") == "Bipolar disorder"
    assert describe("questionnaires.phq9", [1, 1, 0, 0, 0, 0, 0, 0, 1]) == (
        "1, 1, 0, 0, 0, 0, 0, 0, 1 (total 3)"
    )
    assert describe("medical.bp_measured_on", "2026-11-02") == "Nov 2, 2026"


def test_scores_with_bands():
    scores = present_scores(screen(intake_document()).to_dict()["scores"])

    assert [(s.label, s.value, s.band) for s in scores][:2] == [
        ("PHQ-9 (depression)", "16 of 27", "moderately severe"),
        ("GAD-7 (anxiety)", "9 of 21", "mild"),
    ]
    assert present_scores({"phq9_total": None})[0].value == "not scored (items missing)"


def test_contact_details_for_coordinators_hold_no_clinical_answers():
    rows = present_contact(intake_document())

    keys = {key for row in rows for key in row.keys}
    assert "about.phone" in keys and "about.email" in keys
    assert not any(k.startswith(("questionnaires", "medical", "mental_health")) for k in keys)
