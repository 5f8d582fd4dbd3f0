"""SalesHeart settings, read from environment variables only.

With nothing set, a fresh checkout runs locally on SQLite with DEBUG on.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

# Serves the production settings over plain HTTP on localhost, for evaluating
# a production build without a TLS proxy in front. Never set it in production.
ALLOW_PLAIN_HTTP = envbool("ALLOW_PLAIN_HTTP", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-local-development-only-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "salesheart",
    "conversations",
    "reflections",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "django_tasks_db",
]
FORM_RENDERER = "salesheart.forms.FormRenderer"

MIDDLEWARE = [
    # Outermost, so a database outage inside the session or auth middleware gets the
    # friendly 503 page too.
    "salesheart.db_errors.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, also renewing the idle timeout of a session in use (salesheart/sessions.py).
    "salesheart.sessions.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times are read and entered in the signed-in person's own time zone.
    "salesheart.time_zones.TimeZoneMiddleware",
    # Every view needs a signed-in user unless it opts out with @login_not_required;
    # a form posted after the session expired is kept for after sign-in.
    "salesheart.pending.LoginRequiredKeepingPostMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a sign-in it refused into the lockout page,
    # rendered inside the CSP middleware so the page gets its nonce and header.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesheart.urls"
WSGI_APPLICATION = "salesheart.wsgi.application"

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
                "django.template.context_processors.csp",
                "salesheart.context_processors.server_clock",
                "salesheart.context_processors.navigation",
            ],
            # Like {% csrf_token %}, every create form carries one: no {% load %} each time.
            # form_owner replaces {% csrf_token %} itself: every form also says whose
            # page it is, so input kept over a sign-out goes back to that person only.
            "builtins": [
                "salesheart.templatetags.submission",
                "salesheart.templatetags.form_owner",
            ],
        },
    },
]

# SQLite by default (a file next to the code), PostgreSQL through DATABASE_URL.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Several gunicorn workers share one file: WAL lets readers run beside a writer,
# IMMEDIATE takes the write lock up front so a transaction never fails half-way
# with "database is locked", and the timeout makes a second writer wait instead
# of erroring. secure_delete overwrites deleted rows with zeros: a transcript a
# rep deletes is gone from the file, not left in a free page.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=envint("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # However SQLite was chosen (no DATABASE_URL, or sqlite:///path), it gets the
    # options above; a URL's own query options still win over them.
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}

# The dashboards' rendered figures (conversations/fragments.py). Keys change with the data,
# so a process's own memory is always right; CACHE_URL=redis://... shares them between
# processes and hosts (Django's own Redis backend), which only saves recomputing.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL in {"", "memory"}:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # A team page's fragment is some 20 KB: a few thousand fit in tens of MB.
            "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 2000)},
        }
    }
elif CACHE_URL == "none":  # every page computed on every request (to measure, to debug)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be memory, none or redis://..., not {CACHE_URL!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "salesheart.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out sign-in is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes). Failures count per username *and* address together,
# so someone guessing a person's password cannot lock that person out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT must be 1 or more")
_cooloff_minutes = envint("AXES_COOLOFF_MINUTES", 15)
if _cooloff_minutes < 1:
    # Axes reads a missing cool-off as "locked until an admin resets it".
    raise ImproperlyConfigured("AXES_COOLOFF_MINUTES must be 1 or more")
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
# A person who finally gets it right starts from zero, not one typo from a lockout.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "salesheart.sign_in.lockout_response"
AXES_CLIENT_IP_CALLABLE = "salesheart.sign_in.client_ip_address"
# Failures expire with the cool-off; a log of every successful sign-in would grow
# forever and hold addresses nobody reads.
AXES_DISABLE_ACCESS_LOG = True
# Its start-up banner would print on every management command, cron's mail included.
AXES_VERBOSE = False
# How many reverse proxies in front of the app append the client's address to
# X-Forwarded-For. 0 (no proxy) ignores the header, which a client can write itself.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# Idle sessions end after two weeks without a request; requests renew them. Not by
# saving the session on every request (SESSION_SAVE_EVERY_REQUEST: a database write,
# on PostgreSQL a commit, on every page, the read-only ones too), but when its stored
# end is more than SESSION_RENEW_INTERVAL behind a fresh one: an active person's
# session is written about once an hour, and an idle one ends at most that much
# earlier than SESSION_COOKIE_AGE after their last request (salesheart/sessions.py).
SESSION_ENGINE = "salesheart.sessions"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
# An hour, or a hundredth of a short age (an hour-long session renews every 36 seconds).
SESSION_RENEW_INTERVAL = min(3600, SESSION_COOKIE_AGE // 100)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded call recordings, only until they are measured. A worker on another host
    # needs the same files: point this at a shared object store there (README).
    "recordings": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(os.environ.get("RECORDINGS_ROOT", BASE_DIR / "media" / "recordings"))
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Locally whitenoise serves straight from static/; production serves the collected, hashed files.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console.
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Where people open the app, for links in emails (reminders), which have no request to
# ask. `check --deploy` refuses a missing or local one when DEBUG is off (salesheart/checks.py).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SalesHeart <salesheart@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. CSP is on everywhere: scripts only from us with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG and not ALLOW_PLAIN_HTTP:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS in browsers for months; that
        # is the domain owner's call (SECURE_HSTS_PRELOAD=true), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if envbool("SECURE_PROXY_SSL_HEADER", False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# A pasted transcript may be 2 MB of text (more in bytes when it is not ASCII).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CSRF_FAILURE_VIEW = "salesheart.views.csrf_failure"

# Background jobs (measuring recordings). "db": jobs in the database, run by
# `manage.py db_worker` (no other service needed); "rq": Redis at REDIS_URL, run by
# `manage.py rqworker`; "immediate": inside the request (tests, trials).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    # Redis queues for when one machine is not enough: workers on any host that reaches
    # Redis, the database and STORAGES["recordings"].
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be db, rq or immediate, not {TASKS_BACKEND!r}")

# Recordings: the largest upload and the longest call measured; words on by default.
RECORDING_MAX_BYTES = envint("RECORDING_MAX_MB", 200) * 1_000_000
RECORDING_MAX_SECONDS = envint("RECORDING_MAX_MINUTES", 120) * 60
# A running job whose worker has not been heard of for this long died: retried once, then failed.
RECORDING_STALE_SECONDS = envint("RECORDING_STALE_SECONDS", 300)
