"""The person's confirmation after an intake that a clinician reads first: one consistent
message that says honestly, from the on-call rota, when the clinic reads it, and that 988 and
911 are there now."""

from datetime import UTC, datetime

import pytest
import time_machine

from screening.models import Acknowledgement, Submission
from tests.intake.helpers import draft_at, fill, page_text

pytestmark = pytest.mark.django_db

URGENT = {"questionnaires": {"phq9_9": "1"}}
CRISIS_NOW = (
    "If you need help before then, 988 and 911 are there now: call or text 988 any time, day "
    "or night, to talk with someone; in an emergency, call 911."
)


def confirmation(client, moment, **changes):
    with time_machine.travel(moment, tick=False):
        _draft, token = draft_at("questionnaires", client)
        fill(client, token, **changes)
        return page_text(client.get("/intake/my/done/"))


@pytest.mark.parametrize(
    ("moment", "when"),
    [
        (datetime(2026, 3, 7, 15, 0, tzinfo=UTC), "8:00 AM (EDT) on Monday"),  # Saturday 10:00
        (datetime(2026, 3, 8, 23, 0, tzinfo=UTC), "8:00 AM (EDT) tomorrow, Monday"),  # Sunday
        (datetime(2026, 3, 2, 11, 0, tzinfo=UTC), "8:00 AM (EST) today"),  # Monday 6:00
        (datetime(2026, 2, 28, 4, 0, tzinfo=UTC), "8:00 AM (EST) on Monday"),  # Friday 23:00
    ],
)
def test_outside_the_rota_it_says_when_the_clinic_will_read_it(client, weekday_rota, moment, when):
    text = confirmation(client, moment, **URGENT)

    assert (
        "Because of some of your answers, someone from our care team will reach out to you "
        f"first, as soon as we can. The clinic is closed now. A clinician will read your "
        f"answers from {when}."
    ) in text
    assert CRISIS_NOW in text
    assert f"A clinician reads your intake from {when}." in text
    assert "business days" not in text
    assert "urgent" not in text.lower()


def test_within_the_rota_it_says_the_clinician_on_call_was_told(client, weekday_rota):
    text = confirmation(client, datetime(2026, 3, 2, 14, 5, tzinfo=UTC), **URGENT)

    assert (
        "someone from our care team will reach out to you first, as soon as we can. We have "
        "told the clinician on call."
    ) in text
    assert CRISIS_NOW in text
    assert "A clinician reads your intake as soon as they can." in text
    assert "closed" not in text and "business days" not in text


def test_with_no_rota_at_all_it_does_not_promise_a_time(client, roles):
    text = confirmation(client, datetime(2026, 3, 2, 14, 5, tzinfo=UTC), **URGENT)

    assert "The clinic is closed now. We cannot say yet when a clinician will read your" in text
    assert "A clinician reads your intake as soon as they can." in text
    assert CRISIS_NOW in text


def test_once_acknowledged_it_no_longer_says_closed(client, weekday_rota):
    saturday = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    with time_machine.travel(saturday, tick=False):
        _draft, token = draft_at("questionnaires", client)
        fill(client, token, **URGENT)
        Acknowledgement.acknowledge(
            Submission.objects.get(), action="called", note="", by=weekday_rota
        )
        text = page_text(client.get("/intake/my/done/"))

    assert "closed" not in text
    assert "someone from our care team will reach out to you first" in text


def test_an_ordinary_intake_keeps_the_usual_timescale(client, weekday_rota):
    text = confirmation(client, datetime(2026, 3, 7, 15, 0, tzinfo=UTC))

    assert "A clinician reads your intake, usually within 2 business days." in text
    assert "closed" not in text and "988 and 911 are there now" not in text
