"""Settings for the clinic app: one module, driven by environment variables.

Development works with no environment at all (SQLite, console email, a throw-away key when
DEBUG is on; manage.py turns DEBUG on by itself in a shell that sets neither DEBUG nor
SECRET_KEY). With DEBUG off every secret must be given, or the process refuses to start: the
web server (clinic/wsgi.py, clinic/asgi.py) never assumes development. The test suite runs on
clinic/settings_test.py, which builds on this module.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def env_secret(name, dev_default):
    """A secret that may only fall back to a development value while DEBUG is on."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")


SECRET_KEY = env_secret("SECRET_KEY", "dev-only-secret-key-not-for-production-" + "x" * 20)
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters")

# Patient answers and contact details are encrypted at rest (clinic/fields.py). The first key
# encrypts; every key listed decrypts, which is how a key is rotated (README: "Rotating keys").
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or (
    ["ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="] if DEBUG else []
)
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off")
# Keyed hashes let staff search encrypted names, emails and phones by exact value.
SEARCH_INDEX_KEY = env_secret("SEARCH_INDEX_KEY", "dev-only-search-index-key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

CLINIC_NAME = env_str("CLINIC_NAME", "Harbor Ketamine Clinic")
CLINIC_PHONE = env_str("CLINIC_PHONE", "+1 910 555 0100")
CLINIC_EMAIL = env_str("CLINIC_EMAIL", "care@clinic.example")
CLINIC_ADDRESS = env_str("CLINIC_ADDRESS", "100 Harbor Street, Suite 2, Wilmington, NC 28401")


def env_site_url(name):
    """The app's public address, which private links, emails and calendar files carry: with
    DEBUG off it must be set, https, and not this machine (a link to localhost reaches nobody)."""
    value = env_str(name, "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
    if DEBUG:
        return value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:  # not a URL at all
        host = ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    if not value.startswith("https://") or not host or local:
        raise ImproperlyConfigured(
            f"{name} must be the app's public https:// address when DEBUG is off, not {value!r}"
        )
    return value


SITE_URL = env_site_url("SITE_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "django_ratelimit",
    "axes",
    "django_otp",
    "pgtrigger",
    "django_otp.plugins.otp_totp",
    # Single-use recovery codes for a lost phone (clinic.two_factor).
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "clinic",
    "screening",
    "appointments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy everywhere; noindex and no-store on private pages (clinic/middleware.py).
    "clinic.middleware.PrivatePagesMiddleware",
    "clinic.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English or Spanish: the language cookie, else the browser's Accept-Language; staff pages
    # always in LANGUAGE_CODE, and the "English | Español" switch (clinic/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "clinic.language.PatientLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (clinic.two_factor)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, so it turns a lockout raised anywhere below into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
        )
    }
except ValueError as exc:  # the message names the scheme or the fault, never the URL's password
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
# The patient side in English and Spanish (README, "Spanish"); staff pages in LANGUAGE_CODE.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the person's language writes them ("14 March 1987", "14 de marzo de 1987").
FORMAT_MODULE_PATH = ["clinic.formats"]
# The language switch's choice lasts for the visit (until the browser closes).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the assets at deploy time; the app only reads them, so the app's own
# folder may be read-only in production (README, "Two app servers").
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when nothing was collected (development, tests).
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Backends that print mail, keep it in memory or a file, or drop it: development only. In
# production they would put patients' addresses, private links and .ics files in the output.
NOT_REAL_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "filebased", "locmem", "dummy")
}


def env_email_backend(name):
    """With DEBUG off: set, and a backend that delivers mail (SMTP or a provider's)."""
    value = env_str(name, "django.core.mail.backends.console.EmailBackend" if DEBUG else "")
    if not DEBUG and (not value or value in NOT_REAL_EMAIL_BACKENDS):
        raise ImproperlyConfigured(
            f"{name} must be a backend that delivers mail when DEBUG is off, e.g. "
            f"django.core.mail.backends.smtp.EmailBackend (now: {value or 'not set'})"
        )
    return value


EMAIL_BACKEND = env_email_backend("EMAIL_BACKEND")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{CLINIC_NAME} <no-reply@clinic.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Clinic IT", addr) for addr in env_list("ADMIN_EMAILS")]

# Every asset is served by the app itself: no CDN, font host or analytics, and no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Only staff have sessions (patients carry a private link instead): they end after 15 idle
# minutes and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 15) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "clinic.views.csrf_failure"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "redact": {"()": "clinic.reporting.RedactPrivateLinks"},
        # Query strings and private-link tokens out of request lines (clinic/access_log.py).
        "redact_access": {"()": "clinic.access_log.RedactAccessLog"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
        # runserver's request lines; in production gunicorn writes them (clinic/gunicorn_conf.py).
        "access": {"class": "logging.StreamHandler", "filters": ["redact_access"]},
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and URLs can carry patient answers; keep them out of the logs.
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        # Failures and lockouts (usernames and addresses, never passwords or codes); not every
        # successful sign-in, which the audit trail already has.
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}

# Public forms: bodies and field counts far above what the longest intake step sends are refused
# with a 4xx before anything is parsed (clinic.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 600
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Rate limits need a cache shared by every worker: Redis in production (REDIS_URL).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, failing open: with Redis away the forms keep working, uncounted,
            # with a warning in the log (clinic/cache.py); /healthz reports Redis as down.
            "BACKEND": "clinic.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG is off (rate limits need it)")
RATELIMIT_VIEW = "clinic.views.rate_limited"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# A limit that cannot be counted (the store is away) lets the request through.
RATELIMIT_FAIL_OPEN = True
# Rate limits count the client's address as clinic.client decides it (TRUSTED_PROXY_COUNT), not
# REMOTE_ADDR, which behind a reverse proxy is the proxy's for every patient.
RATELIMIT_IP_META_KEY = "clinic.client.client_ip_for_rate_limits"
SILENCED_SYSTEM_CHECKS = [
    # Django's own RedisCache increments atomically; django-ratelimit only lists django-redis.
    "django_ratelimit.W001",
]
if not REDIS_URL:
    # Development and tests run in one process, where a local-memory cache is shared enough.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Error reports and tracebacks must never carry patient answers (clinic/reporting.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic.reporting.PatientDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "clinic.reporting.PatientDataReporter"

# Staff sign-in lockout (django-axes): five failures lock an account from the address they
# came from (the combination), and that address for every account, never the account
# everywhere, so nobody elsewhere can lock its owner out. Across all addresses an account is
# slowed down instead (clinic.sign_in_guard). A lock ends a fixed time after the failure
# that set it. Failed second-factor codes count too (clinic.two_factor). An administrator
# unlocks early with `manage.py axes_reset_username NAME` or `axes_reset_ip ADDRESS` (README,
# "Security and privacy").
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 30))
# Account and address together, and the address; never the account alone (clinic.two_factor).
AXES_LOCKOUT_PARAMETERS = "clinic.two_factor.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "clinic.two_factor.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts during a lock are refused without being counted: otherwise anyone could keep a lock
# going forever, and the owner's own right password would restart it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Across every address, an account's recent failures (within the lockout window) slow its
# sign-in down: from the failure limit on, 1, 2, 4... seconds between attempts, at most this
# many. Addresses where the account completed a sign-in (password and code) in the last
# SIGN_IN_USUAL_ADDRESS_DAYS are not slowed, so its owner gets in during an attack.
SIGN_IN_ACCOUNT_DELAY_MAX_SECONDS = env_int("SIGN_IN_ACCOUNT_DELAY_MAX_SECONDS", 60)
SIGN_IN_USUAL_ADDRESS_DAYS = env_int("SIGN_IN_USUAL_ADDRESS_DAYS", 30)
# Axes keeps the query and form of a failed attempt: never a password or a code.
# The username too: the form as typed may hold a password typed into the username box (the
# attempt keeps the known username or a marker instead: AXES_USERNAME_CALLABLE).
AXES_SENSITIVE_PARAMETERS = [
    "password",
    "otp_token",
    "recovery_code",
    "csrfmiddlewaretoken",
    "username",
]
# Only a complete sign-in (password and code) clears the count: see clinic.two_factor.
AXES_RESET_ON_SUCCESS = False
# Sign-ins are already in the audit trail; the lockout only needs the failures.
AXES_DISABLE_ACCESS_LOG = True
# The same client address as rate limits and the audit trail (clinic.client).
AXES_CLIENT_IP_CALLABLE = "clinic.client.client_ip_or_unknown"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "clinic.two_factor.lockout_username"
AXES_CLIENT_STR_CALLABLE = "clinic.two_factor.lockout_client_str"

# Second factor (django-otp): a time-based code from an authenticator app for every staff
# account. Wrong codes slow the device down (1, 2, 4... seconds) and count toward the lockout.
OTP_TOTP_ISSUER = CLINIC_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
# Administrators may delete a colleague's device (a reset), never read its key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Enrolling an authenticator app needs an administrator's invitation (staff admin action),
# e-mailed to the staff member, valid this long and once.
TWO_FACTOR_INVITATION_HOURS = env_int("TWO_FACTOR_INVITATION_HOURS", 72)
RECOVERY_CODE_COUNT = 10

# Retention (manage.py apply_retention): closed submissions are anonymised this many days after
# their final decision. Seven years by default; set what the clinic's records policy says.
RETENTION_CLOSED_SUBMISSIONS_DAYS = env_int("RETENTION_CLOSED_SUBMISSIONS_DAYS", 2555)

# Background work (urgent alerts and their escalation, appointment emails): tasks are rows in
# the database, written in the transaction that asks for them, and run by `manage.py db_worker`
# (one or more processes; `manage.py serve` starts one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Clinic policy knobs (the screening thresholds live in the database: see screening.models).
DRAFT_TTL_DAYS = env_int("DRAFT_TTL_DAYS", 30)
# How many reverse proxies in front of the app append to X-Forwarded-For; rate limits, the
# lockout and the audit trail take the client address they saw (clinic.client; 0: the direct
# peer, and the header is ignored). AUDIT_TRUSTED_PROXIES is the variable's older name.
_older_proxy_count = env_int("AUDIT_TRUSTED_PROXIES", None)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", _older_proxy_count or 0)
if _older_proxy_count not in (None, TRUSTED_PROXY_COUNT):
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT and AUDIT_TRUSTED_PROXIES (its older name) disagree: set one"
    )
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
