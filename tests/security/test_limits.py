"""Limits that hold: counters that lose no hit under concurrency (in the database and in
Redis), and a limit on posting, logging in, signing up, the admin's log-in and flagging, each
refused with a 429 that says when to try again."""

from __future__ import annotations

import http.cookiejar
import ipaddress
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client

from config.env import envrates
from parley.accounts.models import User
from parley.lib import ratelimit
from parley.moderation.models import Flag
from parley.ratelimits.models import Counter
from tests.conftest import Server
from tests.moderation.conftest import URL, set_mode

# Redis database 5 is the one these tests may empty.
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
HOUR, DAY = 3600, 86400


@pytest.fixture
def redis_store(settings):
    """Counters in Redis. Without a Redis the test is skipped, except in CI, where it fails."""
    try:
        import redis
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("The redis package is missing: it is a dependency of Parley.")
        pytest.skip("The redis package is not installed.")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"No Redis at {REDIS_URL}: CI runs one (set PARLEY_TEST_REDIS_URL).")
        pytest.skip(f"No Redis at {REDIS_URL}.")
    client.flushdb()
    settings.REDIS_URL = REDIS_URL
    yield client
    client.flushdb()


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_store")
    else:
        settings.REDIS_URL = ""
    return request.param


# -- the counters --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_hits_from_many_threads_at_once_are_all_counted(store):
    threads, hits, limit = 8, 50, 100
    barrier = threading.Barrier(threads)
    allowed: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=120)
            allowed.append(
                sum(
                    ratelimit.hit("burst", "ip:203.0.113.7", limit=limit, period=HOUR) is None
                    for _ in range(hits)
                )
            )
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(allowed) == limit
    counted, _wait = ratelimit.count("burst", "ip:203.0.113.7", HOUR)  # one hit more
    assert counted == threads * hits + 1  # 400 counted before it: not one was lost


@pytest.mark.django_db
def test_a_window_refuses_past_its_limit_and_says_how_long_to_wait(store):
    for _ in range(3):
        assert ratelimit.hit("login", "ip:203.0.113.8", limit=3, period=HOUR) is None
    wait = ratelimit.hit("login", "ip:203.0.113.8", limit=3, period=HOUR)
    assert wait is not None
    assert 0 < wait <= HOUR
    assert ratelimit.hit("login", "ip:203.0.113.9", limit=3, period=HOUR) is None


@pytest.mark.django_db
def test_live_counters_are_never_culled(settings):
    """The old DatabaseCache culled its table at 300 entries, wiping live counters."""
    settings.REDIS_URL = ""
    keys = [f"ip:198.51.{n // 250}.{n % 250}" for n in range(1000)]
    for key in keys:
        ratelimit.hit("comment", key, limit=1, period=HOUR)
    assert all(ratelimit.hit("comment", key, limit=1, period=HOUR) for key in keys)


@pytest.mark.django_db
def test_ended_windows_start_again_and_are_deleted(settings, monkeypatch):
    settings.REDIS_URL = ""
    clock = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: clock[0])
    ratelimit.count("short", "ip:203.0.113.1", 10)
    ratelimit.count("short", "ip:203.0.113.1", 10)
    ratelimit.count("long", "ip:203.0.113.1", 100)
    clock[0] += 50
    assert ratelimit.prune() == 1  # the 10-second window ended; the 100-second one is live
    assert Counter.objects.count() == 1
    assert ratelimit.count("long", "ip:203.0.113.1", 100) == (2, 50)
    assert ratelimit.count("short", "ip:203.0.113.1", 10) == (1, 10)
    clock[0] += 100
    assert ratelimit.count("long", "ip:203.0.113.1", 100) == (1, 100)  # a new window


@pytest.mark.django_db
def test_redis_counters_expire_with_their_window(redis_store):
    ratelimit.count("flag", "user:7", 90)
    [name] = redis_store.keys("parley:rl:*")
    assert 0 < redis_store.ttl(name) <= 90


def test_rates_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PARLEY_LOGIN_RATE", "6/60, 30/3600")
    assert envrates("PARLEY_LOGIN_RATE", "1/1") == [(6, 60), (30, 3600)]
    monkeypatch.setenv("PARLEY_LOGIN_RATE", "off")
    assert envrates("PARLEY_LOGIN_RATE", "1/1") == []
    monkeypatch.setenv("PARLEY_LOGIN_RATE", "6 per minute")
    with pytest.raises(ImproperlyConfigured, match="COUNT/SECONDS"):
        envrates("PARLEY_LOGIN_RATE", "1/1")
    monkeypatch.setenv("PARLEY_LOGIN_RATE", "6/60,0/3600")
    with pytest.raises(ImproperlyConfigured, match="positive"):
        envrates("PARLEY_LOGIN_RATE", "1/1")


def test_durations_read_as_people_say_them():
    assert ratelimit.duration(60) == "1 minute"
    assert ratelimit.duration(3600) == "1 hour"
    assert ratelimit.duration(86400) == "1 day"
    assert ratelimit.duration(42) == "42 seconds"
    assert ratelimit.duration(1799) == "30 minutes"
    assert ratelimit.duration(82800 + 5) == "24 hours"


# -- the limits, through HTTP --------------------------------------------------------------------


def _refused(response, *words: str) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= DAY
    text = response.content.decode()
    assert "Try again in" in text
    for word in words:
        assert word in text


def _log_in(name: str, password: str, ip: str, path: str = "/login/"):
    client = Client()
    response = client.post(path, {"username": name, "password": password}, REMOTE_ADDR=ip)
    return response, client


def test_logging_in_is_limited_per_address(rosa, settings):
    settings.PARLEY_LOGIN_RATE = [(3, HOUR)]
    settings.PARLEY_LOGIN_NAME_RATE = []
    for _ in range(3):
        assert _log_in("rosa", "wrong", "203.0.113.20")[0].status_code == 200
    response, client = _log_in("rosa", "rosa-pass-1234", "203.0.113.20")
    _refused(response, "Too many attempts to log in from your address", "at most 3 in 1 hour")
    assert "_auth_user_id" not in client.session  # the right password is not even checked
    assert _log_in("rosa", "rosa-pass-1234", "203.0.113.21")[0].status_code == 302


def test_the_log_in_limit_is_per_forwarded_client_and_forgeries_do_not_escape_it(rosa, settings):
    settings.PARLEY_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.2/32")]
    settings.PARLEY_LOGIN_RATE = [(2, HOUR)]
    settings.PARLEY_LOGIN_NAME_RATE = []

    def attempt(peer: str, forwarded: str):
        return Client().post(
            "/login/",
            {"username": "rosa", "password": "wrong"},
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(2):  # an untrusted peer writing a new address each time
        assert attempt("198.51.100.9", f"203.0.113.{n}").status_code == 200
    _refused(attempt("198.51.100.9", "203.0.113.99"))
    for _ in range(2):  # behind the proxy, each client has its own allowance
        assert attempt("10.0.0.2", "192.0.2.1").status_code == 200
    _refused(attempt("10.0.0.2", "192.0.2.1"))
    assert attempt("10.0.0.2", "192.0.2.2").status_code == 200


def test_logging_in_is_limited_per_account_name(rosa, editor, settings):
    settings.PARLEY_LOGIN_RATE = []
    settings.PARLEY_LOGIN_NAME_RATE = [(2, HOUR)]
    assert _log_in("rosa", "wrong", "203.0.113.30")[0].status_code == 200
    assert _log_in("ROSA ", "wrong", "198.51.100.31")[0].status_code == 200
    response, _client = _log_in("rosa", "rosa-pass-1234", "192.0.2.32")
    _refused(response, "Too many attempts to log in to this account")
    assert _log_in("editor", "editor-pass-1234", "192.0.2.32")[0].status_code == 302


def test_the_admin_log_in_is_limited_per_address(editor, settings):
    settings.PARLEY_ADMIN_LOGIN_RATE = [(2, HOUR)]
    settings.PARLEY_LOGIN_NAME_RATE = []
    for _ in range(2):
        response, _client = _log_in("editor", "wrong", "203.0.113.40", "/admin/login/")
        assert response.status_code == 200
    response, client = _log_in("editor", "editor-pass-1234", "203.0.113.40", "/admin/login/")
    _refused(response, "Too many attempts to log in from your address")
    assert "_auth_user_id" not in client.session
    response, client = _log_in("editor", "editor-pass-1234", "203.0.113.41", "/admin/login/")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_and_the_site_log_in_share_the_account_name_limit(editor, settings):
    settings.PARLEY_LOGIN_NAME_RATE = [(1, HOUR)]
    assert _log_in("editor", "wrong", "203.0.113.50", "/admin/login/")[0].status_code == 200
    _refused(_log_in("editor", "editor-pass-1234", "198.51.100.51")[0])


PASSPHRASE = "a-long-passphrase-7291"  # noqa: S105  (a test account's)


def _sign_up(name: str, ip: str, again: str = PASSPHRASE):
    return Client().post(
        "/signup/",
        {"username": name, "password1": PASSPHRASE, "password2": again},
        REMOTE_ADDR=ip,
    )


def test_signing_up_is_limited_per_address(db, settings):
    settings.PARLEY_SIGNUP_RATE = [(2, DAY)]
    assert _sign_up("typo", "203.0.113.60", again="mistyped-passphrase").status_code == 400
    assert _sign_up("first", "203.0.113.60").status_code == 302
    assert _sign_up("second", "203.0.113.60").status_code == 302
    _refused(_sign_up("third", "203.0.113.60"), "Too many new accounts from your address")
    assert not User.objects.filter(username="third").exists()
    assert _sign_up("elsewhere", "198.51.100.61").status_code == 302


def test_flagging_is_limited_per_client_and_a_refused_flag_stores_nothing(
    thread, post_as, settings
):
    settings.PARLEY_FLAG_RATE = [(2, DAY)]
    set_mode("post", flag_threshold=10)
    comments = [post_as(thread, "Bruno", f"Words number {n}.") for n in range(3)]
    for comment in comments[:2]:
        response = Client().post(
            f"/c/{comment.pk}/flag/", {"reason": "spam"}, REMOTE_ADDR="203.0.113.70"
        )
        assert response.status_code == 302
    response = Client().post(
        f"/c/{comments[2].pk}/flag/", {"reason": "spam"}, REMOTE_ADDR="203.0.113.70"
    )
    _refused(response, "Too many flags from you", "at most 2 in 1 day")
    assert Flag.objects.count() == 2
    assert not Flag.objects.filter(comment=comments[2]).exists()


def test_moderators_are_not_limited_when_they_flag(thread, post_as, moderator, settings):
    settings.PARLEY_FLAG_RATE = [(1, DAY)]
    set_mode("post", flag_threshold=10)
    client = Client()
    client.force_login(moderator)
    for n in range(2):
        comment = post_as(thread, "Bruno", f"Moderated words {n}.")
        response = client.post(
            f"/c/{comment.pk}/flag/", {"reason": "spam"}, REMOTE_ADDR="203.0.113.71"
        )
        assert response.status_code == 302


def test_posting_is_limited_per_client(thread, settings):
    settings.PARLEY_COMMENT_RATE = (2, HOUR)

    def post(n: int):
        return Client().post(
            f"/api/v1/threads/{thread.pk}/comments",
            json.dumps({"name": "Ana", "body": f"Comment number {n}."}),
            content_type="application/json",
            REMOTE_ADDR="203.0.113.80",
        )

    assert [post(n).status_code for n in range(2)] == [201, 201]
    response = post(2)
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) == response.json()["retry_after"] <= HOUR
    assert "Try again in" in response.json()["message"]
    page = Client().post(
        URL + "comments/", {"name": "Ana", "body": "By form."}, REMOTE_ADDR="203.0.113.80"
    )
    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0


@pytest.mark.server
def test_the_production_server_refuses_a_fourth_log_in_with_429(transactional_db, tmp_path):
    """Through granian and real HTTP, with the limit set in the environment."""
    call_command("collectstatic", interactive=False, verbosity=0)
    env = {"PARLEY_LOGIN_RATE": "3/3600", "PARLEY_LOGIN_NAME_RATE": "off"}
    server = Server(tmp_path, env=env).start()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        with opener.open(f"{server.url}/login/", timeout=10) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        assert token is not None
        form = urllib.parse.urlencode(
            {"username": "rosa", "password": "wrong", "csrfmiddlewaretoken": token[1]}
        ).encode()
        statuses, refusal = [], None
        for _ in range(4):
            try:
                with opener.open(f"{server.url}/login/", data=form, timeout=10) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                refusal = error
    finally:
        server.stop()
    assert statuses == [200, 200, 200, 429]
    assert refusal is not None
    assert 0 < int(refusal.headers["Retry-After"]) <= HOUR
    assert "Try again in" in refusal.read().decode()
