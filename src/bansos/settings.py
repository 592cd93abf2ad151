"""Settings for bansos, read from the environment.

DATABASE_URL      default: SQLite file under ./var/ (the embedded default)
BANSOS_DATA_KEY   encryption keys for protected fields, "kid:base64key[,kid:base64key...]";
                  the first is used to encrypt, all are tried to decrypt (rotation)
BANSOS_INDEX_KEY  base64 key for the HMAC blind index of protected fields
BANSOS_VAR_DIR    where the embedded database, keys, uploads and demo files live (./var)
DEBUG             off unless set to 1/true
BANSOS_TASKS      where background jobs run: "db" (queued, run by `bansos db_worker`; default)
                  or "immediate" (inside the request that queues them)
BANSOS_PROTECT_PROCESS  encrypt big import batches in a helper process (default on; 0 to
                  keep everything in one process, e.g. where processes cannot be started)
BANSOS_LINK_UPPER, BANSOS_LINK_LOWER  linkage thresholds (match probability): merge at or
                  above the upper (0.99), review between, distinct below the lower (0.80)
SECRET_KEY        Django's signing key (generated into ./var/ for local use if absent)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from bansos.core.keyfile import load_local_keys

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BANSOS_VAR_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("DEBUG")
BANSOS_PROTECT_PROCESS = _flag("BANSOS_PROTECT_PROCESS", default=True)

# Keys come from the environment; for a local or demo install they are generated once into
# ./var/keys.env (outside the database, never committed).
_local = load_local_keys(VAR_DIR) if not os.environ.get("BANSOS_DATA_KEY") else {}
SECRET_KEY = os.environ.get("SECRET_KEY") or _local.get("SECRET_KEY", "")
BANSOS_DATA_KEY = os.environ.get("BANSOS_DATA_KEY") or _local.get("BANSOS_DATA_KEY", "")
BANSOS_INDEX_KEY = os.environ.get("BANSOS_INDEX_KEY") or _local.get("BANSOS_INDEX_KEY", "")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "bansos.core",
    "bansos.areas",
    "bansos.registry",
    "bansos.intake",
    "bansos.linkage",
    "bansos.targeting",
    "bansos.programs",
    "bansos.payments",
    "bansos.notify",
    "bansos.cases",
    "bansos.portal",
    "bansos.audit",
    "bansos.office",
    "bansos.demo",
    "django_tasks",
    "django_tasks_db",
]

# Background jobs (django-tasks, the backport of Django 6's tasks): stored in the database and
# run by `bansos db_worker` (which `bansos demo` starts beside the web server). "immediate"
# runs each job inside the request that queues it (tests, or a setup without a worker).
_TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("BANSOS_TASKS", "db")]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "bansos.urls"
WSGI_APPLICATION = "bansos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bansos.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a batch job writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "office:login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "uploads"  # outside any web root; served only through views

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "bansos.core.redact.RedactFilter"}},
    "formatters": {"redacted": {"()": "bansos.core.redact.RedactingFormatter",
                                "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "redacted"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Record linkage: match probability at or above which a staged row merges into a registry
# person (BANSOS_LINK_UPPER), and below which it is a different person (BANSOS_LINK_LOWER);
# between the two a duplicate review is opened. Each run stores the thresholds it used.
BANSOS_LINK_UPPER = float(os.environ.get("BANSOS_LINK_UPPER", "0.99"))
BANSOS_LINK_LOWER = float(os.environ.get("BANSOS_LINK_LOWER", "0.80"))

# Disbursement: the paying ministry's name in payment files, and its escrow (holding) account
# at each bank as "BANK:number,…" (the debtor account of every pain.001). The defaults are
# the demo's; a deployment sets its own.
BANSOS_PAYER_NAME = os.environ.get("BANSOS_PAYER_NAME", "Kementerian Sosial RI")
BANSOS_ESCROW_ACCOUNTS = dict(
    item.split(":", 1) for item in os.environ.get(
        "BANSOS_ESCROW_ACCOUNTS",
        "BRI:034101000123301,BNI:0123456701,MANDIRI:1230007654321,BTN:0001201500012345,BSI:7123456701",
    ).split(",") if ":" in item)

# Notifications (notify app). SMS go to an HTTP gateway: POST BANSOS_SMS_URL with form fields
# `to` (E.164) and `text`, basic auth with BANSOS_SMS_USER/BANSOS_SMS_PASSWORD when a user is
# set, BANSOS_SMS_TIMEOUT seconds per request. With no URL, SMS stay pending until one is set.
# A failed message is retried with back-off (1 min doubling, at most 6 h) and marked failed
# after BANSOS_NOTIFY_MAX_ATTEMPTS attempts. Officer emails use Django's EMAIL_* settings.
BANSOS_SMS_URL = os.environ.get("BANSOS_SMS_URL", "")
BANSOS_SMS_USER = os.environ.get("BANSOS_SMS_USER", "")
BANSOS_SMS_PASSWORD = os.environ.get("BANSOS_SMS_PASSWORD", "")
BANSOS_SMS_TIMEOUT = float(os.environ.get("BANSOS_SMS_TIMEOUT", "10"))
BANSOS_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("BANSOS_NOTIFY_MAX_ATTEMPTS", "6"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bansos@localhost")

# --- Cache and the public Cek Bansos search (portal) ---------------------------------------
# BANSOS_CACHE_URL  unset: each process keeps its own cache in memory (LocMemCache), so with
#                   several web workers each counts rate limits on its own; set it to a Redis
#                   URL (redis://host:6379/0, rediss://…) to share one cache between all workers
#                   (Django's RedisCache; needs the `redis` package installed).
# BANSOS_PORTAL_SEARCH_RATES  searches allowed per client address, comma-separated
#                   django-ratelimit rates (default "10/m,200/d": ten a minute, 200 a day).
# BANSOS_CLIENT_IP_HEADER  behind a reverse proxy: the request.META key holding the client's
#                   address that the proxy sets (e.g. HTTP_X_REAL_IP); unset: the socket's.
# BANSOS_PORTAL_HUMAN_CHECK is always on here (no variable turns it off): only a benchmark's
# own settings module switches it off for its load test.
_CACHE_URL = os.environ.get("BANSOS_CACHE_URL", "").strip()
if _CACHE_URL:
    import importlib.util

    from django.core.exceptions import ImproperlyConfigured

    if not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"BANSOS_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {_CACHE_URL!r}")
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("BANSOS_CACHE_URL names a Redis server but the `redis` package is not "
                                   "installed: install it (pip install redis) or unset BANSOS_CACHE_URL")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bansos"}}
BANSOS_PORTAL_SEARCH_RATES = [r.strip() for r in os.environ.get(
    "BANSOS_PORTAL_SEARCH_RATES", "10/m,200/d").split(",") if r.strip()]
BANSOS_PORTAL_HUMAN_CHECK = True
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = os.environ.get("BANSOS_CLIENT_IP_HEADER") or None

# Citizen sign-up: show the one-time code on the verification page as well as sending it (the
# demo has no real phones; `bansos demo` turns it on for its own server). Never in production.
BANSOS_DEMO_SHOW_OTP = _flag("BANSOS_DEMO_SHOW_OTP")
