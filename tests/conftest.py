"""Shared fixtures: named personas, a dossier built through the real actions,
a browser (Debian's Chromium through Playwright) and the production server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
from django.core.cache import caches

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be
# usable from the test body around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _clean_caches():
    from parley.lib import memo

    memo.threads.clear()
    try:
        caches["default"].clear()
    except Exception:  # noqa: S110  (the cache table may not exist before the db fixture)
        pass
    yield


@pytest.fixture
def no_rate_limit(settings):
    settings.PARLEY_COMMENT_RATE = None


# -- personas -------------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    from parley.accounts.models import User

    return User.objects.create_user(
        "editor",
        "editor@example.org",
        "editor-pass-1234",
        display_name="Mara Editor",
        is_staff=True,
    )


@pytest.fixture
def moderator(db):
    from parley.accounts.models import User

    return User.objects.create_user(
        "moderator",
        "mod@example.org",
        "moderator-pass-1234",
        display_name="Moe Moderator",
        is_moderator=True,
    )


@pytest.fixture
def rosa(db):
    from parley.accounts.models import User

    return User.objects.create_user(
        "rosa", "rosa@example.org", "rosa-pass-1234", display_name="Rosa Lima"
    )


def guest(name: str, client: str = "", **extra):
    from parley.discussion.actions import Commenter

    return Commenter(name=name, client=client, **extra)


def vienna(*args) -> datetime:
    return datetime(*args, tzinfo=zoneinfo.ZoneInfo("Europe/Vienna"))


TRANSCRIPT = """Question: Will the crossing at Lastovo open on Monday?

Ana Petrov: It will open at noon, as the letter says, and not a minute later.

Question: And the trucks waiting since Friday?

Ana Petrov: They will go first. We have asked the other side to do the same."""

LETTER = """Dear Minister,

We write to confirm that the crossing at Lastovo will reopen on Monday at noon.

Inspections will be shared between both customs services."""

PRESS = """The Ministry welcomes the reopening of the crossing.

Trade worth two million a day passes through Lastovo."""


@pytest.fixture
def dossier(db, editor):
    """A dossier whose documents were entered out of order, with an empty open thread."""
    from parley.publishing.actions import add_document, create_post

    post = create_post(
        kind="dossier",
        slug="lastovo",
        title="The Lastovo crossing",
        introduction="Three documents on the **reopening**.",
        author=editor,
        published_at=vienna(2022, 2, 4, 18, 0),
    )
    add_document(
        post,
        kind="transcript",
        slug="briefing",
        title="Press briefing",
        issuer="Ministry of Foreign Affairs",
        place="Vienna",
        occurred_at=vienna(2022, 2, 3, 11, 0),
        timezone="Europe/Vienna",
        source_url="https://example.org/briefing",
        language="en",
        body=TRANSCRIPT,
    )
    add_document(
        post,
        kind="letter",
        slug="letter",
        title="Letter to the Minister",
        issuer="Embassy of Ostrava",
        place="Vienna",
        occurred_at=vienna(2022, 2, 1, 9, 30),
        timezone="Europe/Vienna",
        source_url="https://example.org/letter.pdf",
        language="en",
        body=LETTER,
    )
    add_document(
        post,
        kind="press_release",
        slug="press",
        title="Ministry welcomes reopening",
        issuer="Ministry of Trade",
        place="Lisbon",
        occurred_at=datetime(2022, 2, 2, 15, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Lisbon")),
        timezone="Europe/Lisbon",
        source_url="https://example.org/press",
        language="pt",
        body=PRESS,
    )
    return post


@pytest.fixture
def thread(dossier):
    return dossier.thread


@pytest.fixture
def post_as():
    """post_as(thread, "John", "body", parent=None) through the real action."""
    from parley.discussion.actions import post_comment

    def _post(thread, name, body, parent=None, user=None, **extra):
        from parley.discussion.actions import Commenter

        commenter = Commenter(user=user, name=name if user is None else "", **extra)
        return post_comment(
            thread,
            commenter=commenter,
            body=body,
            parent_id=parent.pk if parent is not None else None,
        )

    return _post


# -- real server and browser -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  (loopback only)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def server_env(data_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server process the tests start: the test database, `data_dir`,
    and `env` on top."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database = f"sqlite:///{db['NAME']}"
    else:
        database = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return {
        **os.environ,
        "PARLEY_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database,
        **(env or {}),
    }


class Server:
    """`parley serve` (granian, WSGI) on a free loopback port, using the test database."""

    def __init__(self, tmp_path: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(tmp_path, env)
        self.process: subprocess.Popen | None = None
        self.log = tmp_path / "server.log"

    def start(self) -> Server:
        parley = str(Path(sys.executable).with_name("parley"))
        self.process = subprocess.Popen(  # noqa: S603
            [parley, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        wait_for(self.url + "/")
        return self

    def kill(self) -> None:
        """SIGKILL the whole server (master and workers), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(transactional_db, tmp_path):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    running = Server(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
        pytest.skip(f"{CHROMIUM} is missing: run `make browser-deps`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/Lisbon",
        base_url=live_server.url,
    )
    # Django's test server is a WSGI process alone, with no stream process behind it: there a
    # page follows its thread by polling the events, as a browser without EventSource does.
    # The streams themselves are tested against `parley serve` (tests/browser/test_live_*.py).
    context.add_init_script("delete window.EventSource")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(message):
        # A refused form answers 4xx on purpose (tests assert what it shows); anything else
        # logged as an error (a script error, a CSP violation, a 5xx) fails the test.
        if message.type == "error" and not re.match(
            r"Failed to load resource: the server responded with a status of 4\d\d", message.text
        ):
            errors.append(message.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def redis_at(url: str):
    """A client of the Redis database at `url`, emptied before and after the test (a
    generator for a fixture to yield from). Without Redis the test is skipped, and in CI
    (CI=true) it fails: a missing service is a failure there."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {url}: {exc}")
        pytest.skip(f"Redis is not running at {url}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
