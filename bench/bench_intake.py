"""Intakes through the real HTTP stack: gunicorn, PostgreSQL and Redis, with concurrent clients.

    .venv/bin/python bench/bench_intake.py [--clients 8] [--workers 4] [--seconds 15]
        [--rounds 2] [--database postgres://postgres@127.0.0.1:5432/bench_intake]

It migrates the database (its name must contain "bench"; it is created if missing), starts a
Redis of its own and gunicorn with production settings (DEBUG off, encryption on, plus a bare
form: bench/intake_settings.py), then runs, one after the other:

1. bare: each client POSTs a three-field Django form with CSRF to /bench/bare-form/ (same
   middleware, no database) as fast as it can;
2. bare + save: the same form, which also inserts one row;
3. step forms: each client POSTs the seven answer steps' data, in turn, to a bare view that
   validates them with the steps' own Django forms and redirects, reading and storing
   nothing: the bare Django form POST of the same questions;
3b. step forms + save: the same, and the cleaned answers inserted as one plain JSON row: the
   bare Django way to keep what a form cleaned (no draft, link, order checks or encryption);
4. steps: each client, with its own intake already filled in, POSTs the seven answer steps in
   turn to the real intake (validated, checked against the link and the step order,
   encrypted and saved), as fast as it can;
   (1 to 4 alternate in --rounds short rounds; each round's ratios compare phases seconds
   apart, and the medians over rounds are printed, so load from other work on a shared
   machine moves both sides of a ratio alike)
5. intakes: each client completes whole intakes the way a browser does: start, then for each
   step the page and its POST, the review and send (screening included), the confirmation.

It prints requests per second for 1 to 4 and the step rate as a share of each baseline (the
target is step POSTs at 70% or more of the steps' own forms saved as a plain row, phase 3b:
the same questions validated by the same forms and kept the bare Django way; the other
baselines are shown for context), completed intakes per second, and the median and
p95 of every step's page and POST in phase 5. Clients are separate processes on the
same machine as the server, so absolute figures say more about the machine than the app; the
ratios are the point. Rate limits are switched off (every client comes from 127.0.0.1).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import multiprocessing
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"

HOST = "127.0.0.1"
TARGET_BASELINE = "step-forms-saved"
STEPS = ("about", "care-team", "mental-health", "questionnaires", "medical", "substances",
         "medications")  # fmt: skip
BARE = {"name": "Jordan Rivera", "email": "jordan@example.org", "age": "39"}
KINDS = {
    "bare": "Bare Django form POST (3 fields)",
    "bare-save": "Bare form POST saving a row",
    "step-forms": "Bare POST of the steps' forms",
    "step-forms-saved": "  the same, saving a plain row",
    "steps": "Intake step POSTs",
}


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ensure_database(url: str):
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_form "
            "(id bigserial PRIMARY KEY, name text, email text, age integer)"
        )
        conn.execute("TRUNCATE bench_bare_form")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_step_answers "
            "(id bigserial PRIMARY KEY, step text, answers text)"
        )
        conn.execute("TRUNCATE bench_step_answers")


def vacuum_drafts(url: str):
    """What autovacuum does between a clinic's busy minutes. Phase 4 rewrites the same few
    drafts thousands of times a second; where autovacuum is off (as on this project's CI
    machines) their dead row versions would otherwise pile up from round to round and slow
    every later round."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM screening_draft")


def autovacuum_on(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SHOW autovacuum").fetchone()[0] == "on"


def server_env(database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SEARCH_INDEX_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Production refuses to start without them; the bench sends no mail.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SITE_URL": "https://bench.clinic.example",
        "SECURE_SSL_REDIRECT": "false",
        "RATELIMIT_ENABLE": "false",
        "LOG_LEVEL": "WARNING",
    }


def wait_for(port: int, path: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"The server did not answer {path} within {seconds:.0f} s (see {OUT}/).")


# --- A minimal HTTP client (a new connection per request, like gunicorn's sync workers) ---------


def request(port, method, path, body=None, cookie=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return (
        response.status,
        response.getheader("Location"),
        response.getheader("Set-Cookie"),
        elapsed,
    )


class Browser:
    """Just enough of a browser: the CSRF cookie, sent back as cookie and form field, and the
    private link's cookie, which opens the intake's pages under /intake/my/."""

    def __init__(self, port):
        self.port = port
        self.csrf = None
        self.link = None

    def keep(self, set_cookie):
        if set_cookie and (found := re.search(r"csrftoken=([^;]+)", set_cookie)):
            self.csrf = found.group(1)
        if set_cookie and (found := re.search(r"clinic_link=([^;]+)", set_cookie)):
            self.link = found.group(1)

    def get(self, path):
        status, location, set_cookie, elapsed = request(self.port, "GET", path, cookie=self.cookie)
        self.keep(set_cookie)
        return status, location, elapsed

    def post(self, path, body):
        """POST an already url-encoded body (encoding it is the client's cost, not the app's)."""
        body = (
            f"{body}&csrfmiddlewaretoken={self.csrf}"
            if body
            else f"csrfmiddlewaretoken={self.csrf}"
        )
        status, location, set_cookie, elapsed = request(
            self.port, "POST", path, body, cookie=self.cookie
        )
        self.keep(set_cookie)
        return status, location, elapsed

    @property
    def cookie(self):
        cookies = [f"csrftoken={self.csrf}"] if self.csrf else []
        cookies += [f"clinic_link={self.link}"] if self.link else []
        return "; ".join(cookies) or None


def start_intake(browser):
    if browser.csrf is None:
        browser.get("/intake/")
    status, location, elapsed = browser.post("/intake/", "")
    assert status == 302 and browser.link, status
    # The private link is bound to the browser's cookie; the pages carry no token.
    return location, elapsed


# --- The clients ------------------------------------------------------------------------------


def client(job):
    """One client process: run `kind` until the deadline; return (label, seconds, ok) samples."""
    kind, port, deadline, payloads = job
    browser = Browser(port)
    samples = []
    if kind in ("bare", "bare-save"):
        browser.get("/bench/bare-form/")
        path = "/bench/bare-form/" if kind == "bare" else "/bench/bare-form-saved/"
        body = urlencode(BARE)
        while time.monotonic() < deadline:
            status, _location, elapsed = browser.post(path, body)
            samples.append((f"{kind} POST", elapsed, status == 302))
    elif kind in ("step-forms", "step-forms-saved"):
        browser.get("/bench/bare-form/")
        for slug in itertools.cycle(STEPS):
            if time.monotonic() >= deadline:
                break
            status, _location, elapsed = browser.post(f"/bench/{kind}/{slug}/", payloads[slug])
            samples.append((f"{slug} {kind} POST", elapsed, status == 302))
    elif kind == "steps":
        start_intake(browser)
        for slug in STEPS:
            browser.post(f"/intake/my/{slug}/", payloads[slug])
        for slug in itertools.cycle(STEPS):
            if time.monotonic() >= deadline:
                break
            status, _location, elapsed = browser.post(f"/intake/my/{slug}/", payloads[slug])
            samples.append((f"{slug} POST", elapsed, status == 302))
    else:
        while time.monotonic() < deadline:
            _first, elapsed = start_intake(browser)
            samples.append(("start POST", elapsed, True))
            ok = True
            for slug in (*STEPS, "review"):
                url = f"/intake/my/{slug}/"
                status, _location, elapsed = browser.get(url)
                samples.append((f"{slug} GET", elapsed, status == 200))
                status, location, elapsed = browser.post(url, payloads[slug])
                samples.append((f"{slug} POST", elapsed, status == 302))
                ok = ok and status == 302
            status, _location, elapsed = browser.get("/intake/my/done/")
            samples.append(("done GET", elapsed, status == 200))
            samples.append(("complete intake", 0.0, ok and status == 200))
    return samples


def run_phase(kind, port, clients, seconds, payloads):
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(client, [(kind, port, deadline, payloads)] * clients)
    elapsed = time.monotonic() - started
    samples = [sample for result in results for sample in result]
    return samples, elapsed


# --- Reporting ----------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:7.1f}"


def summary(samples):
    times = sorted(elapsed for _label, elapsed, _ok in samples)
    if len(times) < 2:
        return times[0] if times else 0.0, times[0] if times else 0.0
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def failures(samples):
    return sum(1 for _label, _elapsed, ok in samples if not ok)


def payloads_for_steps():
    # The form data a person sends, from the tests' complete example intake (no risk answers).
    import django
    from django.conf import settings

    settings.configure(USE_TZ=True, TIME_ZONE="America/New_York")
    django.setup()
    from tests.intake.helpers import step_data

    return {slug: urlencode(step_data(slug), doseq=True) for slug in (*STEPS, "review")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cpus = os.cpu_count() or 1
    parser.add_argument("--clients", type=int, default=4 * cpus, help="client processes")
    parser.add_argument("--workers", type=int, default=2 * cpus, help="gunicorn sync workers")
    parser.add_argument("--seconds", type=float, default=5, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=6, help="bare/steps alternations")
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_intake"
        ),
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database)
    payloads = payloads_for_steps()
    redis_port, web_port = free_port(), free_port()
    started = []
    try:
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
            ],  # fmt: skip
            stdout=open(OUT / "redis.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        started.append(redis)
        env = server_env(args.database, f"redis://{HOST}:{redis_port}/0")
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        gunicorn = subprocess.Popen(
            [
                str(Path(python).with_name("gunicorn")),
                "clinic.wsgi:application",
                "--bind",
                f"{HOST}:{web_port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],  # fmt: skip
            env=env,
            stdout=open(OUT / "gunicorn.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        started.append(gunicorn)
        wait_for(web_port, "/healthz")

        print(
            f"Intake benchmark on {platform.node()} ({cpus} CPUs, Python "
            f"{platform.python_version()}): gunicorn {args.workers} sync workers, "
            f"{args.clients} client processes, PostgreSQL {urlsplit(args.database).path[1:]!r}, "
            f"{args.seconds:g} s per phase; autovacuum "
            f"{'on' if autovacuum_on(args.database) else 'off, drafts vacuumed before each round'}"
        )
        # Warm every worker's imports, template caches and database connection.
        run_phase("intakes", web_port, args.clients, 3, payloads)
        run_phase("bare", web_port, args.clients, 2, payloads)

        rates = defaultdict(list)
        pooled = defaultdict(list)
        for _ in range(args.rounds):
            vacuum_drafts(args.database)
            for kind in KINDS:
                samples, elapsed = run_phase(kind, web_port, args.clients, args.seconds, payloads)
                rates[kind].append(len(samples) / elapsed)
                pooled[kind] += samples
        print()
        print(f"{'median of ' + str(args.rounds) + ' rounds':32}{'req/s':>9}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'failed':>8}")  # fmt: skip
        for kind, label in KINDS.items():
            p50, p95 = summary(pooled[kind])
            print(
                f"{label:32}{statistics.median(rates[kind]):9.1f}{ms(p50):>9}{ms(p95):>9}"
                f"{failures(pooled[kind]):8d}"
            )

        def share(part, whole):
            ratios = [p / w for p, w in zip(rates[part], rates[whole], strict=True)]
            return statistics.median(ratios), min(ratios), max(ratios)

        print()
        print("Step POSTs as a share of each baseline's rate (rounds low to high):")
        for baseline in ("bare", "bare-save", "step-forms", "step-forms-saved"):
            ratio, low, high = share("steps", baseline)
            # The target counts against the steps' own forms saved as a plain row.
            verdict = ""
            if baseline == TARGET_BASELINE:
                verdict = "target 70%: " + ("met" if ratio >= 0.70 else "missed")
            print(
                f"  {KINDS[baseline].strip():34}{ratio:5.0%}  ({low:.0%} to {high:.0%})  {verdict}"
            )
        print("What a row costs on this machine, the same comparison without the intake:")
        for part, whole in (("bare-save", "bare"), ("step-forms-saved", "step-forms")):
            ratio, low, high = share(part, whole)
            print(
                f"  {KINDS[part].strip()} / {KINDS[whole].strip()}: {ratio:.0%} "
                f"({low:.0%} to {high:.0%})"
            )

        samples, elapsed = run_phase("intakes", web_port, args.clients, args.seconds, payloads)
        complete = [s for s in samples if s[0] == "complete intake"]
        done = sum(1 for s in complete if s[2])
        requests = len(samples) - len(complete)
        print()
        print(
            f"Complete intakes: {done / elapsed:.2f} per second ({done} in {elapsed:.1f} s, "
            f"{requests / elapsed:.0f} requests/s, {failures(samples)} failed)"
        )
        by_label = defaultdict(list)
        for sample in samples:
            by_label[sample[0]].append(sample)
        print(f"{'Step':18}{'page p50':>10}{'page p95':>10}{'POST p50':>10}{'POST p95':>10}  ms")
        for slug in ("start", *STEPS, "review", "done"):
            row = f"{slug:18}"
            for method in ("GET", "POST"):
                found = by_label.get(f"{slug} {method}")
                if found:
                    p50, p95 = summary(found)
                    row += f"{ms(p50):>10}{ms(p95):>10}"
                else:
                    row += f"{'':>10}{'':>10}"
            print(row)
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
