"""Two production app servers on one PostgreSQL database and one Redis, for tests/ops/.

What a deployment does, on this machine: a database of its own (created, migrated, dropped
afterwards), a Redis of its own that keeps nothing on disk, collectstatic at deploy time, and
two gunicorn processes with production settings (DEBUG off, every secret set, HTTPS behind one
trusted proxy, real SMTP to a sink in this process). Each server runs in a mount namespace
where the project folder and the home folder are read-only, from an empty working folder with
an empty HOME and TMPDIR, so a server that kept anything on local disk fails its request (and
the folders would not be empty afterwards).

`Visitor` is the reverse proxy and the browser in one: it sends what a proxy in front of
https://clinic.example sends (Host, X-Forwarded-Proto, X-Forwarded-For with the visitor's own
address) and keeps cookies the way a browser keeps them for that site, whichever server
answers.
"""

import base64
import json
import os
import re
import secrets
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SITE = "clinic.example"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Run as a deploy script: staff, the slots and the consultation requests the races book.
SETUP = """
import json
from datetime import timedelta

from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import StaffFactory, make_appointment_request, make_slot

coordinator = StaffFactory(username="morgan", password={password!r})
coordinator.groups.add(Group.objects.get(name="coordinator"))
TOTPDevice.objects.create(user=coordinator, name="Phone", key={key!r}, confirmed=True)
clinician = StaffFactory(username="dr_casey")
clinician.groups.add(Group.objects.get(name="clinician"))
races = []
for days in (3, 4):
    slot = make_slot(clinician, starts_in=timedelta(days=days))
    asking = [make_appointment_request().pk for _ in range({n})]
    races.append({{"slot": slot.pk, "requests": asking}})
print(json.dumps(races))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def admin_url(settings_dict, name):
    """A psycopg connection string to database `name` on the test database's server."""
    parts = {
        "host": settings_dict["HOST"] or HOST,
        "port": settings_dict["PORT"] or "5432",
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "dbname": name,
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def database_url(settings_dict, name):
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or HOST
    return f"postgres://{user}{password}@{host}:{settings_dict['PORT'] or 5432}/{name}"


# --- An SMTP server that keeps what it is sent in memory ----------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink")
        recipients, data = [], None
        while line := self.rfile.readline():
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    self.server.messages.append((recipients, b"".join(data)))
                    recipients, data = [], None
                    self.reply("250 kept")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO" or verb == b"HELO":
                self.reply("250 sink")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                self.reply("250 ok")
            elif verb == b"DATA":
                data = []
                self.reply("354 go on")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.reply("250 ok")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__((HOST, 0), _SMTPHandler)
        self.messages = []
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


# --- The servers ------------------------------------------------------------------------------


def read_only_mounts_work():
    """Can this machine give a process its own mount namespace (root, or CAP_SYS_ADMIN)?"""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],  # noqa: S607
        capture_output=True,
    )
    return probe.returncode == 0


def read_only_launch(command):
    """`command` in a mount namespace where the project and HOME folders are read-only."""
    home = Path.home()
    mounts = " && ".join(
        f"mount --bind {path} {path} && mount -o remount,bind,ro {path}" for path in (ROOT, home)
    )
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts} && exec "$@"',
            "sh", *command]  # fmt: skip


class Cluster:
    def __init__(self, settings_dict, scratch: Path, *, requests_per_race=20):
        self.scratch = scratch
        self.settings_dict = settings_dict
        self.db_name = f"clinic_two_servers_{os.getpid()}"
        self.db_url = database_url(settings_dict, self.db_name)
        self.key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        self.password = secrets.token_urlsafe(18)
        self.totp_key = secrets.token_hex(20)
        self.requests_per_race = requests_per_race
        self.processes = []
        self.servers = []
        self.read_only = read_only_mounts_work()
        self.responses = []  # (server, method, path, status), every request of every test
        self.summary = {}  # what one test measured, for a later one to compare

    # Deploy: database, Redis, static files, staff and slots.

    def start(self):
        with psycopg.connect(admin_url(self.settings_dict, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.smtp = SMTPSink()
        self.redis_port = free_port()
        self.redis = self._spawn(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._folder("redis")),
            ],  # fmt: skip
            "redis",
        )
        self.static_root = self._folder("static")
        self.env = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "FIELD_ENCRYPTION_KEYS": self.key,
            "SEARCH_INDEX_KEY": secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": SITE,
            "SITE_URL": f"https://{SITE}",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.smtp.port),
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(self.static_root),
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        self._deploy([*manage, "migrate", "-v", "0"])
        self._deploy([*manage, "collectstatic", "--noinput", "-v", "0"])
        code = SETUP.format(password=self.password, key=self.totp_key, n=self.requests_per_race)
        self.races = json.loads(self._deploy([*manage, "shell", "-c", code]).splitlines()[-1])
        self._wait_for_redis()
        for name in ("a", "b"):
            self.servers.append(self._start_server(name))
        for server in self.servers:
            self._wait_for(server)
        return self

    def _folder(self, name):
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _deploy(self, command):
        result = subprocess.run(  # noqa: S603 (our interpreter and manage.py)
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def _spawn(self, command, name, **kwargs):
        log = open(self.scratch / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **kwargs)  # noqa: S603
        self.processes.append((process, log))
        return process

    def _start_server(self, name):
        port = free_port()
        home, tmp, cwd = (self._folder(f"{name}-{part}") for part in ("home", "tmp", "cwd"))
        command = [
            str(Path(sys.executable).with_name("gunicorn")), "clinic.wsgi:application",
            "--bind", f"{HOST}:{port}", "--workers", "3", "--worker-class", "sync",
            "--log-level", "warning", "--timeout", "60",
        ]  # fmt: skip
        if self.read_only:
            command = read_only_launch(command)
        env = {**self.env, "HOME": str(home), "TMPDIR": str(tmp)}
        process = self._spawn(command, f"server-{name}", cwd=cwd, env=env)
        return Server(
            name, port, process, folders=(home, tmp, cwd), log=self.scratch / f"server-{name}.log"
        )

    def _wait_for_redis(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.redis_port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def _wait_for(self, server, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if Visitor(self, "192.0.2.1").get(server, "/healthz", record=False).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(
            f"server {server.name} did not start: {server.log.read_text()[-3000:]}"
        )

    def stop_redis(self):
        self.redis.terminate()
        self.redis.wait(timeout=10)

    def stop(self):
        for process, log in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
        if hasattr(self, "smtp"):
            self.smtp.shutdown()
            self.smtp.server_close()
        with psycopg.connect(admin_url(self.settings_dict, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    # What the servers wrote.

    def query(self, sql, params=()):
        with psycopg.connect(admin_url(self.settings_dict, self.db_name)) as conn:
            return conn.execute(sql, params).fetchall()

    def decrypt(self, token):
        return json.loads(Fernet(self.key).decrypt(token.encode()))


class Server:
    def __init__(self, name, port, process, *, folders, log):
        self.name, self.port, self.process = name, port, process
        self.folders, self.log = folders, log

    def read_only_folders(self):
        """The mount points this server sees read-only (from its /proc/PID/mountinfo)."""
        mounts = Path(f"/proc/{self.process.pid}/mountinfo").read_text().splitlines()
        return {
            Path(fields[4])
            for fields in (line.split() for line in mounts)
            if "ro" in fields[5].split(",")
        }

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def __repr__(self):
        return f"server {self.name}"


class Visitor:
    """One browser at one client address, behind the clinic's proxy."""

    def __init__(self, cluster, address):
        self.cluster = cluster
        self.address = address
        self.cookies = {}
        self.csrf = None

    def _send(self, server, method, path, data=None, record=True):
        headers = {
            "Host": SITE,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            # Django checks an HTTPS form's Referer against the site.
            "Referer": f"https://{SITE}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, server.url(path), data=data, headers=headers, allow_redirects=False, timeout=60
        )
        for name, value in response.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        if found := CSRF_FIELD.search(response.text):
            self.csrf = found.group(1)
        if record:
            self.cluster.responses.append((server.name, method, path, response.status_code))
        return response

    def get(self, server, path, record=True):
        return self._send(server, "GET", path, record=record)

    def post(self, server, path, data=None):
        return self._send(server, "POST", path, {**(data or {}), "csrfmiddlewaretoken": self.csrf})
