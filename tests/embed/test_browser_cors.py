"""A real browser on another site's page: Chromium lets the page read the embed API only
when the site lists the page's origin, preflight and all.

The site's page is served on its own origin (tests/embed/widget_pages.py), Parley by the
live server on another, as for a blog and its comments.
"""

from __future__ import annotations

import json

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


@pytest.fixture
def blog_page(browser, host_site, parley):
    """A page of a blog served on its own origin, whose scripts call Parley's live server."""
    origin, pages = host_site()
    pages["/hello/"] = "<!doctype html><title>Hello</title><div data-parley-thread></div>"
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{origin}/hello/")
    yield page, origin, parley
    context.close()


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
    assert counts["data"] == {"counts": {f"{origin}/hello/": 0}, "ids": {}}
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
