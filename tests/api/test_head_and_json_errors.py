"""HEAD on every GET route answers like GET without a body; every refusal under /api/ is JSON
(unknown routes, methods a route does not take, paths that are not ids)."""

from __future__ import annotations

import pytest

from tests.api.test_comments_api import API

pytestmark = pytest.mark.django_db


def _get_routes(thread, comment) -> list[str]:
    return [
        f"{API}/posts/{thread.post.slug}",
        f"{API}/threads/{thread.pk}",
        f"{API}/threads/{thread.pk}/comments",
        f"{API}/comments/{comment.pk}",
        f"{API}/comments/{comment.pk}/revisions",
        f"{API}/openapi.json",
    ]


def test_head_answers_like_get_without_a_body(client, thread, post_as):
    comment = post_as(thread, "Ana", "The crossing opens at noon.")
    for url in _get_routes(thread, comment):
        got = client.get(url)
        head = client.head(url)
        assert got.status_code == 200, url
        assert head.status_code == 200, (url, head.status_code)
        assert head.content == b"", url
        assert head["Content-Type"] == got["Content-Type"], url
        assert head.get("ETag") == got.get("ETag"), url


def test_head_on_a_missing_comment_is_a_404_without_a_body(client, thread):
    head = client.head(f"{API}/comments/999")
    assert head.status_code == 404
    assert head.content == b""


def test_a_method_the_route_does_not_take_answers_405_in_json(client, thread):
    response = client.put(f"{API}/threads/{thread.pk}", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["error"] == "method_not_allowed"
    assert "PUT" in data["message"] and "GET" in data["message"]
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "path",
    [
        "/nothing-here",
        "/threads/abc",
        "/threads/1/comments/extra/parts",
        "/comments/",
        "/",
    ],
)
def test_an_unknown_route_answers_404_in_json(client, path):
    for method in (client.get, client.post, client.delete):
        response = method(API + path)
        # /threads/abc names a route whose id is not a number: 400, saying so.
        assert response.status_code in (400, 404, 405), (path, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (path, response)
        assert response.json()["message"]


def test_the_unknown_route_message_points_to_the_openapi_document(client):
    response = client.get(f"{API}/nothing-here")
    assert response.status_code == 404
    assert "/api/v1/openapi.json" in response.json()["message"]
