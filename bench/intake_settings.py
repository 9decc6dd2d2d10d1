"""Production settings for bench/bench_intake.py, with two bench-only changes: the URLs add a
bare Django form to measure against, and static files are served without a collectstatic
manifest (the bench never asks for them)."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
