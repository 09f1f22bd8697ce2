"""The thread and comment routes from a page of another origin: only the site's own threads,
never with the reader's Parley session, with CORS headers and preflights."""

from __future__ import annotations

import pytest

from parley.discussion.models import Comment
from tests.embed.conftest import BLOG, SHOP, blog_thread, get, send

pytestmark = pytest.mark.django_db


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert data["error"] == code, data
    assert data["message"].endswith("."), data
    return data


def test_a_site_reads_and_writes_its_own_thread_with_cors_headers(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Hi"})
    assert posted.status_code == 201, posted.content
    assert posted["Access-Control-Allow-Origin"] == BLOG
    assert "Access-Control-Allow-Credentials" not in posted
    listed = send(client, "GET", f"threads/{thread_id}/comments")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["comments"]] == [posted.json()["id"]]
    assert listed["Access-Control-Allow-Origin"] == BLOG
    assert "Origin" in listed["Vary"]


def test_another_sites_pages_can_neither_read_nor_write_a_thread(client, blog, shop, no_rate_limit):
    thread_id = blog_thread(client)
    comment_id = send(
        client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Hi"}
    ).json()["id"]
    for method, path, body in [
        ("GET", f"threads/{thread_id}", None),
        ("GET", f"threads/{thread_id}/comments", None),
        ("POST", f"threads/{thread_id}/comments", {"name": "Eve", "body": "Mine now"}),
        ("GET", f"comments/{comment_id}", None),
        ("GET", f"comments/{comment_id}/revisions", None),
        ("PATCH", f"comments/{comment_id}", {"body": "Changed"}),
        ("DELETE", f"comments/{comment_id}", None),
        ("POST", f"comments/{comment_id}/vote", {"value": 1}),
        ("POST", f"comments/{comment_id}/flags", {"reason": "spam"}),
    ]:
        response = send(client, method, path, body, origin=SHOP)
        data = _refused(response, 403, "other_site")
        assert "another site" in data["message"]
        assert response["Access-Control-Allow-Origin"] == SHOP  # the widget can say why
    assert Comment.objects.count() == 1


def test_parleys_own_threads_are_not_open_to_sites(client, blog, thread, no_rate_limit):
    _refused(send(client, "GET", f"threads/{thread.pk}/comments"), 403, "other_site")
    made = send(client, "POST", f"threads/{thread.pk}/comments", {"name": "Eve", "body": "x"})
    _refused(made, 403, "other_site")
    assert not Comment.objects.exists()


def test_same_origin_and_originless_requests_answer_as_before(client, thread, no_rate_limit):
    own = send(client, "GET", f"threads/{thread.pk}/comments", origin="http://testserver")
    assert own.status_code == 200
    assert "Access-Control-Allow-Origin" not in own
    assert send(client, "GET", f"threads/{thread.pk}/comments", origin=None).status_code == 200


def test_the_session_cookie_is_ignored_across_origins(client, blog, rosa, no_rate_limit):
    thread_id = blog_thread(client)
    client.force_login(rosa)
    body = {"body": "Who am I?"}
    without_name = send(client, "POST", f"threads/{thread_id}/comments", body)
    assert without_name.status_code == 400, without_name.content  # a guest must give a name
    posted = send(client, "POST", f"threads/{thread_id}/comments", {**body, "name": "Someone"})
    assert posted.status_code == 201
    comment = Comment.objects.get()
    assert comment.author_id is None and comment.author_name == "Someone"
    answer = get(client, "thread", url=f"{BLOG}/2026/12/hello/")
    assert answer.json()["viewer"] is None


def test_the_same_session_needs_its_csrf_token_on_parleys_own_origin(rosa, thread):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rosa)
    refused = send(
        strict, "POST", f"threads/{thread.pk}/comments", {"body": "Hi"}, origin="http://testserver"
    )
    _refused(refused, 403, "csrf")


@pytest.mark.parametrize(
    "path", ["threads/1/comments", "comments/1", "comments/1/flags", "embed/sso", "embed/token"]
)
def test_every_widget_route_answers_its_preflight(client, blog, path):
    response = client.options(
        f"/api/v1/{path}",
        HTTP_ORIGIN=BLOG,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert response["Access-Control-Allow-Methods"] == "GET, POST, PATCH, DELETE, OPTIONS"
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert response["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_an_origin_no_site_allows_is_403(client, blog):
    response = client.options(
        "/api/v1/comments/1",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert "not an allowed origin" in response.json()["message"]


def test_a_guests_edit_token_shows_and_edits_their_held_comment(client, blog, no_rate_limit):
    blog.hold_for_review = True
    blog.save(update_fields=["hold_for_review"])
    thread_id = blog_thread(client)
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Hi"})
    assert posted.json()["status"] == "pending"
    comment_id, token = posted.json()["id"], posted.json()["edit_token"]
    # Across origins the browser's posted-comments cookie counts for nothing: the token does.
    assert send(client, "GET", f"comments/{comment_id}").status_code == 404
    shown = send(client, "GET", f"comments/{comment_id}", HTTP_X_EDIT_TOKEN=token)
    assert shown.status_code == 200 and shown.json()["body"] == "Hi"
    edited = send(
        client, "PATCH", f"comments/{comment_id}", {"body": "Hello"}, HTTP_X_EDIT_TOKEN=token
    )
    assert edited.status_code == 200, edited.content
    assert (
        send(client, "DELETE", f"comments/{comment_id}", HTTP_X_EDIT_TOKEN=token).status_code == 204
    )
