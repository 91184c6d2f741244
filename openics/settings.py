"""OpenICS settings: one file, driven by environment variables.

Every value a deployment changes is read from the environment, so the same
code runs on a laptop (SQLite, demo mode) and in production (PostgreSQL,
TLS, MFA).  `docs/deployment.md` lists the variables.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENICS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The test suite sets this itself; running pytest directly works too.
if os.path.basename(sys.argv[0]).startswith(("pytest", "py.test")):
    os.environ.setdefault("OPENICS_TESTING", "1")
TESTING = bool(os.environ.get("OPENICS_TESTING"))

# Production is the default: a deployment must opt *out* of safety, never in.
DEBUG = env_bool("OPENICS_DEBUG", False)
# Demo mode allows the printed demo passwords and signing in without a second
# factor.  `make run` turns it on; the deploy check refuses it.
DEMO_MODE = env_bool("OPENICS_DEMO", False)

SECRET_KEY = os.environ.get("OPENICS_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or TESTING:
        # A fixed key is only acceptable where there is nothing to protect.
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"  # noqa: S105
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set OPENICS_SECRET_KEY (50+ random characters) in production.")

ALLOWED_HOSTS = env_list("OPENICS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("OPENICS_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "openics.core",
    "openics.timescales",
    "openics.records",
    "openics.safeguarding",
    "openics.schools",
    "openics.casework",
    "openics.retention",
    "openics.plans",
    "openics.meetings",
    "openics.web",
    "openics.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openics.core.middleware.SessionLimitsMiddleware",
    "openics.core.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "openics.core.middleware.NoStoreMiddleware",
    "openics.core.middleware.AuditContextMiddleware",
    # Axes must be last: it inspects the result of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openics.urls"
WSGI_APPLICATION = "openics.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "openics.web.context_processors.site",
            ],
        },
    }
]

# SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in
# production and CI).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'openics.sqlite3'}",
        conn_max_age=int(os.environ.get("OPENICS_DB_CONN_MAX_AGE", "60")),
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES and not TESTING:
    # A second connection to the same database, so that a denial is
    # committed on its own even when the request's transaction rolls back.
    # (Tests run inside one transaction per test, so they do without it.)
    DATABASES["audit"] = DATABASES["default"].copy()
elif not IS_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite creates hundreds of users.  A
    # test that checks the production hasher overrides this.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-work"
LOGOUT_REDIRECT_URL = "login"

# Sign-in: MFA for everyone outside demo mode; lockout after 5 failures.
# Tests sign in with force_login; the MFA tests turn this back on.
OPENICS_REQUIRE_MFA = env_bool("OPENICS_REQUIRE_MFA", not (DEMO_MODE or TESTING))
AXES_FAILURE_LIMIT = int(os.environ.get("OPENICS_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock the account, not the address: a council's staff share a few
# outgoing addresses, and locking one would lock out a whole office.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("OPENICS_AXES_ENABLED", True)
# A locked account sees the sign-in page with a clear message (429).
AXES_LOCKOUT_CALLABLE = "openics.core.auth_views.locked_out"

# Sessions: 15 minutes idle, 12 hours absolute (both enforced by
# SessionLimitsMiddleware).
SESSION_COOKIE_AGE = 15 * 60
# The middleware renews the session at most this often, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
OPENICS_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OPENICS_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
# Exports and other high-risk actions ask for the password again when the
# last sign-in or confirmation is older than this (openics/core/reauth.py).
OPENICS_REAUTH_SECONDS = int(os.environ.get("OPENICS_REAUTH_SECONDS", "300"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE = env_bool("OPENICS_SECURE", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# Tests speak plain HTTP through Django's client; the redirect itself is a
# deployment concern, checked by `check --deploy` and its own test.
SECURE_SSL_REDIRECT = SECURE and not TESTING and env_bool("OPENICS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("OPENICS_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

FORM_RENDERER = "openics.web.forms.GovukFormRenderer"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg"), ("pl", "Polski")]
LOCALE_PATHS = [BASE_DIR / "openics" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("OPENICS_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or DEMO_MODE or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE or TESTING
if WHITENOISE_USE_FINDERS:
    # Files are served from the apps' folders here, so an empty STATIC_ROOT
    # (nothing collected yet) is expected, not worth a warning per process.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

EMAIL_BACKEND = os.environ.get("OPENICS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("OPENICS_FROM_EMAIL", "openics@localhost")
# The SMTP relay the outbox worker sends through (with OPENICS_EMAIL_BACKEND
# set to django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("OPENICS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OPENICS_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("OPENICS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("OPENICS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("OPENICS_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30

REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 (with
    # WWW-Authenticate), and a session counts only after the second factor.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openics.api.authentication.TokenAuthentication",
        "openics.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "openics.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenICS API",
    "DESCRIPTION": "The Integrated Children's System record, need-to-know.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Code lists keep their own names in generated clients.
    "ENUM_NAME_OVERRIDES": {
        "RelationshipKindEnum": "openics.core.models.RelationshipKind",
        "InvolvementKindEnum": "openics.core.models.InvolvementKind",
        "OrganisationKindEnum": "openics.core.models.OrganisationKind",
        "PartEnum": "openics.core.roles.Part",
        "CategoryOfAbuseEnum": "openics.records.codes.CategoryOfAbuse",
        "MeetingKindEnum": "openics.meetings.models.MeetingKind",
        "ParticipantKindEnum": "openics.meetings.models.ParticipantKind",
        "FollowUpKindEnum": "openics.schools.codes.FollowUpKind",
        "AllegationEntryKindEnum": "openics.schools.codes.AllegationEntryKind",
        "PlanLevelEnum": "openics.plans.models.Level",
        "EvidenceKindEnum": "openics.plans.models.EvidenceKind",
        "SafeguardingLevelOfNeedEnum": "openics.safeguarding.codes.LevelOfNeed",
        "TrainingLevelEnum": "openics.schools.codes.TrainingLevel",
        "TriageOutcomeEnum": "openics.safeguarding.codes.TriageOutcome",
        "AllegationOutcomeEnum": "openics.schools.codes.AllegationOutcome",
        "DeliveryMethodEnum": "openics.meetings.models.DeliveryMethod",
        "NotificationMethodEnum": "openics.schools.codes.NotificationMethod",
    },
}

# The authority this installation serves; its nation picks the calendar.
OPENICS_AUTHORITY_NAME = os.environ.get("OPENICS_AUTHORITY_NAME", "")
# Salt for hashing IP addresses and session keys in the audit trail, so the
# trail proves "same place" without holding the address itself.
OPENICS_AUDIT_SALT = os.environ.get("OPENICS_AUDIT_SALT", SECRET_KEY[:16])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENICS_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
