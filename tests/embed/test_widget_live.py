"""The open widget follows its thread live: comments others post, edit and remove appear,
change and go without a reload, from another site's page with third-party cookies blocked.

The test's live server is Django's (WSGI): it does not serve the streams (the stream process
does, behind `parley serve`; tests/realtime/test_embed_stream.py reads one from the site's
origin), so the `reader` fixture's pages have no EventSource and the widget polls the
fallback, as it does wherever the stream is blocked."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.test import Client
from playwright.sync_api import expect

from parley.discussion.actions import set_thread_open
from parley.embed.models import EmbeddedPage
from tests.embed.test_widget_browser import EN
from tests.embed.widget_pages import blog, ready, snippet, thread_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOON = 15_000  # ms: a poll every 5 s


def _api(method: str, path: str, origin: str, body=None, **headers):
    """Someone else, on another browser of the site's page, through the API."""
    call = getattr(Client(), method.lower())
    data = json.dumps(body) if body is not None else None
    kwargs = {"content_type": "application/json"} if data is not None else {}
    response = call(f"/api/v1/{path}", data, HTTP_ORIGIN=origin, **kwargs, **headers)
    assert response.status_code in (200, 201, 204), response.content
    return response.json() if response.content else None


def test_comments_posted_edited_and_removed_elsewhere_appear_without_a_reload(
    reader, host_site, parley, post_as, no_rate_limit
):
    origin, pages = host_site()
    thread = thread_of(blog(origin), origin)
    post_as(thread, "Ana Lima", EN)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    widget = ready(page)
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    expect(widget).to_have_attribute("data-parley-live", "poll")

    body = {"name": "Rui Costa", "body": "The customs office closed at noon, not at six."}
    posted = _api("POST", f"threads/{thread.pk}/comments", origin, body)
    node = page.locator(f"#parley-comment-{posted['id']}")
    expect(node).to_contain_text("closed at noon", timeout=SOON)
    expect(page.get_by_role("heading", name="2 comments")).to_be_visible()

    token = {"HTTP_X_EDIT_TOKEN": posted["edit_token"]}
    edited = {"body": "The customs office closed at one, not at six."}
    _api("PATCH", f"comments/{posted['id']}", origin, edited, **token)
    expect(node).to_contain_text("closed at one", timeout=SOON)
    expect(node).not_to_contain_text("closed at noon")

    _api("DELETE", f"comments/{posted['id']}", origin, **token)
    expect(node).to_have_count(0, timeout=SOON)
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()

    # Two at once come in one burst, read with one request for the page.
    for text in ("Trucks waited at the border crossing.", "The treaty said Monday."):
        _api("POST", f"threads/{thread.pk}/comments", origin, {"name": "Rui", "body": text})
    expect(page.get_by_text("The treaty said Monday.")).to_be_visible(timeout=SOON)
    expect(page.get_by_text("Trucks waited at the border crossing.")).to_be_visible()
    expect(page.get_by_role("heading", name="3 comments")).to_be_visible()

    # Closed by a moderator: the form goes, the comments stay.
    set_thread_open(thread, False)
    expect(page.get_by_text("This discussion is closed to new comments.")).to_be_visible(
        timeout=SOON
    )
    expect(page.get_by_role("button", name="Post comment")).to_have_count(0)
    expect(page.get_by_text("The treaty said Monday.")).to_be_visible()
    assert page.errors == []


def test_the_widget_stops_following_when_destroyed(reader, host_site, parley, post_as):
    origin, pages = host_site()
    thread = thread_of(blog(origin), origin)
    post_as(thread, "Ana Lima", EN)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    page.evaluate("Parley.destroy(document.querySelector('[data-parley-thread]'))")
    expect(page.locator("[data-parley-live]")).to_have_count(0)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/events/" in r.url else None)
    page.wait_for_timeout(6_000)
    assert polls == []


def _post_to(server_url: str, origin: str, thread_id: int, body: str) -> dict:
    request = urllib.request.Request(  # noqa: S310  (the test's own server, on loopback)
        f"{server_url}/api/v1/threads/{thread_id}/comments",
        json.dumps({"name": "Rui Costa", "body": body}).encode(),
        {"Content-Type": "application/json", "Origin": origin},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


@pytest.mark.server
def test_behind_parley_serve_the_widget_follows_the_stream(
    server, third_party_browser, host_site, post_as, no_rate_limit
):
    origin, pages = host_site()
    thread = thread_of(blog(origin), origin)
    post_as(thread, "Ana Lima", EN)
    pages["/hello/"] = snippet(server.url)
    context = third_party_browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        polls: list[str] = []
        page.on("request", lambda r: polls.append(r.url) if "/events/" in r.url else None)
        page.goto(origin + "/hello/")
        widget = ready(page)
        expect(widget).to_have_attribute("data-parley-live", "stream")
        posted = _post_to(server.url, origin, thread.pk, "The trucks crossed at noon.")
        # Within the stream's time, well before a poll would have asked.
        expect(page.locator(f"#parley-comment-{posted['id']}")).to_contain_text(
            "crossed at noon", timeout=3_000
        )
        expect(page.get_by_role("heading", name="2 comments")).to_be_visible()
        assert polls == [] and errors == []
    finally:
        context.close()


def test_the_reader_who_opens_the_thread_follows_it_at_once(
    reader, host_site, parley, no_rate_limit
):
    origin, pages = host_site()
    blog(origin)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    widget = ready(page)
    assert widget.get_attribute("data-parley-live") is None  # no thread, nothing to follow
    page.get_by_label("Comment", exact=True).fill("The first word on this page.")
    page.get_by_label("Name").fill("Ana Lima")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    expect(widget).to_have_attribute("data-parley-live", "poll")
    thread_id = EmbeddedPage.objects.get().post.thread.pk
    answer = {"name": "Rui Costa", "body": "And the second, from elsewhere."}
    _api("POST", f"threads/{thread_id}/comments", origin, answer)
    expect(page.get_by_text("And the second, from elsewhere.")).to_be_visible(timeout=SOON)
    expect(page.get_by_role("heading", name="2 comments")).to_be_visible()
    assert page.errors == []
