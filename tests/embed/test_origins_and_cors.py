"""Only the origins of a site may use the embed API, and only they get CORS headers."""

from __future__ import annotations

import pytest

from tests.embed.conftest import API, BLOG, get, open_thread

pytestmark = pytest.mark.django_db

PAGE = f"{BLOG}/hello/"


def _cors_headers(response) -> set[str]:
    return {name.lower() for name in response.headers if name.lower().startswith("access-control-")}


@pytest.mark.parametrize(
    "call",
    [
        lambda client, origin: get(client, "thread", origin, url=PAGE),
        lambda client, origin: get(client, "counts", origin, url=PAGE),
        lambda client, origin: open_thread(client, {"url": PAGE, "title": "Hi"}, origin),
    ],
    ids=["get thread", "counts", "post thread"],
)
@pytest.mark.parametrize(
    ("origin", "words"),
    [
        (None, "The request has no Origin header"),
        ("https://evil.example", "https://evil.example is not an allowed origin of any site"),
        ("http://blog.example.org", "is not an allowed origin"),  # another scheme
        ("https://blog.example.org:8443", "is not an allowed origin"),  # another port
        ("https://docs.example.net", "is not an allowed origin"),  # the wildcard's own host
        ("null", "is not an allowed origin"),  # a sandboxed frame or a file
        ("https://blog.example.org/hello", "is not an allowed origin"),  # not an origin
    ],
)
def test_other_origins_are_403_with_a_sentence_and_no_cors_headers(
    client, blog, call, origin, words
):
    response = call(client, origin)
    assert response.status_code == 403, response.content
    assert words in response.json()["message"]
    assert response.json()["error"] == "origin"
    assert _cors_headers(response) == set()
    assert "Origin" in response["Vary"]


@pytest.mark.parametrize(
    "origin",
    [BLOG, "http://localhost:1313", "https://a.docs.example.net", "HTTPS://Blog.Example.org"],
)
def test_allowed_origins_get_their_origin_back_and_never_credentials(client, blog, origin):
    response = get(client, "counts", origin, url=PAGE)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response["Vary"]
    assert _cors_headers(response) == {"access-control-allow-origin"}


def test_errors_for_an_allowed_origin_carry_the_cors_headers(client, blog):
    response = get(client, "thread", url="ftp://blog.example.org/a")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert "Access-Control-Allow-Credentials" not in response


def test_one_sites_origin_is_not_anothers(client, blog, shop):
    response = open_thread(
        client, {"url": "https://shop.example.com/p", "title": "Hi"}, "https://shop.example.com"
    )
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert get(client, "thread", BLOG, url="https://shop.example.com/p").json()["thread"] is None


@pytest.mark.parametrize("path", ["thread", "counts"])
def test_preflight_from_an_allowed_origin_is_204_with_methods_and_headers(client, blog, path):
    response = client.options(
        f"{API}/{path}",
        HTTP_ORIGIN=BLOG,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert response["Access-Control-Allow-Methods"] == "GET, POST, PATCH, DELETE, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == (
        "Content-Type, Authorization, X-Edit-Token, Idempotency-Key"
    )
    assert response["Access-Control-Max-Age"] == "600"
    assert "Origin" in response["Vary"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("origin", [None, "https://evil.example"])
def test_preflight_from_another_origin_is_403(client, blog, origin):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    response = client.options(f"{API}/thread", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **headers)
    assert response.status_code == 403
    assert _cors_headers(response) == set()


def test_other_api_routes_send_no_cors_headers(client, blog):
    response = client.get("/api/v1/search", {"q": "x"}, HTTP_ORIGIN=BLOG)
    assert _cors_headers(response) == set()
