"""KAA settings, read from the environment (see .env.example for every variable).

DJANGO_ENV chooses the profile:
- development: the default; a local SQLite file and in-process tasks unless
  DATABASE_URL / CELERY_BROKER_URL are set; an insecure key is allowed.
- test: like development, tuned for a quick suite (MD5 hasher, locmem e-mail).
- production: refuses to start without SECRET_KEY and ALLOWED_HOSTS; DEBUG is off.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kaa.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "test", "production"), "development")
IS_PRODUCTION = DJANGO_ENV == "production"
IS_TEST = DJANGO_ENV == "test"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
else:
    # Only for development and tests: never used when DJANGO_ENV=production.
    SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-kaa-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "mozilla_django_oidc",
    "kaa",
    "youths",
    "actions",
    "scb_export",
    "dashboards",
]

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
    "csp.middleware.CSPMiddleware",
    "kaa.middleware.SessionLifetimeMiddleware",
    "kaa.middleware.ActiveMunicipalityMiddleware",
    "kaa.middleware.NoStoreMiddleware",
    # django-axes must come last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaa.urls"
WSGI_APPLICATION = "kaa.wsgi.application"

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
                "kaa.context_processors.municipality",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, otherwise a local SQLite file for trying the app.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # The app's queries are short index lookups; PostgreSQL's JIT compiled list
        # queries for seconds before running them in milliseconds (measured at 50 000
        # youths). A query that needs JIT to be fast has the wrong shape.
        # Parallel workers alike: starting two cost 20 ms before a list page's ids query
        # read its 25 rows in under 1 ms (EXPLAIN ANALYZE, 500 000 youths), and a page
        # is served by one connection among many, not by a machine's spare cores.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c max_parallel_workers_per_gather=0"
        )
elif IS_PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_ENV=production.")
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
        }
    }
    # The demo database builds the covering indexes (INCLUDE) without their extra
    # columns: they only speed up PostgreSQL's index-only scans.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kaa.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if IS_TEST:
    # A quick hasher keeps the suite fast; never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out user is refused before the password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Swedish users: Swedish texts, Stockholm time, and ISO dates only. The Swedish locale
# accepts US-style dates by default, which turns 2026-03-04 typed as 03/04/26 into guesswork.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kaa.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not IS_PRODUCTION:
    # WhiteNoise warns about a missing STATIC_ROOT; in production `collectstatic` makes it.
    STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: a real broker when CELERY_BROKER_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A worker that dies mid-task gets the task redelivered; the tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING above (its redacting formatters), not handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task nobody acknowledged after this many seconds. With acks_late a
# running import is acknowledged only when it ends, so this must exceed the longest
# import (100 000 rows take well under a minute); the sweeper below catches the rest.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}

# Imports of lists (inflyttade, skolhändelser).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# After this many deliveries of the same task a batch is marked failed with the reason.
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 5)
# A batch queued or running without progress for this long is re-enqueued by the sweeper.
IMPORT_STUCK_MINUTES = env_int("IMPORT_STUCK_MINUTES", 10)
# Rows applied per transaction: a worker that dies loses at most one chunk's work.
IMPORT_APPLY_CHUNK = env_int("IMPORT_APPLY_CHUNK", 5000)
# Database connections that apply a batch's chunks at once (PostgreSQL; SQLite uses one).
IMPORT_APPLY_WORKERS = env_int("IMPORT_APPLY_WORKERS", 2)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if IS_TEST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kaa@localhost")

# --- Security -------------------------------------------------------------------------
# Everything below is on in production; `manage.py check --deploy --fail-level WARNING`
# passes there with no warnings (tested).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline scripts or styles anywhere; every asset is our own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws select arrows and check marks as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Sessions: an idle timeout and an absolute lifetime (kaa.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# Seconds before the idle timeout at which the page warns the user.
SESSION_WARNING_BEFORE = env_int("SESSION_WARNING_BEFORE", 120)

# Single sign-on (OpenID Connect, kaa/oidc.py): off unless OIDC_ENABLED=1.
OIDC_ENABLED = env_bool("OIDC_ENABLED", default=False)
OIDC_CREATE_USER = False
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
# Match users by this claim (against User.employee_id) when present, otherwise by e-mail.
OIDC_EMPLOYEE_ID_CLAIM = env_str("OIDC_EMPLOYEE_ID_CLAIM", "")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "kommunens konto")
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/konto/logga-in/?sso=fel"
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    AUTHENTICATION_BACKENDS.append("kaa.oidc.KaaOIDCBackend")

# Local logins: lock out after 5 failures for the same username from the same address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False

# How long audit rows are kept before the nightly job removes them.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)
# Log follow-up: this many youth pages within this many minutes is flagged.
AUDIT_BURST_COUNT = env_int("AUDIT_BURST_COUNT", 30)
AUDIT_BURST_MINUTES = env_int("AUDIT_BURST_MINUTES", 10)

# The address users reach the app at, for links in e-mail.
KAA_BASE_URL = env_str("KAA_BASE_URL", "http://127.0.0.1:8000")

# Page size for lists of youths.
KAA_PAGE_SIZE = env_int("KAA_PAGE_SIZE", 25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_personal_data": {"()": "kaa.logging.RedactPersonalDataFilter"},
        "expected_refusal": {"()": "kaa.logging.ExpectedRefusalFilter"},
    },
    "formatters": {
        "plain": {
            "()": "kaa.logging.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "kaa.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_choice("LOG_FORMAT", ("plain", "json"), "plain"),
            "filters": ["no_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request line on 4xx/5xx; paths carry ids only, never personnummer.
        # A refusal (403) is one line without a traceback.
        "django.request": {"level": "WARNING", "filters": ["expected_refusal"]},
        # runserver's request lines: the formatters drop their query strings and mask
        # anything that looks like a personnummer.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes reports every login at INFO; failures are in the audit trail anyway.
        "axes": {"level": "WARNING"},
    },
}
