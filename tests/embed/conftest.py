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
