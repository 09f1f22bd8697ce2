"""The production server in its own process: real HTTP, and no loss on SIGKILL."""

from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = [pytest.mark.server]


def _post(url: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310  (loopback only)
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
        return response.status, json.loads(response.read())


def test_a_2xx_answer_survives_sigkill_of_the_server(server, dossier):
    from parley.discussion.models import Comment

    status, comment = _post(
        f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments",
        {"name": "Durable Dora", "body": "Committed before the answer."},
        "k1",
    )
    server.kill()  # no graceful shutdown: the comment must already be on disk
    assert status == 201
    stored = Comment.objects.get(pk=comment["id"])
    assert stored.body == "Committed before the answer."


def test_a_retried_post_after_a_crash_returns_the_first_comment(server, dossier, tmp_path):
    from parley.discussion.models import Comment
    from tests.conftest import Server

    url = f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments"
    _status, first = _post(url, {"name": "Retry Rui", "body": "Once only."}, "retry-1")
    server.kill()
    (tmp_path / "second").mkdir()
    again = Server(tmp_path / "second").start()
    try:
        status, second = _post(
            f"{again.url}/api/v1/threads/{dossier.thread.pk}/comments",
            {"name": "Retry Rui", "body": "Once only."},
            "retry-1",
        )
    finally:
        again.stop()
    assert status == 201 and second["id"] == first["id"]
    assert Comment.objects.filter(body="Once only.").count() == 1


def test_pages_and_static_files_are_served(server, dossier):
    with urllib.request.urlopen(f"{server.url}/posts/lastovo/", timeout=10) as response:  # noqa: S310
        html = response.read().decode()
        assert response.headers["Content-Security-Policy"]
    assert "The Lastovo crossing" in html
    with urllib.request.urlopen(f"{server.url}/static/parley/parley.css", timeout=10) as response:  # noqa: S310
        assert b"--accent" in response.read()


def test_the_server_starts_the_worker_that_translates_comments(server, dossier):
    """`parley serve` runs the background worker: a Portuguese comment posted over HTTP is
    translated into English (PARLEY_TRANSLATE_INTO) without anyone asking."""
    import time

    status, comment = _post(
        f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments",
        {"name": "Rafael Costa", "body": "O governo mentiu sobre a barragem."},
        "pt-1",
    )
    assert status == 201
    request = urllib.request.Request(  # noqa: S310  (loopback only)
        f"{server.url}/posts/lastovo/", headers={"Accept-Language": "en"}
    )
    deadline = time.monotonic() + 60
    while True:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
            html = response.read().decode()
        if "Translated from Portuguese by Bergamot" in html or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "Translated from Portuguese by Bergamot" in html
    assert "The government lied about the dam" in html
    assert f'data-comment="{comment["id"]}" lang="pt" hidden>' in html


def test_head_answers_like_get_without_a_body(server, dossier):
    """Uptime monitors ask with HEAD: the status of GET, no body, and the connection still
    good for the next request (no stray body bytes left on it)."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("HEAD", "/posts/lastovo/")
        head = connection.getresponse()
        assert head.status == 200
        assert head.getheader("Content-Type", "").startswith("text/html")
        assert head.read() == b""
        connection.request("GET", "/posts/lastovo/")
        got = connection.getresponse()
        assert got.status == 200
        assert "The Lastovo crossing" in got.read().decode()
    finally:
        connection.close()
