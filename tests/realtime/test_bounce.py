"""A stream asked of a WSGI process (runserver, Django's live server) is answered at once with
307 to the same address and Connection: close: it never holds a WSGI worker. Under `parley
serve` the front door sends streams to the ASGI server (tests/server/test_front_door.py)."""

from __future__ import annotations

import http.client


def test_the_test_client_is_bounced(client, thread):
    response = client.get(f"/live/threads/{thread.pk}/?last_event_id=3")
    assert response.status_code == 307
    assert response["Location"] == f"/live/threads/{thread.pk}/?last_event_id=3"
    assert response["Connection"] == "close"
    moderation = client.get("/live/moderation/")
    assert (moderation.status_code, moderation["Location"]) == (307, "/live/moderation/")


def _ask(base: str, path: str) -> http.client.HTTPResponse:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    return connection.getresponse()


def test_djangos_development_server_bounces_and_closes(live_server, thread):
    response = _ask(live_server.url, f"/live/threads/{thread.pk}/")
    assert response.status == 307
    assert response.getheader("Location") == f"/live/threads/{thread.pk}/"
    assert response.getheader("Connection") == "close"
    assert b"follow the Location" in response.read()
