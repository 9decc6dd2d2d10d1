"""Emails to staff are in the staff language, even when they are built while a patient's page is
in Spanish (issue 14): the urgent alert after a Spanish intake says "Monday", not "lunes"."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from screening.alerts import raise_urgent_alert, tasks
from tests.alerts.test_alerts import MONDAY_MORNING, run
from tests.factories import URGENT_CHANGES, intake_document, make_submission

pytestmark = pytest.mark.django_db


def test_the_alert_after_a_spanish_intake_is_in_english(weekday_rota, mailoutbox):
    submission = make_submission(intake_document(language="es", **URGENT_CHANGES))
    raise_urgent_alert(submission, now=MONDAY_MORNING)

    with (
        translation.override("es"),
        time_machine.travel(MONDAY_MORNING + timedelta(seconds=5), tick=False),
    ):
        run(tasks.alert_on_call)
        run(tasks.send_alert_email)

    (message,) = mailoutbox
    assert message.subject == "An urgent intake is waiting"
    assert "Since: Monday, March 2, 2026, 9:05 AM (EST)" in message.body
