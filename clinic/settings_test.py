"""Settings for the test suite (pytest reads DJANGO_SETTINGS_MODULE from pyproject.toml).

clinic/settings.py with its development fallbacks, whatever the shell says: the throw-away
keys, 127.0.0.1 and localhost, a local-memory cache, static files served from the app folders.
Then DEBUG off with the production hardening, except what needs HTTPS (the redirect, secure
cookies), which the test client does not speak: the tests of HTTPS turn it on themselves. The
production settings themselves are checked in a fresh process
(tests/security/test_security_headers.py).
"""

import os

_shell_debug = os.environ.get("DEBUG")
os.environ["DEBUG"] = "true"
try:
    from clinic.settings import *  # noqa: F403
finally:
    # Leave the environment as it was for the commands that tests start.
    if _shell_debug is None:
        del os.environ["DEBUG"]
    else:
        os.environ["DEBUG"] = _shell_debug

DEBUG = False

# What clinic/settings.py adds with DEBUG off.
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Nothing is collected for tests (WHITENOISE_USE_FINDERS serves the app folders), so there is
# no STATIC_ROOT for WhiteNoise to look in.
STATIC_ROOT = None
