from screening.models.alerts import (  # noqa: F401
    AlertSettings,
    EscalationContact,
    OnCallChange,
    OnCallShift,
    UrgentAlert,
    Weekday,
)
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
    current_thresholds_or_defaults,
)
from screening.models.integration import IntegrationToken, Scope  # noqa: F401
from screening.models.outreach import (  # noqa: F401
    CrisisCallScript,
    EpisodeError,
    OutreachAttempt,
    UrgentEpisodeClosure,
)
from screening.models.review import (  # noqa: F401
    Acknowledgement,
    Assignment,
    Decision,
    DecisionConflict,
)
from screening.models.support import BestTime, CallMeRequest  # noqa: F401
