"""What `GET /healthz` reports: each dependency by name, as "ok", "degraded" or "down".

- `database`: one query. Down means patients cannot save: the only thing that makes the whole
  answer 503, so a load balancer takes the instance out of service for that and nothing else.
- `redis`: the rate-limit store, pinged when the cache is Redis (REDIS_URL). Down means the
  forms still work with rate limits not counted (clinic/cache.py fails open): 200, "degraded".
  Without REDIS_URL (development, tests) the cache is local memory and there is nothing to ping.
- `task_worker`: the background tasks (django-tasks' database backend: urgent alerts,
  escalations, appointment emails). Reported when its app is installed: how many tasks are due
  and how long the oldest has waited (queue lag), and when a worker last finished one (the
  heartbeat; the backend keeps no other). Degraded when a due task has waited longer than
  TASK_LAG_LIMIT while tasks are still finishing (the workers are behind), down when nothing
  has finished within that time either (no worker is running).

A check is a function that returns {"status": ..., ...}; CHECKS lists them in report order. A
new dependency is one more function and one more entry.
"""

from datetime import timedelta

from django.apps import apps
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from clinic.cache import UNAVAILABLE

OK, DEGRADED, DOWN = "ok", "degraded", "down"
# A due task waiting longer than this is lag worth someone's attention.
TASK_LAG_LIMIT = timedelta(minutes=5)


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": DOWN}
    return {"status": OK}


def redis():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return {"status": OK, "detail": "not used (local-memory cache)"}
    try:
        cache._cache.get_client(None).ping()
    except UNAVAILABLE:
        return {"status": DOWN, "detail": "rate limits are not counted until it is back"}
    return {"status": OK}


def _seconds(delta):
    return None if delta is None else max(0, int(delta.total_seconds()))


def task_worker(now=None):
    if not apps.is_installed("django_tasks_db"):
        return None
    # Imported here: the app is optional for this module, and its models need the registry.
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    no_delay = get_date_max()
    try:
        due = DBTaskResult.objects.ready().aggregate(
            waiting=Count("pk"),
            oldest_plain=Min("enqueued_at", filter=Q(run_after=no_delay)),
            oldest_delayed=Min(Greatest("enqueued_at", "run_after"), filter=~Q(run_after=no_delay)),
        )
        last_finished = DBTaskResult.objects.finished().aggregate(at=Max("finished_at"))["at"]
    except DatabaseError:
        return {"status": DOWN, "detail": "the task queue cannot be read"}

    oldest = min((t for t in (due["oldest_plain"], due["oldest_delayed"]) if t), default=None)
    lag = now - oldest if oldest else None
    since_finished = now - last_finished if last_finished else None
    status = OK
    if lag is not None and lag > TASK_LAG_LIMIT:
        finishing = since_finished is not None and since_finished <= TASK_LAG_LIMIT
        status = DEGRADED if finishing else DOWN
    return {
        "status": status,
        "waiting": due["waiting"],
        "oldest_waiting_seconds": _seconds(lag),
        "last_finished_seconds_ago": _seconds(since_finished),
    }


CHECKS = {"database": database, "redis": redis, "task_worker": task_worker}


def report():
    """(body, HTTP status) for /healthz."""
    body = {}
    for name, check in CHECKS.items():
        result = check()
        if result is not None:
            body[name] = result
    statuses = {result["status"] for result in body.values()}
    if body["database"]["status"] == DOWN:
        overall, code = DOWN, 503
    elif statuses - {OK}:
        overall, code = DEGRADED, 200
    else:
        overall, code = OK, 200
    return {"status": overall, **body}, code
