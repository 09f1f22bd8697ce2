"""A thread's stream read by a site's page on another origin, from a real granian ASGI
process: CORS for the site's origins (never credentials), the session ignored, other sites'
threads refused with a sentence."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parley.embed.models import Site
from tests.embed.conftest import BLOG, SHOP, blog_thread, send
from tests.realtime.conftest import Stream

pytestmark = pytest.mark.server


@pytest.fixture
def sites(transactional_db):
    for name, origin in (("The blog", BLOG), ("The shop", SHOP)):
        site = Site(name=name, allowed_origins=origin)
        site.full_clean()
        site.save()


@pytest.fixture
def blog_thread_id(sites, no_rate_limit) -> int:
    return blog_thread(Client())


def _comment(thread_id: int, body: str) -> int:
    response = send(
        Client(), "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": body}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_sites_page_follows_its_thread(stream_server, blog_thread_id):
    stream = Stream(stream_server.url, f"/live/threads/{blog_thread_id}/", {"Origin": BLOG})
    try:
        assert stream.status == 200
        assert stream.headers["access-control-allow-origin"] == BLOG
        assert "Origin" in stream.headers["vary"]
        assert "access-control-allow-credentials" not in stream.headers
        assert stream.next().event == "retry"
        comment = _comment(blog_thread_id, "Live on the blog.")
        event = stream.next_event(timeout=3)
        assert (event.id, event.event) == ("1", "posted")
        assert event.json["comments"] == [comment]
    finally:
        stream.close()


@pytest.mark.parametrize("origin", [SHOP, "https://elsewhere.example"])
def test_another_origin_is_refused_without_cors(stream_server, blog_thread_id, origin):
    stream = Stream(stream_server.url, f"/live/threads/{blog_thread_id}/", {"Origin": origin})
    try:
        assert stream.status == 403
        assert "access-control-allow-origin" not in stream.headers
        body = json.loads(stream.body())
        assert body["error"] == "other_site"
        assert body["message"].startswith("This thread belongs to another site")
    finally:
        stream.close()


def test_parleys_own_thread_is_not_the_sites(stream_server, sites, thread):
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/", {"Origin": BLOG})
    try:
        assert stream.status == 403
        assert "access-control-allow-origin" not in stream.headers
    finally:
        stream.close()


def test_across_origins_a_moderators_session_is_ignored(
    stream_server, blog_thread_id, moderator, settings
):
    from parley.moderation import policy

    rules = policy.site()
    rules.mode = rules.Mode.ALL
    rules.save()
    _comment(blog_thread_id, "Held for review.")  # version 1, for moderators only
    rules.mode = rules.Mode.POST
    rules.save()
    _comment(blog_thread_id, "Published.")  # version 2
    staff = Client()
    staff.force_login(moderator)
    cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
    own = f"http://127.0.0.1:{stream_server.port}"
    seen = {}
    for origin in (own, BLOG):
        headers = {"Origin": origin, "Cookie": cookie, "Last-Event-ID": "0"}
        stream = Stream(stream_server.url, f"/live/threads/{blog_thread_id}/", headers)
        try:
            assert stream.status == 200
            seen[origin] = stream.next_event().id
            assert ("access-control-allow-origin" in stream.headers) == (origin == BLOG)
        finally:
            stream.close()
    assert seen == {own: "1", BLOG: "2"}
