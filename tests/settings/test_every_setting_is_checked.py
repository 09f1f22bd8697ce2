"""Every PARLEY_* value is checked when Parley starts: a bad one stops `parley check` with a
sentence that names the variable and says what to write, never a traceback or a failure on
the first request."""

from __future__ import annotations

import re
import sysconfig

import pytest

from tests.settings.cli import ROOT, environment, parley

# (variable, bad value, words of the message), one row per setting config/settings.py reads.
BAD = [
    ("PARLEY_DATA_DIR", "{site_packages}/parley-data", "inside the installed Python packages"),
    ("PARLEY_DEBUG", "maybe", "PARLEY_DEBUG must be one of true/false"),
    ("PARLEY_SECRET_KEY", "", "PARLEY_SECRET_KEY is not set. With a database other than"),
    ("PARLEY_SECRET_KEY_FILE", "{tmp}/missing", "PARLEY_SECRET_KEY_FILE points at"),
    ("PARLEY_ALLOWED_HOSTS", "https://discuss.example.org", "Write the name alone"),
    ("PARLEY_CSRF_TRUSTED_ORIGINS", "discuss.example.org", "https://discuss.example.org"),
    ("PARLEY_TRUSTED_PROXIES", "nginx", "'nginx' is not an address or a network"),
    ("PARLEY_SQLITE_SYNCHRONOUS", "OFF", "PARLEY_SQLITE_SYNCHRONOUS must be one of FULL, NORMAL"),
    ("PARLEY_DB_POOL_SIZE", "0", "PARLEY_DB_POOL_SIZE must be at least 1"),
    ("PARLEY_DB_POOL_TIMEOUT", "soon", "PARLEY_DB_POOL_TIMEOUT must be a whole number"),
    ("PARLEY_TIME_ZONE", "Europe/Lisbn", "Write an IANA name such as Europe/Lisbon"),
    ("PARLEY_SECURE_COOKIES", "sometimes", "PARLEY_SECURE_COOKIES must be one of true/false"),
    ("PARLEY_SSL_REDIRECT", "always", "PARLEY_SSL_REDIRECT must be one of true/false"),
    ("PARLEY_FRONT_DOOR", "maybe", "PARLEY_FRONT_DOOR must be one of true/false"),
    ("PARLEY_HSTS_SECONDS", "-1", "PARLEY_HSTS_SECONDS must be at least 0"),
    ("PARLEY_HSTS_INCLUDE_SUBDOMAINS", "all", "PARLEY_HSTS_INCLUDE_SUBDOMAINS must be one of"),
    ("PARLEY_HSTS_PRELOAD", "please", "PARLEY_HSTS_PRELOAD must be one of true/false"),
    ("PARLEY_COMMENT_MAX_LENGTH", "10", "PARLEY_COMMENT_MAX_LENGTH must be at least 100"),
    ("PARLEY_EDIT_WINDOW_SECONDS", "15m", "PARLEY_EDIT_WINDOW_SECONDS must be a whole number"),
    ("PARLEY_COMMENT_RATE", "10 a minute", "PARLEY_COMMENT_RATE must look like COUNT/SECONDS"),
    ("PARLEY_LOGIN_RATE", "6/60,many", "PARLEY_LOGIN_RATE must look like COUNT/SECONDS"),
    ("PARLEY_LOGIN_NAME_RATE", "0/3600", "PARLEY_LOGIN_NAME_RATE needs a positive count"),
    ("PARLEY_ADMIN_LOGIN_RATE", "six a minute", "PARLEY_ADMIN_LOGIN_RATE must look like"),
    ("PARLEY_SIGNUP_RATE", "3/0", "PARLEY_SIGNUP_RATE needs a positive count and period"),
    ("PARLEY_FLAG_RATE", "20 per day", "PARLEY_FLAG_RATE must look like COUNT/SECONDS"),
    ("PARLEY_VOTE_RATE", "60 an hour", "PARLEY_VOTE_RATE must look like COUNT/SECONDS"),
    ("PARLEY_DOWNVOTES", "maybe", "PARLEY_DOWNVOTES must be one of true/false"),
    ("PARLEY_PAGE_SIZE", "0", "PARLEY_PAGE_SIZE must be at least 1"),
    ("PARLEY_MAX_INDENT", "none", "PARLEY_MAX_INDENT must be a whole number"),
    ("PARLEY_THREAD_CACHE", "maybe", "PARLEY_THREAD_CACHE must be one of true/false"),
    ("PARLEY_TASK_BACKEND", "redis", "PARLEY_TASK_BACKEND must be one of database, immediate"),
    ("PARLEY_TRANSLATION_ENGINE", "google", "PARLEY_TRANSLATION_ENGINE must be one of bergamot"),
    ("PARLEY_TRANSLATION_MODELS", "{tmp}/no-models", "unset PARLEY_TRANSLATION_MODELS"),
    ("PARLEY_TRANSLATION_BUNDLED", "maybe", "PARLEY_TRANSLATION_BUNDLED must be one of"),
    ("PARLEY_LIBRETRANSLATE_URL", "localhost:5000", "for example http://127.0.0.1:5000"),
    ("PARLEY_LIBRETRANSLATE_TIMEOUT", "0", "PARLEY_LIBRETRANSLATE_TIMEOUT must be at least 1"),
    ("PARLEY_TRANSLATE_INTO", "en,english", "PARLEY_TRANSLATE_INTO: 'english' is not a language"),
    ("PARLEY_READER_LANGUAGES", "en,portugese", "'portugese' is not a language code"),
    ("PARLEY_MODERATION_SIGNALS", "rules,spamm", "'spamm' is not a moderation signal"),
    ("PARLEY_LOG_LEVEL", "verbose", "PARLEY_LOG_LEVEL must be one of CRITICAL, DEBUG, ERROR"),
    ("DATABASE_URL", "mysql://parley@db/parley", "names a database Parley does not run on"),
    ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL must be a URL starting with redis://"),
    ("PARLEY_LIVE_BROKER", "kafka", "PARLEY_LIVE_BROKER must be one of local, redis"),
    ("PARLEY_LIVE_KEEP", "5", "PARLEY_LIVE_KEEP must be at least 10"),
    ("PARLEY_LIVE_HEARTBEAT", "15s", "PARLEY_LIVE_HEARTBEAT must be a whole number"),
    ("PARLEY_LIVE_ROUND_MS", "-5", "PARLEY_LIVE_ROUND_MS must be at least 0"),
    ("PARLEY_LIVE_STREAMS_PER_CLIENT", "0", "PARLEY_LIVE_STREAMS_PER_CLIENT must be at least 1"),
]
# Settings whose every value is meaningful: a name, and a key only the other side can judge.
ANY_VALUE = {"PARLEY_SITE_NAME", "PARLEY_LIBRETRANSLATE_API_KEY"}
# A bad value of these needs another setting beside it to be wrong.
CONTEXT = {
    "PARLEY_SECRET_KEY": {"DATABASE_URL": "postgres://parley@db.example.org:5432/parley"},
}


def _read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env\w+\(\s*"([A-Z_]+)"', source))
    if "PARLEY_SECRET_KEY" in names:
        names.add("PARLEY_SECRET_KEY_FILE")  # envsecret reads NAME_FILE too
    return names


def test_every_setting_has_a_bad_value_in_the_table():
    assert _read_by_settings() == {name for name, _, _ in BAD} | ANY_VALUE


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[row[0] for row in BAD])
def test_a_bad_value_stops_parley_check_with_a_sentence(tmp_path, name, value, message):
    value = value.format(tmp=tmp_path, site_packages=sysconfig.get_paths()["purelib"])
    env = environment(tmp_path / "data", **CONTEXT.get(name, {}), **{name: value})
    done = parley("check", env=env)
    assert done.returncode != 0, done.stdout
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_good_values_pass(tmp_path):
    env = environment(
        tmp_path,
        PARLEY_LOG_LEVEL="info",
        PARLEY_MODERATION_SIGNALS="rules,spam",
        PARLEY_READER_LANGUAGES="en,pt-BR,sr",
        PARLEY_TIME_ZONE="Europe/Lisbon",
        PARLEY_TASK_BACKEND="Immediate",
        PARLEY_ALLOWED_HOSTS="discuss.example.org,.example.net,[::1]",
        PARLEY_CSRF_TRUSTED_ORIGINS="https://discuss.example.org",
        REDIS_URL="redis://127.0.0.1:6379/6",
    )
    done = parley("check", env=env)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PARLEY_LOG_LEVEL", "verbose", "PARLEY_LOG_LEVEL must be one of"),
        ("PARLEY_MODERATION_SIGNALS", "rules,spamm", "'spamm' is not a moderation signal"),
    ],
)
def test_the_server_does_not_start_with_a_bad_value(tmp_path, name, value, message):
    from tests.conftest import free_port

    env = environment(tmp_path, **{name: value})
    done = parley("serve", "--port", str(free_port()), "--workers", "1", env=env)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
