"""The widget's browser tests' two origins, their browser and their pages.

Parley runs on the live server (127.0.0.1:PORT); a site's pages are served by a small server
on `localhost:PORT2`, another site, so Parley is a third party there, and Chromium blocks
third-party cookies: the widget works with tokens alone. The fixtures are offered to the
tests of this folder by conftest.py.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from parley.embed.actions import open_page
from parley.embed.models import Site
from tests.conftest import CHROMIUM


class _Pages(BaseHTTPRequestHandler):
    """Answers each path with the page the test put in `server.pages`."""

    server: _HostServer

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        body = self.server.pages.get(path, "").encode()
        self.send_response(200 if body else 204 if path == "/favicon.ico" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _HostServer(ThreadingHTTPServer):
    pages: dict[str, str]


@pytest.fixture
def parley(live_server) -> str:
    """Parley's origin: the live server, by its address (the site's pages are on localhost)."""
    return live_server.url.replace("://localhost:", "://127.0.0.1:")


@pytest.fixture
def host_site():
    """host_site() -> (origin, pages): a site's server on localhost, another site than
    Parley's 127.0.0.1; put HTML in pages[path]."""
    servers = []

    def start():
        server = _HostServer(("127.0.0.1", 0), _Pages)
        server.pages = {}
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://localhost:{server.server_address[1]}", server.pages

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def third_party_browser(browser):
    """Chromium with third-party cookies blocked, as more and more readers' browsers are
    (launched by the session's Playwright: one runs at a time)."""
    instance = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-dev-shm-usage",
            "--test-third-party-cookie-phaseout",  # blocks third-party cookies
        ],
    )
    yield instance
    instance.close()


@pytest.fixture
def reader(third_party_browser):
    """reader(**context options) -> a page whose errors are collected in page.errors."""
    contexts = []

    def open_page_(**options):
        context = third_party_browser.new_context(
            viewport=options.pop("viewport", {"width": 1280, "height": 800}),
            locale=options.pop("locale", "en-GB"),
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        # Django's live server serves no live streams (the stream process does, behind
        # `parley serve`): the widget polls instead, as where a stream is blocked.
        page.add_init_script("window.EventSource = undefined;")
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "console",
            lambda m: page.errors.append(m.text) if m.type == "error" else None,
        )
        return page

    yield open_page_
    for context in contexts:
        context.close()


def snippet(parley: str, *, attributes: str = "", title: str = "Hello", before: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f"<h1>{title}</h1>{before}"
        f'<div data-parley-thread data-parley-lazy="false" {attributes}></div>'
        f'<script async src="{parley}/embed.js"></script>'
    )


def ready(page):
    widget = page.locator("[data-parley-thread]")
    expect(widget).to_have_attribute("data-parley-state", "ready", timeout=15_000)
    return widget


def blog(origin: str, **extra) -> Site:
    site = Site(name="The blog", allowed_origins=origin, **extra)
    site.full_clean()
    site.save()
    return site


def thread_of(site: Site, origin: str, path: str = "/hello/"):
    page, _ = open_page(site, origin=origin, client="test", url=origin + path, title="Hello")
    return page.post.thread
