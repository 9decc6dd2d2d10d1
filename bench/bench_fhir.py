"""Speed of the FHIR API's searches with 100,000 submissions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_fhir \\
        .venv/bin/python bench/bench_fhir.py [--count 100000] [--repeat 7] [--fresh] [--explain]

Fills the database up to --count submissions (each with its screening result; the intake and
the result of every submission of an outcome are encrypted once and shared, as in
bench_queue.py), spread over two years of changes, then times real requests with an integration
token through Django's test client: the first page of QuestionnaireResponses changed since a
day, a month and forever, a page deep into a month, one patient's records, and the same for
Observations. It prints, per case, the median wall time of the request, the time in SQL, the
number of queries and the resources returned. --fresh empties the screening tables first and
refuses unless the database's name contains "bench". Rate limits are off (one token asks a
thousand times a minute here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["RATELIMIT_ENABLE"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic import crypto  # noqa: E402
from clinic.models import AuditEvent  # noqa: E402
from screening.demo import VARIATIONS, demo_intake  # noqa: E402
from screening.engine import screen  # noqa: E402
from screening.fhir import export  # noqa: E402
from screening.models import (  # noqa: E402
    OUTCOME_RANK,
    RISK_RANK,
    IntegrationToken,
    Scope,
    ScreeningResult,
    Submission,
)

BATCH = 5000
OUTCOME_WEIGHTS = {
    "urgent": 3,
    "likely_excluded": 12,
    "needs_review": 35,
    "eligible_for_consultation": 50,
}
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def blobs():
    out = {}
    for outcome, variations in VARIATIONS.items():
        doc = demo_intake(outcome, 0, variations[0][0])
        result = screen(doc).to_dict()
        out[outcome] = {
            "intake": crypto.encrypt(json.dumps(doc, separators=(",", ":"))),
            "result": crypto.encrypt(json.dumps(result, separators=(",", ":"))),
            "risk": result["scores"].get("cssrs_risk") or "unknown",
            "ruleset": result["ruleset_version"],
        }
    return out


class StoredAsIs:
    """Let bulk_create write the shared, already encrypted values as they are."""

    def __init__(self, *fields):
        self.fields = fields

    def __enter__(self):
        self.originals = [field.get_prep_value for field in self.fields]
        for field in self.fields:
            field.get_prep_value = lambda value: value

    def __exit__(self, *exc):
        for field, original in zip(self.fields, self.originals, strict=True):
            field.get_prep_value = original


def fill(count, rng):
    have = Submission.objects.count()
    if have >= count:
        print(f"{have:,} submissions already there")
        return
    shared = blobs()
    outcomes, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    now = timezone.now()
    references = set(Submission.objects.values_list("reference", flat=True))
    fields = (
        Submission._meta.get_field("intake"),
        ScreeningResult._meta.get_field("result"),
    )
    started = time.perf_counter()
    index = have
    while index < count:
        size = min(BATCH, count - index)
        rows = []
        for _ in range(size):
            outcome = rng.choices(outcomes, weights)[0]
            submitted_at = now - timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
            # A fifth were screened again since (a rule change), some days later.
            updated_at = submitted_at
            if rng.random() < 0.2:
                updated_at = min(now, submitted_at + timedelta(days=rng.randrange(1, 90)))
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
                    updated_at=updated_at,
                    outcome=outcome,
                    outcome_rank=OUTCOME_RANK[outcome],
                    cssrs_risk=risk,
                    risk_rank=RISK_RANK.get(risk, RISK_RANK["none"]),
                )
            )
        with transaction.atomic(), StoredAsIs(*fields):
            Submission.objects.bulk_create(rows)
            ScreeningResult.objects.bulk_create(
                ScreeningResult(
                    submission=s,
                    outcome=s.outcome,
                    ruleset_version=shared[s.outcome]["ruleset"],
                    result=shared[s.outcome]["result"],
                    created_at=s.updated_at,
                )
                for s in rows
            )
        index += size
        print(f"  {index:,} submissions ({time.perf_counter() - started:.1f} s)", flush=True)


def measure(client, url, repeat):
    walls, sqls, queries, returned = [], [], set(), 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            walls.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        sqls.append(sum(float(q["time"]) for q in captured.captured_queries))
        queries.add(len(captured.captured_queries))
        body = json.loads(response.content)
        returned = len(body.get("entry", []))
        following = next((link["url"] for link in body["link"] if link["relation"] == "next"), "")
    return statistics.median(walls), statistics.median(sqls), queries, returned, following


def explain(since):
    queryset = export.submissions().filter(updated_at__gte=since)[:51]
    print(queryset.explain(analyze=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="empty the screening tables first")
    parser.add_argument("--explain", action="store_true", help="print the search's query plan")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (its name containing 'bench')")
    call_command("migrate", verbosity=0)
    if args.fresh:
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            sys.exit(f"--fresh empties tables: refusing on database {name!r} (no 'bench')")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE screening_submission, screening_screeningresult CASCADE")
    fill(args.count, random.Random(16))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE screening_submission; ANALYZE screening_screeningresult")

    setup_test_environment()
    IntegrationToken.objects.filter(name="bench").delete()
    _token, secret = IntegrationToken.issue("bench", [s.value for s in Scope])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    now = timezone.now()
    day, month = (now - timedelta(days=1)).date(), (now - timedelta(days=30)).date()
    one = Submission.objects.order_by("?").values_list("reference", flat=True).first()
    total = Submission.objects.count()
    print(f"\n{total:,} submissions; medians of {args.repeat} requests\n")
    if args.explain:
        explain(now - timedelta(days=30))

    cases = [
        ("QuestionnaireResponse changed since yesterday", f"_lastUpdated=ge{day}"),
        ("QuestionnaireResponse changed in 30 days, page 1", f"_lastUpdated=ge{month}"),
        ("QuestionnaireResponse, everything, page 1", "_lastUpdated=ge2000-01-01"),
        ("QuestionnaireResponse, 100 a page", "_lastUpdated=ge2000-01-01&_count=100"),
        ("QuestionnaireResponse, one patient", f"patient=Patient/{one}"),
        ("Observation changed in 30 days, page 1", f"_lastUpdated=ge{month}"),
        ("Observation, 100 a page", "_lastUpdated=ge2000-01-01&_count=100"),
        ("Observation, one patient", f"patient=Patient/{one}&_count=100"),
        ("Patient changed in 30 days, page 1", f"_lastUpdated=ge{month}"),
    ]
    print(f"{'case':<52} {'ms':>7} {'SQL ms':>7} {'queries':>8} {'returned':>9}")
    deep = None
    for label, query in cases:
        kind = label.split()[0].rstrip(",")
        wall, sql, queries, returned, following = measure(
            client, f"/fhir/R4/{kind}?{query}", args.repeat
        )
        print(f"{label:<52} {wall * 1000:7.1f} {sql * 1000:7.1f} {queries!s:>8} {returned:>9}")
        if label.startswith("QuestionnaireResponse changed in 30 days"):
            deep = following
    # Walk the month's pages to the tenth, then time that page.
    url = deep
    for _ in range(8):
        url = measure(client, url.replace(export.site().url, ""), 1)[4]
    wall, sql, queries, returned, _ = measure(
        client, url.replace(export.site().url, ""), args.repeat
    )
    label = "QuestionnaireResponse changed in 30 days, page 10"
    print(f"{label:<52} {wall * 1000:7.1f} {sql * 1000:7.1f} {queries!s:>8} {returned:>9}")

    started = time.perf_counter()
    pages, resources, url = (
        0,
        0,
        f"/fhir/R4/QuestionnaireResponse?_lastUpdated=ge{month}&_count=100",
    )
    while url:
        response = json.loads(client.get(url).content)
        pages, resources = pages + 1, resources + len(response["entry"])
        url = next((x["url"] for x in response["link"] if x["relation"] == "next"), "")
        url = url.replace(export.site().url, "")
    elapsed = time.perf_counter() - started
    print(
        f"\nEvery QuestionnaireResponse changed in 30 days: {resources:,} in {pages} pages of 100, "
        f"{elapsed:.1f} s ({resources / elapsed:,.0f} a second)"
    )
    events = AuditEvent.objects.filter(action="fhir_api", actor_label="token:bench").count()
    print(f"{events:,} requests of this token in the audit trail")


if __name__ == "__main__":
    main()
