"""/embed.js and /count.js: the built widget, served to any site's page."""

from __future__ import annotations

import gzip
import re

import pytest

from parley.embed.scripts import BUILT

MAX_GZIPPED = 30 * 1024


@pytest.mark.parametrize("name", ["embed.js", "count.js"])
def test_it_serves_the_built_script_to_any_page_with_caching_headers(client, name):
    response = client.get(f"/{name}", HTTP_ORIGIN="https://anyone.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response.content == (BUILT / name).read_bytes()
    assert not response.cookies


def test_a_known_etag_answers_304_without_the_body(client):
    etag = client.get("/embed.js")["ETag"]
    again = client.get("/embed.js", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get("/embed.js", HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_the_two_scripts_have_their_own_etags(client):
    assert client.get("/embed.js")["ETag"] != client.get("/count.js")["ETag"]


def test_only_reading_methods_are_allowed(client):
    assert client.post("/embed.js").status_code == 405
    assert client.head("/count.js").status_code == 200


def test_the_widget_stays_under_30_kb_gzipped():
    for name in ("embed.js", "count.js"):
        size = len(gzip.compress((BUILT / name).read_bytes(), compresslevel=9))
        assert size <= MAX_GZIPPED, f"{name} is {size:,} bytes gzipped"


def test_the_bundle_defines_one_global_and_no_eval():
    source = (BUILT / "embed.js").read_text()
    assert "window.Parley=" in source
    assert "eval(" not in source and "new Function" not in source


@pytest.mark.parametrize("name", ["embed.js", "count.js"])
def test_a_browser_that_takes_gzip_gets_the_script_gzipped(client, name):
    plain = client.get(f"/{name}")
    packed = client.get(f"/{name}", HTTP_ACCEPT_ENCODING="br, gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content)
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["ETag"] != plain["ETag"]
    assert (
        client.get(
            f"/{name}", HTTP_IF_NONE_MATCH=packed["ETag"], HTTP_ACCEPT_ENCODING="gzip"
        ).status_code
        == 304
    )


def test_gzip_refused_with_q_0_gets_the_plain_script(client):
    response = client.get("/embed.js", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in response
    assert response.content == (BUILT / "embed.js").read_bytes()
