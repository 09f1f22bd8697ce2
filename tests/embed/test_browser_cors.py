"""A real browser on another site's page: Chromium lets the page read the embed API only
when the site lists the page's origin, preflight and all.

The site's page is served on one port, Parley by the live server on another: two origins,
as for a blog and its comments.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parley.embed.models import EmbeddedPage, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASK = """async ([api, method, body]) => {
    try {
        const init = {method};
        if (body) {
            init.body = JSON.stringify(body);
            init.headers = {'Content-Type': 'application/json'};
        }
        const response = await fetch(api, init);
        return {status: response.status, data: await response.json()};
    } catch (error) {
        return {blocked: String(error)};
    }
}"""


class _BlogPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>Hello</title><div data-parley-thread></div>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def blog_page(browser, live_server):
    """A page of a blog served on its own port, whose scripts call Parley's live server."""
    blog = ThreadingHTTPServer(("127.0.0.1", 0), _BlogPage)
    serving = threading.Thread(target=blog.serve_forever, daemon=True)
    serving.start()
    origin = f"http://127.0.0.1:{blog.server_address[1]}"
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{origin}/hello/")
    yield page, origin, live_server.url
    context.close()
    blog.shutdown()
    blog.server_close()


def test_an_allowed_origin_opens_and_reads_its_thread_through_the_browser(blog_page):
    page, origin, parley = blog_page
    Site.objects.create(name="The blog", allowed_origins=origin)
    api = f"{parley}/api/v1/embed"
    url = f"{origin}/hello/?utm_source=feed"

    missing = page.evaluate(ASK, [f"{api}/thread?url={url}", "GET", None])
    assert missing["status"] == 200  # readable: the widget can say "no comments yet"
    assert missing["data"]["thread"] is None
    made = page.evaluate(ASK, [f"{api}/thread", "POST", {"url": url, "title": "Hello"}])
    assert made["status"] == 201, made  # after a preflight, since the body is JSON
    found = page.evaluate(ASK, [f"{api}/thread?url={origin}/hello/", "GET", None])
    assert found["status"] == 200 and found["data"]["thread"] == made["data"]
    counts = page.evaluate(ASK, [f"{api}/counts?url={origin}/hello/", "GET", None])
    assert counts["data"] == {"counts": {f"{origin}/hello/": 0}}
    assert EmbeddedPage.objects.get().key == f"{origin}/hello/"


def test_the_browser_keeps_the_answers_from_a_page_of_another_origin(blog_page):
    page, origin, parley = blog_page
    Site.objects.create(name="Another blog", allowed_origins="https://other.example")
    api = f"{parley}/api/v1/embed"
    for args in (
        [f"{api}/thread?url={origin}/hello/", "GET", None],
        [f"{api}/counts?url={origin}/hello/", "GET", None],
        [f"{api}/thread", "POST", {"url": f"{origin}/hello/", "title": "Hello"}],
    ):
        answer = page.evaluate(ASK, args)
        assert "blocked" in answer, json.dumps(answer)
    assert not EmbeddedPage.objects.exists()  # the preflight was refused: no POST was sent
