#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Commands run in development mode (DEBUG on) in a shell that sets neither DEBUG nor SECRET_KEY,
so `manage.py screen FILE` or `manage.py demo_code` work in a fresh shell. Production says so
with DEBUG=false, and an environment that sets SECRET_KEY is never taken for development. The
web server (clinic/wsgi.py, clinic/asgi.py) has no such default: without the production secrets
it refuses to start.
"""

import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    if not os.environ.get("DEBUG") and not os.environ.get("SECRET_KEY"):
        os.environ["DEBUG"] = "true"
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings)
    except ImproperlyConfigured as exc:
        # A missing or bad variable: one line naming it, not a traceback.
        sys.exit(f"Configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
