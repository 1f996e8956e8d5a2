"""Settings, read from the environment with safe development defaults.

Production sets CCHC_DEBUG=0, CCHC_SECRET_KEY, CCHC_ALLOWED_HOSTS and DATABASE_URL
(postgres://...). Without DATABASE_URL the embedded SQLite file in CCHC_DATA_DIR is used.
"""

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
    "cchc.opendata",
    "cchc.web",
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
