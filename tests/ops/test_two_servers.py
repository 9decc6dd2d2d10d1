"""Two app servers, one database: two production gunicorn processes on different ports share one
PostgreSQL database and one Redis (tests/ops/cluster.py). Intakes alternate every page and post
between them, the final send and a booking are raced from both at once, rate limits are counted
across both, and each run gives what the same run gives on one server alone. The servers run
with the project folder read-only and keep nothing on local disk.

PostgreSQL only (the servers are separate processes on one real database; CI runs it); skipped
on SQLite.
"""

import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_otp.oath import TOTP

from clinic import private_links
from screening.models.intake import hash_token
from tests.intake.helpers import STEP_ORDER, step_data
from tests.ops.cluster import ROOT, Cluster, Visitor

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two server processes on one database (set DATABASE_URL)",
    ),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on the PATH"),
]

INTAKES = 6
RACERS = 20
# A booking that finds the slot taken under its lock, or already gone from the free slots.
REFUSALS = ("That time is already taken", "That slot is no longer free")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(connection.settings_dict, tmp_path_factory.mktemp("two-servers"))
    try:
        yield running.start()
    finally:
        running.stop()


def servers_for(cluster, count):
    """Both servers, or the first alone (the one-server run the two-server run must match)."""
    return cluster.servers[:count]


def alternate(servers):
    while True:
        yield from servers


def start_intake(visitor, server):
    visitor.get(server, "/intake/")
    started = visitor.post(server, "/intake/", {"website": ""})
    assert started.status_code == 302, started.status_code
    # Bound to the browser, not put in the address: the signed cookie is
    # "<token>:<timestamp>:<signature>" (Django's signed cookies are timestamped).
    return visitor.cookies[private_links.COOKIE].rsplit(":", 2)[0]


def complete_intake(cluster, servers, address, *, until=None):
    """One person's intake, each page from one server and its post to the next: the statuses
    and where each post led (the token taken out), and the token."""
    visitor = Visitor(cluster, address)
    turn = alternate(servers)
    token = start_intake(visitor, next(turn))
    trail = []
    for slug in STEP_ORDER:
        if slug == until:
            break
        url = f"/intake/my/{slug}/"
        page = visitor.get(next(turn), url)
        saved = visitor.post(next(turn), url, step_data(slug))
        trail.append((slug, page.status_code, saved.status_code, saved.headers.get("Location")))
    if until is None:
        trail.append(("done", visitor.get(next(turn), "/intake/my/done/").status_code))
    return [tuple(str(x).replace(token, "TOKEN") for x in step) for step in trail], token, visitor


def submission_of(cluster, token):
    rows = cluster.query(
        "SELECT s.reference, s.outcome, s.intake FROM screening_submission s "
        "JOIN screening_draft d ON d.id = s.draft_id WHERE d.token_hash = %s",
        [hash_token(token)],
    )
    return [(reference, outcome, cluster.decrypt(intake)) for reference, outcome, intake in rows]


def race(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as error:  # reported, not lost in the thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.parametrize("count", [2, 1], ids=["two servers", "one server"])
def test_intakes_alternating_between_servers_arrive_whole(cluster, count):
    servers = servers_for(cluster, count)
    results = []
    for n in range(INTAKES):
        trail, token, _visitor = complete_intake(cluster, servers, f"203.0.113.{10 * count + n}")
        submissions = submission_of(cluster, token)
        assert len(submissions) == 1, trail
        _reference, outcome, intake = submissions[0]
        # The whole document but the moments it was signed and sent.
        answers = {key: value for key, value in intake.items() if key != "submitted_at"}
        answers["consent"] = {k: v for k, v in intake["consent"].items() if k != "signed_at"}
        results.append((trail, outcome, intake["about"]["legal_name"], answers))

    expected_trail = [
        *[
            (slug, "200", "302", f"/intake/my/{after}/")
            for slug, after in zip(STEP_ORDER, [*STEP_ORDER[1:], "done"], strict=True)
        ],
        ("done", "200"),
    ]
    assert [trail for trail, *_ in results] == [expected_trail] * INTAKES
    assert {outcome for _, outcome, _, _ in results} == {"eligible_for_consultation"}
    assert {name for _, _, name, _ in results} == {"Jordan A. Rivera"}
    cluster.summary.setdefault("intakes", {})[count] = results


def test_two_servers_give_what_one_server_gives(cluster):
    runs = cluster.summary.get("intakes", {})
    if set(runs) != {1, 2}:
        pytest.skip("compares the two runs of the intake test above: run the module")
    two, one = runs[2], runs[1]
    # Every page, every answer of every step and the screening outcome, whichever server saved
    # which step.
    for (*seen2, doc2), (*seen1, doc1) in zip(two, one, strict=True):
        assert seen2 == seen1
        assert [key for key in doc1.keys() | doc2.keys() if doc1.get(key) != doc2.get(key)] == []
    assert len(two) == INTAKES


@pytest.mark.parametrize("count", [2, 1], ids=["two servers", "one server"])
def test_twenty_simultaneous_sends_of_one_draft_make_one_submission(cluster, count):
    servers = servers_for(cluster, count)
    _trail, token, visitor = complete_intake(
        cluster, servers, f"198.51.100.{count}", until="review"
    )
    url = "/intake/my/review/"
    data = step_data("review")

    # One person's twenty tabs, half of them sent through each server, at the same instant.
    answers = race([lambda s=servers[i % count]: visitor.post(s, url, data) for i in range(RACERS)])

    assert [(a.status_code, a.headers["Location"]) for a in answers] == [
        (302, "/intake/my/done/")
    ] * RACERS
    assert len(submission_of(cluster, token)) == 1
    (results,) = cluster.query(
        "SELECT count(*) FROM screening_screeningresult r JOIN screening_submission s "
        "ON s.id = r.submission_id JOIN screening_draft d ON d.id = s.draft_id "
        "WHERE d.token_hash = %s",
        [hash_token(token)],
    )
    assert results == (1,)


def sign_in(cluster, server):
    """The coordinator's full sign-in on one server: password, then the authenticator code."""
    visitor = Visitor(cluster, "192.0.2.50")
    visitor.get(server, "/accounts/login/")
    password = visitor.post(
        server, "/accounts/login/", {"username": "morgan", "password": cluster.password}
    )
    assert password.status_code == 302
    # On to /staff/, which sends a session without a code to the code page.
    page = visitor.get(server, password.headers["Location"])
    page = visitor.get(server, page.headers["Location"])
    assert page.status_code == 200
    code = f"{TOTP(bytes.fromhex(cluster.totp_key)).token():06d}"
    second = visitor.post(server, "/accounts/two-factor/", {"otp_token": code})
    assert second.status_code == 302, second.status_code
    return visitor


@pytest.mark.parametrize("count", [2, 1], ids=["two servers", "one server"])
def test_twenty_simultaneous_bookings_of_one_slot_leave_one(cluster, count):
    servers = servers_for(cluster, count)
    race_setup = cluster.races[count - 1]
    slot, requests_ = race_setup["slot"], race_setup["requests"]
    # Signed in once, on the first server (a code is good once); the session, in the database,
    # works on the other too.
    if "coordinator" not in cluster.summary:
        cluster.summary["coordinator"] = sign_in(cluster, cluster.servers[0])
    coordinator = cluster.summary["coordinator"]
    for i, pk in enumerate(requests_[:count]):
        assert coordinator.get(servers[i], f"/staff/appointments/requests/{pk}/").status_code == 200
    mails_before = len(cluster.smtp.messages)

    answers = race(
        [
            lambda s=servers[i % count], pk=pk: coordinator.post(
                s,
                f"/staff/appointments/requests/{pk}/book/",
                {"book-slot": str(slot), "book-mode": "video"},
            )
            for i, pk in enumerate(requests_)
        ]
    )

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {302: 1, 200: RACERS - 1}
    refused = [a.text for a in answers if a.status_code == 200]
    reasons = Counter(next((m for m in REFUSALS if m in text), "other") for text in refused)
    assert "other" not in reasons, reasons
    cluster.summary.setdefault("booking refusals", {})[count] = reasons
    assert cluster.query(
        "SELECT count(*) FROM appointments_appointment WHERE slot_id = %s", [slot]
    ) == [(1,)]
    assert cluster.query(
        "SELECT status, count(*) FROM appointments_appointmentrequest WHERE id = ANY(%s) "
        "GROUP BY status ORDER BY status",
        [requests_],
    ) == [("booked", 1), ("open", RACERS - 1)]
    # The patient's e-mail went once, over SMTP, from whichever server booked.
    assert len(cluster.smtp.messages) - mails_before == 1


def test_rate_limits_are_counted_across_both_servers(cluster):
    a, b = cluster.servers
    # 35 people behind the clinic's proxy, each from their own address: each has a budget.
    for n in range(35):
        visitor = Visitor(cluster, f"203.0.113.{100 + n}")
        visitor.get(a, "/intake/")
        assert visitor.post(b if n % 2 else a, "/intake/", {"website": ""}).status_code == 302

    # One address starting intakes on both servers in turn: 30 an hour in all, not per server.
    visitor = Visitor(cluster, "198.51.100.77")
    visitor.get(a, "/intake/")
    answers = [visitor.post(b if n % 2 else a, "/intake/", {"website": ""}) for n in range(32)]
    assert [r.status_code for r in answers] == [302] * 30 + [429, 429]


def test_with_redis_gone_both_servers_keep_saving_and_say_so(cluster):
    _trail, token, visitor = complete_intake(
        cluster, cluster.servers, "203.0.113.200", until="care-team"
    )
    cluster.stop_redis()

    for server in cluster.servers:
        url = "/intake/my/care-team/"
        assert visitor.post(server, url, step_data("care-team")).status_code == 302
        health = visitor.get(server, "/healthz")
        assert health.status_code == 200
        assert health.json()["redis"]["status"] == "down"
        assert health.json()["database"]["status"] == "ok"


def test_nothing_was_kept_on_local_disk(cluster):
    # Every server's working folder, HOME and TMPDIR are as empty as they started; with the
    # project folder read-only, a write there would have failed its request (no 5xx below).
    for server in cluster.servers:
        for folder in server.folders:
            assert list(folder.iterdir()) == [], folder
        log = server.log.read_text()
        assert "Traceback" not in log and "Read-only file system" not in log, log[-3000:]
    assert [r for r in cluster.responses if r[3] >= 500] == []
    if not cluster.read_only:
        pytest.skip("no mount namespace here: the folders were checked, the project was writable")
    for server in cluster.servers:
        assert {ROOT, Path.home()} <= server.read_only_folders()
