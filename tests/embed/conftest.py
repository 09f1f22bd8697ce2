from __future__ import annotations

import json

import pytest

from parley.embed.models import Site

API = "/api/v1/embed"
BLOG = "https://blog.example.org"


@pytest.fixture
def blog(db):
    """A blog that embeds the comments, also reachable at its old address, and its docs on
    any subdomain of docs.example.net."""
    site = Site(
        name="The blog",
        allowed_origins="https://blog.example.org\nhttp://localhost:1313\nhttps://*.docs.example.net",
    )
    site.full_clean()
    site.save()
    return site


@pytest.fixture
def shop(db):
    site = Site(name="The shop", allowed_origins="https://shop.example.com")
    site.full_clean()
    site.save()
    return site


def open_thread(client, body: dict, origin: str | None = BLOG):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(
        f"{API}/thread", json.dumps(body), content_type="application/json", **headers
    )


def get(client, path: str, origin: str | None = BLOG, **params):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.get(f"{API}/{path}", params, **headers)


SHOP = "https://shop.example.com"


def blog_thread(client, path: str = "/2026/12/hello/", origin: str = BLOG) -> int:
    """The thread of a page of the site at `origin`, opened through the API."""
    response = open_thread(client, {"url": origin + path, "title": "Hello"}, origin)
    assert response.status_code in (200, 201), response.content
    return response.json()["thread_id"]


def send(
    client, method: str, path: str, body=None, *, origin: str | None = BLOG, token=None, **headers
):
    """A JSON request to /api/v1/PATH, from a page of `origin`, with a bearer token."""
    if origin:
        headers["HTTP_ORIGIN"] = origin
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    call = getattr(client, method.lower())
    if body is None:
        return call(f"/api/v1/{path}", **headers)
    return call(f"/api/v1/{path}", json.dumps(body), content_type="application/json", **headers)


def token_for(account, site) -> str:
    from parley.embed import tokens

    return tokens.issue(account, site).secret


# The widget's browser tests: two origins, a browser that blocks third-party cookies.
from tests.embed.widget_pages import host_site, parley, reader, third_party_browser  # noqa: E402

__all__ = ["host_site", "parley", "reader", "third_party_browser"]
