"""`manage.py serve [ADDRPORT]`: the development server with a background worker beside it, in
one terminal, so urgent alerts, escalations and emails work on a laptop as in production.

It starts `manage.py db_worker` as a child process, then runs `runserver`; when the server stops
(Ctrl+C) the worker stops too. In production run the web server and one or more
`manage.py db_worker` processes instead (README, "Urgent alerts and background work").
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# runserver's autoreloader runs the server in a child process of this one, with this set; only
# the outer process starts (and stops) the worker.
RELOADER_CHILD = "RUN_MAIN"


class Command(BaseCommand):
    help = "Run the development server and a background task worker beside it (development)"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="no autoreloading")
        parser.add_argument("--no-worker", action="store_true", help="the server alone (runserver)")

    def handle(self, *args, addrport, noreload=False, no_worker=False, **options):
        worker = None
        if not no_worker and os.environ.get(RELOADER_CHILD) != "true":
            worker = self.start_worker(noreload)
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        finally:
            if worker is not None:
                self.stop_worker(worker)

    def start_worker(self, noreload):
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker"]
        command.append("--no-reload" if noreload else "--reload")
        self.stdout.write("Background worker started (urgent alerts, escalations, emails).")
        return subprocess.Popen(command)  # noqa: S603 (our own interpreter and manage.py)

    def stop_worker(self, worker):
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
