"""The demo has an on-call rota and an escalation contact; `manage.py serve` starts a worker
beside the development server and stops it with the server."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from appointments.management.commands import serve
from screening.models import EscalationContact, OnCallShift


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_setup_demo_puts_the_demo_clinician_on_call_on_weekdays(capsys):
    call_command("setup_demo", no_migrate=True)
    call_command("setup_demo", no_migrate=True)

    shifts = OnCallShift.objects.order_by("weekday")
    assert [(s.weekday, f"{s.starts:%H:%M}", f"{s.ends:%H:%M}") for s in shifts] == [
        (day, "08:00", "20:00") for day in range(5)
    ]
    assert {s.clinician.username for s in shifts} == {"clinician"}
    assert EscalationContact.objects.filter(active=True).count() == 1
    assert "Demo on-call rota: the clinician on weekdays 8:00-20:00" in capsys.readouterr().out


class FakeWorker:
    def __init__(self, command):
        self.command, self.terminated = command, False

    def poll(self):
        return None if not self.terminated else 0

    def terminate(self):
        self.terminated = True

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def started(monkeypatch):
    workers, served = [], []

    def popen(command):
        workers.append(FakeWorker(command))
        return workers[-1]

    def runserver(name, addrport, use_reloader):
        # Whether a worker runs while the server does.
        running = [w for w in workers if not w.terminated]
        served.append((name, addrport, use_reloader, len(running)))
        raise KeyboardInterrupt  # Ctrl+C

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(serve, "call_command", runserver)
    return workers, served


def test_serve_runs_a_worker_beside_the_server_and_stops_it_after(started, monkeypatch):
    workers, served = started
    monkeypatch.delenv("RUN_MAIN", raising=False)

    with pytest.raises(KeyboardInterrupt):
        call_command("serve", "127.0.0.1:8001")

    (worker,) = workers
    assert worker.command[0] == sys.executable
    assert worker.command[1].endswith("manage.py") and worker.command[2:] == [
        "db_worker",
        "--reload",
    ]
    assert served == [("runserver", "127.0.0.1:8001", True, 1)]
    assert worker.terminated


def test_the_reloaded_server_process_starts_no_second_worker(started, monkeypatch):
    workers, served = started
    monkeypatch.setenv("RUN_MAIN", "true")

    with pytest.raises(KeyboardInterrupt):
        call_command("serve", "--noreload")

    assert workers == []
    assert served == [("runserver", "127.0.0.1:8000", False, 0)]
