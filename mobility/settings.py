"""Settings, read from the environment in this one place.

A bad value fails loudly at start-up rather than running with a surprising default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mobility import logs, sentry
from mobility.cache_url import cache_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from error


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Without DEBUG, an unset SECRET_KEY stays empty: offline commands (makemigrations) still
# run, the web server refuses to start (mobility/wsgi.py) and Django refuses to sign.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or env_bool("ALLOW_INSECURE_SECRET_KEY", False)):
    SECRET_KEY = "insecure-local-demo-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The Django admin, with a site that lets platform administrators in (scoped).
    "mobility.apps.MobilityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mobility",
    "diagnostics",
    "fleet",
    "drivingschool",
    "accompaniment",
    "imports",
    "documents",
]

MIDDLEWARE = [
    # First: the request id and the access log see every answer, the ones below included.
    "mobility.middleware.RequestLogMiddleware",
    # Before anything reads the body: an oversized one is a 413, not a 400 or a 500.
    "mobility.middleware.RequestBodyLimitMiddleware",
    # A database that does not answer is a 503 with Retry-After, never a 500 page.
    "mobility.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers of every answer, static files included (CSP, Permissions-Policy).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mobility.middleware.ApiErrorsAsJsonMiddleware",
    "mobility.middleware.RejectNulCharacterMiddleware",
    "mobility.middleware.ApiTokenMiddleware",
    "mobility.middleware.IdempotencyMiddleware",
    "mobility.security_headers.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username
# from one address, that pair waits AXES_COOLOFF_MINUTES. Bearer tokens are not passwords
# and are not concerned.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "mobility/locked_out.html"

ROOT_URLCONF = "mobility.urls"
WSGI_APPLICATION = "mobility.wsgi.application"

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
                "mobility.context_processors.navigation",
            ],
            # French dates ("1er décembre") replace Django's `date` filter in every template.
            "builtins": ["mobility.templatetags.french_dates"],
        },
    },
]

# An SQLite file by default so the demo runs anywhere; PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Keeping a connection for a minute saves a PostgreSQL handshake per request
        # (1.6 to 2.5 times the throughput); health checks drop a connection gone stale.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A PostgreSQL replica for the reports and exports (mobility/db_router.py): the long reads
# leave the primary to the working day. Without it, everything runs on `default`.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    # Tests run the replica as the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["mobility.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "mobility.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Every page asks for static files by their hashed names: the plain copies need neither
# space nor compression (collectstatic then compresses half as many files).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Uploaded files (the documents of the people) go through Django's storage API. By default
# a private folder on the disk, outside static/; no URL serves it (there is no MEDIA_URL
# route): every download goes through a view that checks the role and the platform and
# writes the consultation log. With STORAGE_S3_BUCKET set, an S3-compatible store
# (django-storages), private objects, never a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
# The largest document accepted, in bytes (10 Mo).
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# The largest photo of a vehicle accepted from a tablet's camera, in bytes (15 Mo: a
# 48 Mpx phone's JPEG); it is kept resized, a few hundred kilobytes.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024)
STORAGES = {
    "default": DEFAULT_STORAGE,
    # Hashed, compressed names after `collectstatic`: WhiteNoise serves them with a one-year
    # `Cache-Control: max-age=31536000, immutable`, since a change makes a new name.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Plateforme mobilité <ne-pas-repondre@localhost>"
)
# Seconds an SMTP connection may wait on the server: a hanging relay fails the try (which
# is retried later) instead of holding a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be at least 1 second.")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
# The import of a platform's files: rows and bytes of one file (below the request limit).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 2000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 900_000)
# Days an invitation link stays valid (the administrator can send a new one after).
INVITATION_TIMEOUT_DAYS = env_int("INVITATION_TIMEOUT_DAYS", 7)
if INVITATION_TIMEOUT_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_TIMEOUT_DAYS must be at least 1 day.")

# Background work through Django's tasks API (the django-tasks backport; the same code
# moves to django.tasks with Django 6). The database backend keeps the queue in the
# project's database, SQLite or PostgreSQL alike; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A failed email is tried again after each of these delays, then left in "échec".
NOTIFICATION_RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
# A pending notification nothing happened to for this long has lost its task (worker
# killed mid-send): the daily retry job, or staff from the referral page, send it again.
NOTIFICATION_STUCK_AFTER = timedelta(hours=1)
# Finished task results are deleted after this many days (daily job); they hold ids only.
TASK_RESULTS_RETENTION_DAYS = env_int("TASK_RESULTS_RETENTION_DAYS", 14)
# A task still "running" this long after it started was left by a worker that died.
TASK_LOST_AFTER = timedelta(hours=6)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): only the site's own scripts, styles, images and
# fonts; no inline script or style attribute (the pages use static files and CSS classes,
# bars included: static/css/widths.css); never framed; forms post only to the site.
# /api/docs (Swagger UI from django-ninja's static files) runs under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI and the Django admin draw some icons as data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Permissions-Policy: no camera, microphone or location for any page. The vehicle photos
# at check-in may later need the camera: then "camera": ["self"].
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": []}

# Behind a reverse proxy that terminates HTTPS (docs/deploiement.md): trust its
# X-Forwarded-Proto header, redirect plain HTTP, and tell browsers to stay on HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The health check answers the proxy and the monitoring over plain HTTP on the host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The largest request body (JSON or form) read, in bytes: beyond it, a 413 in French. The
# project takes no file upload, so this bounds every request.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
if DATA_UPLOAD_MAX_MEMORY_SIZE < 1024:
    raise ImproperlyConfigured("DATA_UPLOAD_MAX_MEMORY_SIZE must be at least 1024 (bytes).")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "db://mobility_cache"))}

# API throttling per user (django-ninja, counted in the cache shared by every process:
# Redis, or a table of the database).
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "1200/min")

# Personal data is kept this long after a person's last pathway ends, then anonymised
# (`manage.py anonymise_beneficiaries --wet-run`, daily).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365)

# The legal notice: who publishes the service (the association or group of platforms that
# runs it, with its address) and who hosts it. deploy/env.example lists them.
LEGAL_PUBLISHER = os.environ.get(
    "LEGAL_PUBLISHER", "L'exploitant de ce service (LEGAL_PUBLISHER à renseigner)"
)
LEGAL_HOSTING = os.environ.get("LEGAL_HOSTING", "L'hébergeur (LEGAL_HOSTING à renseigner)")

# How long an Idempotency-Key is remembered, in hours.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 48)

# An API token works this many days after its creation (the default and the longest a
# token made on the « Jetons d'API » page may last); then a 401 says it expired.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 365)
if not 1 <= API_TOKEN_LIFETIME_DAYS <= 3650:
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_DAYS must be between 1 and 3650 (days).")

# Funder reports: a count of 1 to this minus one people is masked (statistical secrecy).
REPORT_SECRECY_THRESHOLD = env_int("REPORT_SECRECY_THRESHOLD", 5)
if REPORT_SECRECY_THRESHOLD < 1:
    raise ImproperlyConfigured("REPORT_SECRECY_THRESHOLD must be at least 1.")

# Logs: one JSON object per line by default (text for the demo), each with the request id
# and user id; never a name, e-mail, phone or search term (mobility/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in logs.LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = logs.logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))

# Errors go to Sentry when SENTRY_DSN is set, scrubbed of personal data (mobility/sentry.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    sentry.init_sentry(
        dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production")
    )
