"""Access logs without private links or what was searched for (issue 15).

A request line keeps its method, its path and its status; what could name or open a patient's
record is replaced with "[redacted]": every query string (a search for an e-mail address, a
page number alike), a private link's token in the path (/intake/r/<token>/, the one request
that still carries it before the exchange for a cookie, clinic.private_links), the same in the
Referer, and the Cookie header.

Two servers write access logs: gunicorn in production (clinic/gunicorn_conf.py names
RedactingAccessLogger) and `runserver`/`serve` in development (the `django.server` logger,
filtered by RedactAccessLog in clinic/settings.py).
"""

import logging
import re

from gunicorn.glogging import Logger

from clinic.reporting import REDACTED, redact_links

# A query string after a path or an address: up to the next space or quote.
QUERY = re.compile(r"(?<=[\w/.%-])\?[^\s\"']+")
# Gunicorn atoms that are wholly secret whenever they are there.
SECRET_ATOMS = (
    "{cookie}i",
    "{set-cookie}o",
    "{authorization}i",
    "{http_cookie}e",
    "{http_authorization}e",
    "{query_string}e",
)


def redact_url(text: str) -> str:
    """A request line, path or Referer with its token and query string redacted."""
    return QUERY.sub("?" + REDACTED, redact_links(text))


class RedactAccessLog(logging.Filter):
    """For `django.server` (runserver): its message is '"%s" %s %s' % (request line, ...)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(a) if isinstance(a, str) else a for a in record.args)
        return True


class RedactingAccessLogger(Logger):
    """gunicorn's logger, with every access-log atom redacted before the format fills in."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact_url(value)
        if atoms.get("q"):
            atoms["q"] = REDACTED
        for key in SECRET_ATOMS:
            if atoms.get(key) not in (None, "", "-"):
                atoms[key] = REDACTED
        return atoms
