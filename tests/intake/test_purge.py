"""purge_drafts: expired intakes and their links are deleted; submissions stay."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from screening.models import Draft, Submission
from tests.intake.helpers import (
    draft_at,
    fill,
)

pytestmark = pytest.mark.django_db


def test_purge_deletes_expired_drafts_and_keeps_live_ones_and_submissions(client, capsys):
    expired, _ = draft_at("medical", client)
    live, _ = draft_at("care-team", client)
    sent, sent_token = draft_at("review", client)
    fill(client, sent_token)
    gone = timezone.now() - timedelta(minutes=1)
    Draft.objects.filter(pk__in=[expired.pk, sent.pk]).update(expires_at=gone)
    never_started = Draft.start()[0]
    Draft.objects.filter(pk=never_started.pk).update(created_at=timezone.now() - timedelta(days=2))
    just_started = Draft.start()[0]

    call_command("purge_drafts")

    assert set(Draft.objects.values_list("pk", flat=True)) == {live.pk, just_started.pk}
    submission = Submission.objects.get()
    assert submission.draft is None
    assert submission.intake["about"]["legal_name"] == "Jordan A. Rivera"
    out = capsys.readouterr().out
    assert "Deleted 2 expired intake link(s) (1 already submitted" in out
    assert "1 intake(s) started over a day ago with nothing saved" in out


def test_purge_with_nothing_to_do_says_so(capsys):
    call_command("purge_drafts")

    assert "Deleted 0 expired intake link(s)" in capsys.readouterr().out
