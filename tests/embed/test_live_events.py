"""A thread's live events on a site's page: the thread answer says where they are, and the
polling fallback answers the site's origins (CORS, no credentials, no session) and refuses
other sites' threads."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.embed.conftest import BLOG, SHOP, blog_thread, get, send

pytestmark = pytest.mark.django_db
PAGE = f"{BLOG}/2026/12/hello/"


def _poll(client, thread_id, after=0, origin: str | None = BLOG):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.get(f"/threads/{thread_id}/events/?after={after}", **headers)


def _moderators_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def test_the_thread_answer_says_where_its_events_are(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "One."})
    send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Two."})
    data = get(client, "thread", url=PAGE).json()
    assert data["live"] == {
        "stream": f"http://testserver/live/threads/{thread_id}/",
        "poll": f"http://testserver/threads/{thread_id}/events/",
        "after": 2,
    }
    assert len(data["comments"]["comments"]) == 2


def test_a_page_without_a_thread_has_no_live_events(client, blog):
    assert get(client, "thread", url=PAGE).json()["live"] is None


def test_the_site_polls_its_threads_events_across_origins(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    after = get(client, "thread", url=PAGE).json()["live"]["after"]
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Hi."})
    response = _poll(client, thread_id, after)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert "Origin" in response["Vary"]
    assert not response.has_header("Access-Control-Allow-Credentials")
    assert response.json()["events"] == [
        {
            "id": after + 1,
            "thread": thread_id,
            "version": after + 1,
            "kind": "posted",
            "comments": [posted.json()["id"]],
        }
    ]


def test_another_sites_page_cannot_poll_the_thread(client, blog, shop):
    thread_id = blog_thread(client)
    response = _poll(client, thread_id, origin=SHOP)
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "other_site"
    assert body["message"].startswith("This thread belongs to another site")
    assert not response.has_header("Access-Control-Allow-Origin")


def test_an_origin_no_site_allows_is_refused(client, blog):
    thread_id = blog_thread(client)
    response = _poll(client, thread_id, origin="https://elsewhere.example")
    assert response.status_code == 403
    assert response.json()["error"] == "other_site"
    assert not response.has_header("Access-Control-Allow-Origin")


def test_parleys_own_threads_are_not_a_sites(client, blog, thread):
    response = _poll(client, thread.pk)
    assert response.status_code == 403
    assert not response.has_header("Access-Control-Allow-Origin")


@pytest.fixture
def hold_everything(db):
    from parley.moderation import policy

    rules = policy.site()
    rules.mode = rules.Mode.ALL
    rules.save()


def test_across_origins_a_moderators_session_is_ignored(
    client, blog, moderator, hold_everything, no_rate_limit
):
    thread_id = blog_thread(client)
    send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Held."})
    staff = _moderators_client(moderator)
    # On Parley's own origin (or without one) the moderator hears of the held comment...
    own = _poll(staff, thread_id, origin="http://testserver").json()["events"]
    assert [event["kind"] for event in own] == ["held"]
    assert [event["kind"] for event in _poll(staff, thread_id, origin=None).json()["events"]] == [
        "held"
    ]
    # ...and not from the site's page, which the session does not reach.
    across = _poll(staff, thread_id)
    assert across.status_code == 200
    assert across.json()["events"] == []


def test_same_origin_answers_are_as_before(client, thread, post_as, no_rate_limit):
    post_as(thread, "John", "One.")
    response = _poll(client, thread.pk, origin="http://testserver")
    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")
    assert len(response.json()["events"]) == 1
    assert _poll(client, thread.pk, origin=None).status_code == 200


def test_a_bad_after_from_the_site_is_readable_by_its_page(client, blog):
    thread_id = blog_thread(client)
    response = _poll(client, thread_id, after="soon")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert "whole number" in response.json()["message"]
