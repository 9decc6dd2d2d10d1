"""gunicorn's settings for production: `gunicorn -c python:clinic.gunicorn_conf clinic.wsgi`.

The access log goes to standard output, one line a request, with query strings, private-link
tokens and cookies redacted (clinic.access_log). Command-line options (--bind, --workers) are
left to the operator.
"""

accesslog = "-"
# Address, time, request line (path only, its query "?[redacted]"), status, bytes, seconds,
# Referer (the same redaction) and user agent.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)s "%(f)s" "%(a)s"'
logger_class = "clinic.access_log.RedactingAccessLogger"
