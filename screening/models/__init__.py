from screening.models.intake import (  # noqa: F401
    OUTCOME_RANK,
    QUESTIONNAIRE_VERSION,
    RISK_RANK,
    ClinicThresholds,
    Draft,
    Outcome,
    ScreeningResult,
    Submission,
    current_thresholds,
)
