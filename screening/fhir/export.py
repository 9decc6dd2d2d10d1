"""Submissions read from the database as FHIR resources: one, or pages of many in the order
they last changed (Submission.updated_at, then id), two queries a page."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery

from screening.models import QUESTIONNAIRE_VERSION, ScreeningResult, Submission

from .bundle import transaction_bundle
from .questionnaire import build_questionnaire
from .resources import Record, instant, submission_resources
from .systems import Site

FIELDS = ("id", "reference", "intake", "submitted_at", "updated_at", "questionnaire_version")


def site() -> Site:
    return Site(settings.SITE_URL)


def questionnaire() -> dict:
    return build_questionnaire(site(), QUESTIONNAIRE_VERSION, publisher=settings.CLINIC_NAME)


def submissions():
    """Submissions with the id of their newest screening result, in the order they changed."""
    newest = ScreeningResult.objects.filter(submission=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return (
        Submission.objects.only(*FIELDS)
        .annotate(latest_result_id=Subquery(newest.values("pk")[:1]))
        .order_by("updated_at", "id")
    )


def records(batch) -> list[Record]:
    """Records for submissions from submissions(): one query for their newest results."""
    wanted = [s.latest_result_id for s in batch if getattr(s, "latest_result_id", None)]
    results = (
        ScreeningResult.objects.only("id", "result", "created_at").in_bulk(wanted) if wanted else {}
    )
    found = []
    for submission in batch:
        result = results.get(getattr(submission, "latest_result_id", None))
        found.append(
            Record(
                reference=submission.reference,
                intake=submission.intake or {},
                submitted_at=submission.submitted_at,
                updated_at=submission.updated_at,
                questionnaire_version=submission.questionnaire_version,
                result=(result.result or {}) if result else {},
                screened_at=result.created_at if result else None,
            )
        )
    return found


def record_of(reference: str) -> Record | None:
    submission = submissions().filter(reference=(reference or "").strip().upper()).first()
    return records([submission])[0] if submission is not None else None


def submission_bundle(reference: str) -> dict | None:
    """One submission as a transaction Bundle for the EHR, or None."""
    record = record_of(reference)
    if record is None:
        return None
    return transaction_bundle(
        site(),
        submission_resources(site(), record),
        identifier=record.reference,
        timestamp=instant(record.updated_at),
    )


# --- Pages -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page starts: at the submission (updated_at, id), its first ``skip`` resources
    already given."""

    updated_at: datetime
    pk: int
    skip: int = 0

    def encode(self) -> str:
        raw = f"{self.updated_at.isoformat()}|{self.pk}|{self.skip}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises ValueError for anything that is not a cursor this server wrote."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            moment, pk, skip = raw.split("|")
            cursor = cls(datetime.fromisoformat(moment), int(pk), int(skip))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("not a paging cursor") from exc
        if cursor.updated_at.tzinfo is None or cursor.skip < 0:
            raise ValueError("not a paging cursor")
        return cursor


def from_cursor(queryset, cursor: Cursor | None):
    if cursor is None:
        return queryset
    return queryset.filter(
        Q(updated_at__gt=cursor.updated_at) | Q(updated_at=cursor.updated_at, pk__gte=cursor.pk)
    )


def page(queryset, build, *, count: int, cursor: Cursor | None = None, per_submission: int = 1):
    """Up to ``count`` resources built by ``build(record)`` from the submissions of
    ``queryset``, from ``cursor`` on; returns (resources, references, next cursor or None).

    About as many submissions as the page needs are read (``per_submission`` resources each),
    plus one to know whether another page follows.
    """
    found, references = [], []
    # Resources already given of the submission the cursor points at (if it is still there).
    resume = (cursor.pk, cursor.skip) if cursor else (None, 0)
    size = max(1, -(-count // max(per_submission, 1)))
    while True:
        batch = list(from_cursor(queryset, cursor)[: size + 1])
        taken = batch[:size]
        for index, record in enumerate(records(taken)):
            submission = taken[index]
            skip = resume[1] if submission.pk == resume[0] else 0
            built = build(record)[skip:]
            room = count - len(found)
            if built:
                references.append(record.reference)
            if len(built) > room:
                found += built[:room]
                return found, references, Cursor(submission.updated_at, submission.pk, skip + room)
            found += built
            if len(found) == count:
                following = batch[index + 1] if index + 1 < len(batch) else None
                if following is None:
                    return found, references, None
                return found, references, Cursor(following.updated_at, following.pk)
        if len(batch) <= size:
            return found, references, None
        cursor = Cursor(batch[size].updated_at, batch[size].pk)


def iter_records(queryset, *, batch_size: int = 500):
    """Every submission of ``queryset`` as a Record, in the order they changed, in batches
    (keyset paging, so 100,000 rows never sit in memory at once)."""
    cursor = None
    while True:
        batch = list(from_cursor(queryset, cursor)[: batch_size + 1])
        yield from records(batch[:batch_size])
        if len(batch) <= batch_size:
            return
        cursor = Cursor(batch[batch_size].updated_at, batch[batch_size].pk)
