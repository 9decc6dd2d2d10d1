"""Speed of the staff review queue (and the audit trail) with 100,000 submissions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_queue \\
        .venv/bin/python bench/bench_queue.py [--count 100000] [--events 100000] [--repeat 7]
        [--fresh] [--explain]

Fills the database up to --count submissions (each with its screening result; a tenth
decided; some assigned and acknowledged) and --events audit events, then times real requests
through Django's test client as a signed-in clinician: the first page, deep pages, every
filter and searches. It prints, per case, the median wall time of the whole request, the time
spent in SQL, the number of queries (it must not change from case to case) and the rows shown.

Filling is quick: rows go in with bulk_create in batches, and every submission of an outcome
shares one encrypted intake (and one encrypted result), encrypted once. The search columns are
set per row so searches have something real to find. Run it against a database of its own:
--fresh empties the screening and audit tables and refuses unless the database's name
contains "bench".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic import crypto  # noqa: E402
from clinic.models import AuditEvent  # noqa: E402
from screening.demo import VARIATIONS, demo_intake  # noqa: E402
from screening.engine import screen  # noqa: E402
from screening.models import (  # noqa: E402
    OUTCOME_RANK,
    RISK_RANK,
    Decision,
    ScreeningResult,
    Submission,
)

BATCH = 5000
# A plausible mix: most people are eligible or need a look; few are urgent.
OUTCOME_WEIGHTS = {
    "urgent": 3,
    "likely_excluded": 12,
    "needs_review": 35,
    "eligible_for_consultation": 50,
}
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@contextmanager
def stored_as_is(*fields):
    """Let bulk_create write values that are already encrypted (the shared blobs) without
    encrypting them again. Only this script does this, and only while filling."""
    originals = [field.get_prep_value for field in fields]
    try:
        for field in fields:
            field.get_prep_value = lambda value: value
        yield
    finally:
        for field, original in zip(fields, originals, strict=True):
            field.get_prep_value = original


def staff(username, role):
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": username.title(), "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def blobs():
    """One intake and one screening result per outcome, encrypted once."""
    out = {}
    for outcome, variations in VARIATIONS.items():
        doc = demo_intake(outcome, 0, variations[0][0])
        result = screen(doc).to_dict()
        assert result["outcome"] == outcome, (outcome, result["outcome"])
        out[outcome] = {
            "intake": crypto.encrypt(json.dumps(doc, separators=(",", ":"))),
            "result": crypto.encrypt(json.dumps(result, separators=(",", ":"))),
            "risk": result["scores"].get("cssrs_risk") or "unknown",
            "ruleset": result["ruleset_version"],
        }
    return out


def fill(count, clinicians, rng):
    have = Submission.objects.count()
    if have >= count:
        print(f"{have:,} submissions already there")
        return
    shared = blobs()
    outcomes = list(OUTCOME_WEIGHTS)
    weights = list(OUTCOME_WEIGHTS.values())
    now = timezone.now()
    references = set(Submission.objects.values_list("reference", flat=True))
    intake_field = Submission._meta.get_field("intake")
    result_field = ScreeningResult._meta.get_field("result")
    note_field = Decision._meta.get_field("note")
    decided_note = crypto.encrypt("Benchmark decision note.")
    started = time.perf_counter()
    index = have
    while index < count:
        size = min(BATCH, count - index)
        rows = []
        for i in range(index, index + size):
            outcome = rng.choices(outcomes, weights)[0]
            submitted_at = now - timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
            age_days = (now - submitted_at).days
            decided = rng.random() < (0.9 if age_days > 60 else 0.1)
            status = "decided" if decided else rng.choice(["new", "new", "new", "in_review"])
            assigned = rng.choice(clinicians) if status != "new" else None
            reference = None
            while reference is None or reference in references:
                raw = "".join(rng.choice(ALPHABET) for _ in range(8))
                reference = f"{raw[:4]}-{raw[4:]}"
            references.add(reference)
            risk = shared[outcome]["risk"]
            rows.append(
                Submission(
                    reference=reference,
                    intake=shared[outcome]["intake"],
                    submitted_at=submitted_at,
                    outcome=outcome,
                    outcome_rank=OUTCOME_RANK[outcome],
                    cssrs_risk=risk,
                    risk_rank=RISK_RANK.get(risk, RISK_RANK["none"]),
                    review_status=status,
                    assigned_to=assigned,
                    acknowledged_at=(
                        submitted_at + timedelta(hours=2)
                        if outcome == "urgent" and age_days > 1
                        else None
                    ),
                    name_index=crypto.blind_index("name", f"Bench Person {i}"),
                    email_index=crypto.blind_index("email", f"bench{i}@example.org"),
                    phone_index=crypto.blind_index("phone", f"+1 555 {i:07d}"),
                )
            )
        with transaction.atomic(), stored_as_is(intake_field, result_field, note_field):
            Submission.objects.bulk_create(rows)
            ScreeningResult.objects.bulk_create(
                ScreeningResult(
                    submission=s,
                    outcome=s.outcome,
                    ruleset_version=shared[s.outcome]["ruleset"],
                    result=shared[s.outcome]["result"],
                    created_at=s.submitted_at,
                )
                for s in rows
            )
            Decision.objects.bulk_create(
                Decision(
                    submission=s,
                    kind="invite" if s.outcome == "eligible_for_consultation" else "not_now",
                    note=decided_note,
                    decided_by=s.assigned_to,
                    decided_at=s.submitted_at + timedelta(days=1),
                )
                for s in rows
                if s.review_status == "decided"
            )
        index += size
        print(f"  {index:,} submissions ({time.perf_counter() - started:.1f} s)", flush=True)


def fill_events(count, users, rng):
    have = AuditEvent.objects.count()
    if have >= count:
        print(f"{have:,} audit events already there")
        return
    references = list(Submission.objects.values_list("reference", flat=True)[:5000])
    actions = ["view_submission"] * 8 + ["sign_in", "assign", "decide", "export_submission"]
    now = timezone.now()
    index = have
    while index < count:
        size = min(BATCH, count - index)
        events = []
        for _ in range(size):
            user = rng.choice(users)
            action = rng.choice(actions)
            events.append(
                AuditEvent(
                    at=now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60)),
                    actor=user,
                    actor_label=user.username,
                    action=action,
                    target_type="" if action == "sign_in" else "screening.submission",
                    target_reference="" if action == "sign_in" else rng.choice(references),
                    ip_address="10.0.0.1",
                )
            )
        AuditEvent.objects.bulk_create(events)
        index += size
    print(f"  {count:,} audit events")


def signed_in(user):
    """A client past both sign-in steps: the password and the authenticator code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(client, url, params, repeat):
    client.get(url, params)  # warm caches and the connection
    walls, sqls, slowest, queries = [], [], [], 0
    response = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            walls.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
        times = [float(q["time"]) * 1000 for q in captured.captured_queries]
        sqls.append(sum(times))
        slowest.append(max(times))
        queries = len(times)
    return {
        "wall": statistics.median(walls),
        "sql": statistics.median(sqls),
        "slowest": statistics.median(slowest),
        "queries": queries,
        "context": response.context,
    }


def explain(params, user):
    """The plan of the page's main query, for --explain."""
    from screening.review.forms import QueueFilterForm

    form = QueueFilterForm(params or None, user=user)
    rows = form.filter(Submission.objects.all()).by_urgency()[:25]
    print(rows.explain(analyze=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="empty the tables first")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        print(f"warning: {connection.vendor}, not PostgreSQL: figures will not mean much")
    call_command("migrate", verbosity=0)
    if args.fresh:
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            sys.exit(f"--fresh empties tables: refusing on database {name!r} (no 'bench')")
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE screening_submission, screening_screeningresult, screening_decision, "
                "screening_assignment, screening_acknowledgement, clinic_auditevent CASCADE"
            )

    rng = random.Random(args.seed)
    clinicians = [staff(f"bench-clinician-{n}", "clinician") for n in range(5)]
    administrator = staff("bench-admin", "administrator")
    print(f"Filling {connection.vendor} database {connection.settings_dict['NAME']!r}")
    fill(args.count, clinicians, rng)
    fill_events(args.events, [*clinicians, administrator], rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    setup_test_environment()
    me = clinicians[0]
    client = signed_in(me)
    total = Submission.objects.count()
    per_page = 25
    last_page = (Submission.objects.awaiting_review().count() + per_page - 1) // per_page
    today = timezone.localdate()
    some = Submission.objects.order_by("?").first()
    email_target = f"bench{total // 2}@example.org"
    cases = [
        ("first page (open queue, 25 a page)", {}),
        ("first page, 100 a page", {"per_page": 100}),
        ("page 2", {"page": 2}),
        ("deep page (page 1,000: offset 24,975)", {"page": 1000}),
        (f"last page ({last_page:,})", {"page": last_page}),
        ("outcome: urgent", {"outcome": "urgent"}),
        ("outcome: likely excluded", {"outcome": "likely_excluded"}),
        ("outcome: needs review", {"outcome": "needs_review"}),
        ("outcome: eligible", {"outcome": "eligible_for_consultation"}),
        ("status: new", {"status": "new"}),
        ("status: decided", {"status": "decided"}),
        ("status: all", {"status": "all"}),
        ("assigned: mine", {"assigned": "mine"}),
        ("assigned: a colleague", {"assigned": str(clinicians[1].pk)}),
        ("assigned: nobody", {"assigned": "none"}),
        ("submitted: last 30 days", {"submitted_from": today - timedelta(days=30)}),
        (
            "submitted: two weeks a year ago",
            {
                "submitted_from": today - timedelta(days=380),
                "submitted_to": today - timedelta(days=366),
                "status": "all",
            },
        ),
        ("search: reference", {"q": some.reference, "status": "all"}),
        ("search: email", {"q": email_target, "status": "all"}),
        ("search: phone", {"q": f"+1 555 {total // 3:07d}", "status": "all"}),
        ("search: no match", {"q": "nobody@example.org", "status": "all"}),
        (
            "urgent + mine + last 90 days",
            {
                "outcome": "urgent",
                "assigned": "mine",
                "submitted_from": today - timedelta(days=90),
                "status": "all",
            },
        ),
    ]
    print(
        f"\nReview queue with {total:,} submissions "
        f"({AuditEvent.objects.count():,} audit events), median of {args.repeat} requests:\n"
    )
    header = f"{'case':<42} {'matches':>8} {'rows':>5} {'queries':>7} {'request':>9} {'SQL':>8}"
    print(header + f" {'slowest query':>14}")
    print("-" * (len(header) + 15))
    counts = set()
    for name, params in cases:
        result = measure(client, "/staff/", params, args.repeat)
        counts.add(result["queries"] if result["context"]["rows"] else None)
        print(
            f"{name:<42} {result['context']['total']:>8,} {len(result['context']['rows']):>5} "
            f"{result['queries']:>7} {result['wall']:>7.1f}ms {result['sql']:>6.1f}ms "
            f"{result['slowest']:>12.1f}ms"
        )
        if args.explain:
            explain(params, me)

    detail = measure(client, f"/staff/submissions/{some.reference}/", {}, args.repeat)
    print(
        f"{'one submission page':<42} {'':>8} {'':>5} {detail['queries']:>7} "
        f"{detail['wall']:>7.1f}ms {detail['sql']:>6.1f}ms {detail['slowest']:>12.1f}ms"
    )

    admin = signed_in(administrator)
    print(f"\nAudit trail with {AuditEvent.objects.count():,} events:\n")
    for name, params in [
        ("first page", {}),
        ("page 200", {"page": 200}),
        ("action: decide", {"action": "decide"}),
        ("actor: one clinician", {"actor": str(clinicians[2].pk)}),
        ("reference", {"reference": some.reference}),
        ("last 7 days", {"date_from": today - timedelta(days=7)}),
    ]:
        result = measure(admin, "/staff/audit/", params, args.repeat)
        print(
            f"{name:<42} {result['context']['page'].paginator.count:>8,} "
            f"{len(result['context']['page'].object_list):>5} {result['queries']:>7} "
            f"{result['wall']:>7.1f}ms {result['sql']:>6.1f}ms {result['slowest']:>12.1f}ms"
        )
    counts.discard(None)
    print(f"\nQueries per queue page: {sorted(counts)} (one value: fixed whatever the filter)")


if __name__ == "__main__":
    main()
