"""A bad day: Redis (the rate-limit store) is down. Patients' forms keep taking answers, rate
limits fail open with a warning in the log, and /healthz names what is degraded (database,
Redis, the task worker's heartbeat and queue lag), answering 503 only when the database is
down."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appointments.models import AppointmentRequest
from clinic import cache as fail_open
from screening.models import Draft
from tests.factories import make_linked_submission
from tests.intake.helpers import step_data, step_url, token_of

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "clinic.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(monkeypatch):
    # Each test sees Redis fail afresh (the backend pauses a few seconds after a failure).
    monkeypatch.setattr(fail_open.FailOpenRedisCache, "_down_until", 0.0)
    monkeypatch.setattr(fail_open.FailOpenRedisCache, "_warned_at", None)
    with override_settings(CACHES=DEAD_REDIS):
        yield


def test_with_redis_down_an_intake_starts_saves_a_step_and_requests_an_appointment(
    client, redis_down
):
    started = client.post("/intake/", {"website": ""})
    assert started.status_code == 302
    token = token_of(started)

    saved = client.post(step_url(token, "about"), step_data("about"))
    assert saved.status_code == 302
    assert "about" in Draft.objects.get().completed_steps

    sent_token, _submission = make_linked_submission()
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    client.get(f"/appointments/request/{sent_token}/")  # the private link, bound
    asked = client.post(
        "/appointments/my-request/",
        {
            "mode": "either",
            "window1_date": day,
            "window1_part": "any",
            "contact_preference": "phone",
        },
    )
    assert asked.status_code == 302
    callback = client.post(
        "/appointments/request/",
        {"name": "Robin Park", "phone": "(910) 555-0123", "best_time": "afternoon"},
    )
    assert callback.status_code == 302
    assert AppointmentRequest.objects.count() == 2


def test_rate_limits_fail_open_with_one_warning_a_minute(client, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        for _ in range(35):  # more than the 30 starts an hour a counted address gets
            assert client.post("/intake/", {"website": ""}).status_code == 302
            fail_open.FailOpenRedisCache._down_until = 0.0  # try Redis on every request

    warnings = [r for r in caplog.records if r.name == "clinic.cache"]
    assert len(warnings) == 1
    assert "rate limits are not counted" in warnings[0].getMessage()
    assert Draft.objects.count() == 35


def test_healthz_names_redis_as_down_and_stays_200(client, redis_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"status": "ok"}
    assert body["redis"]["status"] == "down"
    assert body["task_worker"]["status"] == "ok"


def test_healthz_all_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body) == {"status", "database", "redis", "task_worker"}
    assert body["task_worker"] == {
        "status": "ok",
        "waiting": 0,
        "oldest_waiting_seconds": None,
        "last_finished_seconds_ago": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_only_when_the_database_is_down(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {"status": "down"}
    assert body["task_worker"]["status"] == "down"


def _task(status="READY", enqueued_minutes_ago=0, finished_minutes_ago=None):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="screening.alerts.tasks.example",
        backend_name="default",
        status=status,
    )
    now = timezone.now()
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=now - timedelta(minutes=enqueued_minutes_ago),
        finished_at=(
            None if finished_minutes_ago is None else now - timedelta(minutes=finished_minutes_ago)
        ),
    )
    return task


def test_task_worker_lag_and_heartbeat(client):
    _task(enqueued_minutes_ago=1)
    worker = client.get("/healthz").json()["task_worker"]
    assert worker["status"] == "ok"
    assert worker["waiting"] == 1
    assert 55 <= worker["oldest_waiting_seconds"] <= 65

    # A task has waited ten minutes and nothing has finished: no worker is running.
    _task(enqueued_minutes_ago=10)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["task_worker"]["status"] == "down"

    # Tasks are finishing, but the queue is behind.
    _task(status="SUCCESSFUL", enqueued_minutes_ago=12, finished_minutes_ago=1)
    worker = client.get("/healthz").json()["task_worker"]
    assert worker["status"] == "degraded"
    assert 55 <= worker["last_finished_seconds_ago"] <= 65


def test_a_task_delayed_on_purpose_is_not_lag(client):
    task = _task(enqueued_minutes_ago=40)
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now() + timedelta(hours=1))

    worker = client.get("/healthz").json()["task_worker"]

    assert (worker["status"], worker["waiting"], worker["oldest_waiting_seconds"]) == (
        "ok",
        0,
        None,
    )


def test_production_settings_use_the_fail_open_cache():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    code = (
        "import clinic.settings as s; print(s.CACHES['default']['BACKEND'], s.RATELIMIT_FAIL_OPEN)"
    )
    result = subprocess.run(  # noqa: S603 (our own settings, fixed arguments)
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["clinic.cache.FailOpenRedisCache", "True"]
