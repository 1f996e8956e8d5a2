"""Settings, read from the environment with safe development defaults.

Production sets CCHC_DEBUG=0, CCHC_SECRET_KEY, CCHC_ALLOWED_HOSTS and DATABASE_URL
(postgres://...). Without DATABASE_URL the embedded SQLite file in CCHC_DATA_DIR is used.
"""

import datetime
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def parse_clock(name: str, raw: str) -> int:
    """Minutes after midnight of a strict "HH:MM" (24-hour) time."""
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", raw.strip())
    if match is None:
        raise ImproperlyConfigured(
            f"{name} must be a time of day as HH:MM (24-hour, e.g. 15:00), got {raw!r}"
        )
    return int(match[1]) * 60 + int(match[2])


DEBUG = env_bool("CCHC_DEBUG", True)
SECRET_KEY = os.environ.get("CCHC_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("CCHC_SECRET_KEY must be set when CCHC_DEBUG is off")
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("CCHC_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CCHC_CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(os.environ.get("CCHC_DATA_DIR", BASE_DIR.parent / "data")).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "cchc.org",
    "cchc.periods",
    "cchc.catalog",
    "cchc.reports",
    "cchc.audit",
    "cchc.demo",
    "cchc.documents",
    "cchc.registers",
    "cchc.records",
    "cchc.consolidation",
    "cchc.notices",
    "cchc.scoring",
    "cchc.opendata",
    "cchc.web",
    "cchc.api",
    "cchc.exchange",
]

MIDDLEWARE = [
    "cchc.base.requestlog.RequestLogMiddleware",
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
    # Last: it turns a refused sign-in (too many failures) into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

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
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=env_int("CCHC_DB_CONN_MAX_AGE", 60)))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "cchc.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the app folders, so no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploaded evidence files and imports are refused above this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# An evidence file (PDF, DOCX, XLSX, PNG, JPEG) is refused above this many megabytes; the
# files are kept in CCHC_DATA_DIR/evidence.
CCHC_EVIDENCE_MAX_MB = env_int("CCHC_EVIDENCE_MAX_MB", 10)
if CCHC_EVIDENCE_MAX_MB < 1:
    raise ImproperlyConfigured("CCHC_EVIDENCE_MAX_MB must be at least 1")

# Cookies only over HTTPS in production; the demo (DEBUG off, plain http on 127.0.0.1) sets
# CCHC_SECURE_COOKIES=0.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("CCHC_SECURE_COOKIES", not DEBUG)
# A session ends CCHC_SESSION_HOURS after signing in (a working day by default: a GET never
# writes, so the session is not renewed on every page); the cookie is out of reach of scripts
# and not sent by other sites' forms.
SESSION_COOKIE_AGE = env_int("CCHC_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (production): CCHC_HTTPS=1 redirects http to https and sends HSTS;
# CCHC_PROXY_SSL_HEADER=1 when a reverse proxy ends TLS and sets X-Forwarded-Proto.
HTTPS = env_bool("CCHC_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS and env_bool("CCHC_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("CCHC_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("CCHC_HSTS_SUBDOMAINS", True)
# Preloading is a commitment of the whole domain that its owner makes, not an application:
# off unless asked, and Django's reminder about it silenced.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("CCHC_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("CCHC_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, images and fonts from this server only; no inline
# script or style anywhere (data for charts travels as json_script, which is not executed), no
# framing, forms posted only here. The API's Swagger UI page keeps to it too (its script is a file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Argon2id (OWASP's first choice); older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Failed sign-ins (django-axes): after CCHC_LOGIN_FAILURES failures for one account, or from
# one address, sign-in is refused for CCHC_LOGIN_COOLOFF_MINUTES; a success clears the count.
# The address limit is the same number, and a whole office behind one NAT address shares it:
# raise it there rather than lower the account's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CCHC_LOGIN_FAILURES", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("CCHC_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cchc.web.views.locked_out"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A refused form (stale page, expired session) gets a Vietnamese page, not Django's.
CSRF_FAILURE_VIEW = "cchc.web.errors.csrf_failure"

# A dossier received on a working day at or after this time starts its clock the next
# working day (minutes after midnight; "cchc dossiers reclassify --all" after a change).
CCHC_DOSSIER_CUTOFF = parse_clock(
    "CCHC_DOSSIER_CUTOFF", os.environ.get("CCHC_DOSSIER_CUTOFF") or "15:00"
)
# Working days to handle a citizen's phản ánh, kiến nghị ("cchc records recompute" after a
# change).
CCHC_FEEDBACK_WORKING_DAYS = env_int("CCHC_FEEDBACK_WORKING_DAYS", 15)
if CCHC_FEEDBACK_WORKING_DAYS < 1:
    raise ImproperlyConfigured("CCHC_FEEDBACK_WORKING_DAYS must be at least 1")

# E-mail for notices and reminders (cchc/notices). Development prints each message on the
# console; CCHC_EMAIL_FILE_PATH (or CCHC_EMAIL_BACKEND=file) writes them as files there;
# CCHC_EMAIL_BACKEND=smtp sends them through CCHC_EMAIL_HOST. A failed send is recorded on
# the notice, never raised.
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_email_file_path = os.environ.get("CCHC_EMAIL_FILE_PATH", "").strip()
_email_backend = os.environ.get("CCHC_EMAIL_BACKEND", "").strip().lower() or (
    "file" if _email_file_path else "console"
)
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"CCHC_EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, got {_email_backend!r}"
    )
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = Path(_email_file_path).resolve() if _email_file_path else DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("CCHC_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CCHC_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("CCHC_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CCHC_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CCHC_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("CCHC_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("CCHC_EMAIL_USE_TLS and CCHC_EMAIL_USE_SSL cannot both be on")
# A mail server that does not answer must not hold up a submit for long.
EMAIL_TIMEOUT = env_int("CCHC_EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured("CCHC_EMAIL_TIMEOUT must be at least 1 (seconds)")
DEFAULT_FROM_EMAIL = os.environ.get("CCHC_EMAIL_FROM", "Hệ thống báo cáo CCHC <cchc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, for the links in e-mails.
CCHC_SITE_URL = os.environ.get("CCHC_SITE_URL", "http://127.0.0.1:8000").strip()
if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", CCHC_SITE_URL):
    raise ImproperlyConfigured(
        f"CCHC_SITE_URL must be an http(s) address such as https://cchc.soctrang.gov.vn, "
        f"got {CCHC_SITE_URL!r}"
    )
# Reminders to units that have not sent their report: this many working days before the
# deadline, and this many after it (cchc remind).
CCHC_REMIND_BEFORE_DAYS = env_int("CCHC_REMIND_BEFORE_DAYS", 3)
CCHC_REMIND_AFTER_DAYS = env_int("CCHC_REMIND_AFTER_DAYS", 1)
if CCHC_REMIND_BEFORE_DAYS < 0:
    raise ImproperlyConfigured("CCHC_REMIND_BEFORE_DAYS must not be negative")
if CCHC_REMIND_AFTER_DAYS < 1:
    raise ImproperlyConfigured("CCHC_REMIND_AFTER_DAYS must be at least 1")

# The REST API (cchc/api): tokens for programs, the session (with CSRF) for the browser;
# every error as {"error": {...}} in Vietnamese; pages of 50 rows (?page_size= up to 500).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cchc.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cchc.api.permissions.SignedInWithScope"],
    "DEFAULT_PAGINATION_CLASS": "cchc.api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cchc.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cchc API",
    "DESCRIPTION": (
        "Giao diện lập trình của hệ thống báo cáo cải cách hành chính: đơn vị, kỳ báo cáo, "
        "biểu mẫu, báo cáo và số liệu. Xác thực bằng tiêu đề 'Authorization: Bearer <mã truy "
        "cập>' (tạo bằng `cchc token create`) hoặc phiên đăng nhập của trình duyệt."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The document and its pages are for signed-in users and tokens, like the API itself.
    "SERVE_PERMISSIONS": ["cchc.api.permissions.SignedInWithScope"],
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Logs: one JSON object a line on stderr (CCHC_LOG_FORMAT=text for people reading a
# terminal), each with the request id of the request that wrote it.
LOG_LEVEL = os.environ.get("CCHC_LOG_LEVEL", "INFO").upper()
_log_format = os.environ.get("CCHC_LOG_FORMAT", "text" if DEBUG else "json")
if _log_format not in {"json", "text"}:
    raise ImproperlyConfigured(f"CCHC_LOG_FORMAT must be json or text, got {_log_format!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cchc.base.requestlog.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": _log_format,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own line per request duplicates cchc.request's; errors still go through.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # Each request already has its line; no need for every 200 at INFO while testing.
        "cchc.request": {"level": os.environ.get("CCHC_REQUEST_LOG_LEVEL", LOG_LEVEL)},
    },
}
