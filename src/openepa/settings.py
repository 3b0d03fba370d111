"""Django settings, read from environment variables (see README, "Deploying").

SQLite by default so a fresh clone runs; PostgreSQL through ``DATABASE_URL``. With
``DEBUG=false`` a ``SECRET_KEY`` is required and cookies are secure.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from openepa.conf import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_optional_url,
    env_path,
    env_str,
    env_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = env_path("OPENEPA_VAR_DIR", REPO_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-key-not-for-production")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be at least 32 characters when DEBUG is false: set SECRET_KEY to a "
            "long random string in production, or DEBUG=true for development"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "openepa.accounts",
    "openepa.specifications",
    "openepa.files",
    "openepa.audit",
    "openepa.registration",
    "openepa.people",
    "openepa.gateway",
    "openepa.planning",
    "openepa.assessment",
    "openepa.results",
    "openepa.claims",
    "openepa.assessment_service",
    "openepa.notifications",
    "openepa.submissions",
    "openepa.documents",
    "openepa.sweep",
    "openepa.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openepa.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openepa.urls"
WSGI_APPLICATION = "openepa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openepa.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'openepa.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        # A kept connection the database dropped (a restart, a failover) is noticed at the
        # start of the next request or task and opened again, instead of failing with a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling: after 5 failures for one email address from one client address, 15
# minutes; other addresses may still sign in to the account, so no stranger can lock anyone
# out. Behind a reverse proxy, TRUSTED_PROXY_COUNT (the number of proxies in front of
# OpenEPA) makes the client's address the one the first proxy appended to X-Forwarded-For.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "openepa.people.throttling.sign_in_username"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "openepa.people.throttling.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# django-axes' admin lists every EPAO's sign-ins; openepa/people/admin.py lists the EPAO's own.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = env_path("OPENEPA_STATIC_ROOT", VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded files live outside the web root and are served only by views that check
# permission.
UPLOAD_DIR = env_path("OPENEPA_UPLOAD_DIR", VAR_DIR / "uploads")
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "emails"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
# With EMAIL_AUTH=true the SMTP user name and password must both be set.
EMAIL_AUTH = env_bool("EMAIL_AUTH", False)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") if EMAIL_AUTH else ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") if EMAIL_AUTH else ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds the SMTP connection waits on the mail server at each step before giving up (the
# email is then retried later), so a stalled server never holds a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OpenEPA <no-reply@openepa.invalid>")

# The government's apprenticeship assessment service (its external API): where it is and the
# subscription key it issued the EPAO. Without a URL nothing is sent and the pages say so;
# the CSV and JSON exports still work. Each request waits at most the timeout (seconds).
ASSESSMENT_SERVICE_URL = env_optional_url("ASSESSMENT_SERVICE_URL")
ASSESSMENT_SERVICE_KEY = env_str("ASSESSMENT_SERVICE_KEY") if ASSESSMENT_SERVICE_URL else ""
ASSESSMENT_SERVICE_TIMEOUT = env_int("ASSESSMENT_SERVICE_TIMEOUT", 30, minimum=1)
ASSESSMENT_SERVICE_ATTEMPTS = env_int("ASSESSMENT_SERVICE_ATTEMPTS", 8, minimum=1)

# Background work (emails, PDF batches, the daily sweep) goes through Django's tasks API,
# stored in the database and run by `openepa manage db_worker` (any number of workers).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "documents"],
    }
}
# How many days before a deadline reminders are sent, and how often a failed email is tried.
REMINDER_LEAD_DAYS = env_int("REMINDER_LEAD_DAYS", 7, minimum=1)
EMAIL_ATTEMPTS = env_int("EMAIL_ATTEMPTS", 5, minimum=1)
# A task still running after this many minutes was left by a worker that stopped: the sweep
# runs it again, up to TASK_ATTEMPTS starts in all (keep it longer than the longest task).
TASK_STALE_MINUTES = env_int("TASK_STALE_MINUTES", 30, minimum=1)
TASK_ATTEMPTS = env_int("TASK_ATTEMPTS", 3, minimum=1)
# The least time between two assessments of one assessor or one apprentice (travel, a break).
BOOKING_GAP_MINUTES = env_int("BOOKING_GAP_MINUTES", 30, minimum=0)
# Where a specification sets no EPA window, how many weeks ahead an assessor's capacity counts.
CAPACITY_WEEKS_WITHOUT_WINDOW = env_int("CAPACITY_WEEKS_WITHOUT_WINDOW", 12, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8, minimum=1) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response by openepa.web.security.SecurityHeadersMiddleware: scripts, styles,
# images and fonts come from OpenEPA's own address only, never inline; no page may be framed;
# and no page may use the camera, microphone, location, payment or other powerful features.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
