"""How long `manage.py rescreen` takes over 100,000 stored submissions (target: under 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench python bench/bench_rescreen.py

Creates a scratch test database (`test_<name>`) beside the one DATABASE_URL names, fills it with
generated submissions (each encrypted, with its first screening result), raises a threshold so
that every stored result is out of date, and times the real command: a dry run, a real run on
one process, another after a second threshold change with --jobs worker processes, and a last
one that finds nothing new. Drops the scratch database at the end.
"""

import argparse
import os
import random
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "true")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for rescreen")
    args = parser.parse_args()

    import django

    django.setup()
    from bench_engine import random_intake
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from screening.engine import screen
    from screening.models import ClinicThresholds, ScreeningResult, Submission
    from screening.models.intake import new_reference, result_digest

    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at PostgreSQL: this benchmark is about the real database.")
    old = setup_databases(verbosity=0, interactive=False, aliases=["default"])
    try:
        rng = random.Random(2026)
        started = time.perf_counter()
        for offset in range(0, args.count, 5000):
            batch, results = [], []
            for _ in range(min(5000, args.count - offset)):
                intake = random_intake(rng)
                result = screen(intake).to_dict()
                submission = Submission(intake=intake, reference=new_reference())
                submission.refresh_search_index()
                submission.apply_screening(result)
                batch.append(submission)
                results.append(result)
            Submission.objects.bulk_create(batch)
            ScreeningResult.objects.bulk_create(
                ScreeningResult(
                    submission=s,
                    outcome=r["outcome"],
                    ruleset_version=r["ruleset_version"],
                    result=r,
                    digest=result_digest(r),
                )
                for s, r in zip(batch, results, strict=True)
            )
        print(f"stored {args.count:,} submissions in {time.perf_counter() - started:.1f} s")

        # Each real run follows a threshold change, so every stored result is out of date.
        runs = (
            ({"min_failed_trials": 3}, "rescreen --dry-run", ["--dry-run"]),
            (None, "rescreen --jobs 1", ["--jobs", "1"]),
            ({"min_trial_weeks": 8}, f"rescreen --jobs {args.jobs}", ["--jobs", str(args.jobs)]),
            (None, f"rescreen --jobs {args.jobs} again (nothing new)", ["--jobs", str(args.jobs)]),
        )
        values = {}
        for change, label, extra in runs:
            if change:
                values.update(change)
                ClinicThresholds.objects.create(values=dict(values), note="benchmark")
            out = StringIO()
            started = time.perf_counter()
            call_command("rescreen", *extra, stdout=out)
            elapsed = time.perf_counter() - started
            print(f"{label}: {elapsed:.1f} s ({args.count / elapsed:,.0f} submissions/s)")
            print("  " + out.getvalue().strip().replace("\n", "\n  "))
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
