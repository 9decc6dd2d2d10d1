"""`manage.py drill_restore`: the backup restore drill (PostgreSQL), safe on a live database.

1. In one REPEATABLE READ transaction it counts every table's rows, reads the newest submission
   (decrypted with FIELD_ENCRYPTION_KEYS), exports the transaction's snapshot and runs
   `pg_dump --format=custom --snapshot=...`, so the dump and the counts describe the same
   moment however many patients are sending meanwhile.
2. It creates a fresh database beside the source (`<name>_drill_<pid>`), `pg_restore`s the dump
   into it, opens it as a second database alias and reads the same submission back with the
   keys, which live in the environment and never in the dump.
3. It checks the dump for what must not be in it: the newest patient's name, e-mail and phone
   (they are encrypted, so only tokens are there) and the keys themselves (SECRET_KEY,
   FIELD_ENCRYPTION_KEYS, SEARCH_INDEX_KEY), reading the dump's SQL as `pg_restore -f -` writes it.
4. It drops the drill database and prints one summary; anything that differs is an error
   (exit status 1). `--dump PATH` keeps the dump there; otherwise it is a temporary file.

The PostgreSQL client tools (pg_dump, pg_restore, createdb, dropdb) must match the server's major
version or be newer. README, "Backups and restore".
"""

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend

from appointments.models import Appointment
from screening.models import Submission

DRILL_ALIAS = "restore_drill"
TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb")
# What must never be readable in a dump: the newest person's contact details, in clear.
CONTACT_FIELDS = ("legal_name", "email", "phone")
CHUNK = 1 << 20


def tool_env(settings_dict):
    """libpq's environment for the command-line tools, from Django's own connection settings
    (the password never goes on a command line)."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result


def table_counts(alias):
    """Rows in every table the app's models own, read through `alias`."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in counts:
            counts[meta.db_table] = model._base_manager.using(alias).count()
    return counts


def newest_submission(alias):
    submission = (
        Submission.objects.using(alias)
        .order_by("-submitted_at", "-pk")
        .only("reference", "intake", "outcome", "submitted_at")
    ).first()
    if submission is None:
        return None
    return {
        "reference": submission.reference,
        "outcome": submission.outcome,
        "submitted_at": submission.submitted_at,
        "intake": submission.intake,
    }


def secrets_to_look_for(newest):
    """(what, text) pairs that must not appear in the dump."""
    found = [("SECRET_KEY", settings.SECRET_KEY), ("SEARCH_INDEX_KEY", settings.SEARCH_INDEX_KEY)]
    found += [("a FIELD_ENCRYPTION_KEYS key", key) for key in settings.FIELD_ENCRYPTION_KEYS]
    about = ((newest or {}).get("intake") or {}).get("about") or {}
    for field in CONTACT_FIELDS:
        value = about.get(field)
        if isinstance(value, str) and len(value.strip()) >= 4:
            found.append((f"the newest submission's {field}", value.strip()))
    return found


def scan_dump(dump, needles, env):
    """Which needles the dump's SQL holds (read as a stream), and how many bytes of SQL there
    were. Custom-format dumps are compressed; `pg_restore -f -` gives the text back."""
    wanted = [(what, text.encode()) for what, text in needles]
    overlap = max((len(text) for _what, text in wanted), default=1)
    found, size, tail = set(), 0, b""
    process = subprocess.Popen(  # noqa: S603 (our own dump file)
        ["pg_restore", "--file", "-", str(dump)],  # noqa: S607
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    while chunk := process.stdout.read(CHUNK):
        size += len(chunk)
        window = tail + chunk
        found.update(what for what, text in wanted if text in window)
        tail = window[-overlap:]
    _out, errors = process.communicate()
    if process.returncode != 0:
        raise CommandError(f"pg_restore --file - failed: {errors.decode().strip()[-2000:]}")
    return sorted(found), size


@contextmanager
def database_alias(alias, name):
    """The source's connection settings, pointed at database `name`, as `alias` for this thread
    (not added to settings.DATABASES: nothing else should find it)."""
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict, "NAME": name}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def megabytes(size):
    return f"{size / 1_000_000:.1f} MB"


class Command(BaseCommand):
    help = (
        "Backup restore drill: dump the database, restore it into a fresh database, read the "
        "newest submission back with the keys, check the dump holds no clear contact detail or "
        "key, drop the drill database (PostgreSQL)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dump", metavar="PATH", help="keep the dump at PATH (default: a temporary file)"
        )

    def handle(self, *args, dump=None, **options):
        source = connections[DEFAULT_DB_ALIAS]
        if source.vendor != "postgresql":
            raise CommandError("The restore drill needs PostgreSQL: set DATABASE_URL.")
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise CommandError(f"PostgreSQL client tools not found: {', '.join(missing)}")
        source_name = source.settings_dict["NAME"]
        drill_name = f"{source_name[:40]}_drill_{os.getpid()}"
        env = tool_env(source.settings_dict)

        with tempfile.TemporaryDirectory(prefix="restore-drill-") as scratch:
            path = Path(dump) if dump else Path(scratch) / "clinic.dump"
            started = time.monotonic()
            before, newest = self.dump(path, source_name, env)
            dump_seconds = time.monotonic() - started
            dump_size = path.stat().st_size

            run(["createdb", "--template", "template0", drill_name], env)
            try:
                started = time.monotonic()
                run(["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges",
                     "--dbname", drill_name, str(path)], env)  # fmt: skip
                restore_seconds = time.monotonic() - started
                with database_alias(DRILL_ALIAS, drill_name) as alias:
                    after = table_counts(alias)
                    restored = newest_submission(alias)
            finally:
                run(["dropdb", "--if-exists", "--force", drill_name], env)
            leaked, sql_size = scan_dump(path, secrets_to_look_for(newest), env)

        differ = sorted(table for table in before.keys() | after.keys()
                        if before.get(table) != after.get(table))  # fmt: skip
        if differ:
            raise CommandError(f"The restored database differs in: {', '.join(differ)}")
        if restored != newest:
            raise CommandError("The newest submission did not read back the same after restoring")
        if leaked:
            raise CommandError(f"The dump holds in clear text: {', '.join(leaked)}")

        submissions = before[Submission._meta.db_table]
        appointments = before[Appointment._meta.db_table]
        read_back = (
            f"newest submission {newest['reference']} read back with the keys, the same"
            if newest
            else "no submission to read back"
        )
        self.stdout.write(
            f"Restore drill of {source_name!r}: restored {submissions} submission(s), "
            f"{appointments} appointment(s), every one of {len(before)} tables with the rows it "
            f"had; {read_back}; no clear contact detail or key in the dump "
            f"({megabytes(sql_size)} of SQL); dump {megabytes(dump_size)} in "
            f"{dump_seconds:.1f} s, restore in {restore_seconds:.1f} s; drill database dropped."
        )
        if dump:
            self.stdout.write(f"The dump is kept at {path}.")

    def dump(self, path, name, env):
        """Counts, the newest submission and the dump, all from one snapshot."""
        # Connected (and health-checked) first: the isolation level must be the transaction's
        # first statement.
        connections[DEFAULT_DB_ALIAS].ensure_connection()
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            counts = table_counts(DEFAULT_DB_ALIAS)
            newest = newest_submission(DEFAULT_DB_ALIAS)
            run(["pg_dump", "--format", "custom", "--no-owner", "--snapshot", snapshot,
                 "--file", str(path), "--dbname", name], env)  # fmt: skip
        return counts, newest
