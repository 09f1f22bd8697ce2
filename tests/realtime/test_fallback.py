"""GET /threads/<id>/events/?after=N: the polling fallback, for pages whose stream is
blocked. The same events and visibility as the stream, at most 500, and reload when N is
older than what is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parley.realtime import events
from parley.realtime.models import Event

pytestmark = pytest.mark.django_db


def _get(client, thread_id, query):
    return client.get(f"/threads/{thread_id}/events/{query}")


def test_the_events_after_n_in_order(client, thread, post_as, no_rate_limit):
    first = post_as(thread, "John", "One.")
    second = post_as(thread, "Ana", "Two.", parent=first)
    body = _get(client, thread.pk, "?after=0").json()
    assert body == {
        "events": [
            {"id": 1, "kind": "posted", "thread": thread.pk, "version": 1, "comments": [first.pk]},
            {"id": 2, "kind": "posted", "thread": thread.pk, "version": 2, "comments": [second.pk]},
        ],
        "version": 2,
        "reload": False,
    }
    assert _get(client, thread.pk, "?after=1").json()["events"][0]["id"] == 2
    assert _get(client, thread.pk, "?after=2").json() == {
        "events": [],
        "version": 2,
        "reload": False,
    }


@pytest.mark.parametrize("query", ["", "?after=", "?after=two", "?after=-1", "?after=1.5"])
def test_a_missing_or_bad_after_is_refused_with_a_sentence(client, thread, query):
    response = _get(client, thread.pk, query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_event_id"
    assert body["message"].endswith(".")


def test_an_id_from_the_future_is_refused(client, thread, post_as, no_rate_limit):
    post_as(thread, "John", "One.")
    response = _get(client, thread.pk, "?after=2")
    assert response.status_code == 400
    assert "ahead of this discussion" in response.json()["message"]


@pytest.mark.parametrize("thread_id", ["999999", "0", "99999999999999999999"])
def test_an_unknown_thread_is_not_found(client, db, thread_id):
    response = client.get(f"/threads/{thread_id}/events/?after=0")
    assert response.status_code == 404
    if thread_id == "999999":
        assert response.json()["error"] == "not_found"


def test_reload_when_what_was_missed_is_no_longer_kept(
    client, thread, post_as, no_rate_limit, settings
):
    for n in range(3):
        post_as(thread, "John", f"Comment {n}.")
    old = timezone.now() - timedelta(minutes=settings.PARLEY_LIVE_KEEP + 1)
    Event.objects.filter(thread=thread, version__lte=2).update(created_at=old)
    assert events.prune() == 2
    assert _get(client, thread.pk, "?after=0").json() == {
        "events": [],
        "version": 3,
        "reload": True,
    }
    # What is still kept replays as before.
    assert [e["id"] for e in _get(client, thread.pk, "?after=2").json()["events"]] == [3]


def test_more_than_500_missed_reloads(client, thread, post_as, no_rate_limit):
    from parley.discussion.models import Thread

    post_as(thread, "John", "One.")
    Event.objects.bulk_create(
        Event(thread=thread, version=v, kind="edited", comments=[1]) for v in range(2, 503)
    )
    Thread.objects.filter(pk=thread.pk).update(version=502)
    kept = _get(client, thread.pk, "?after=2").json()  # 500 missed: sent
    assert kept["reload"] is False and len(kept["events"]) == 500
    assert _get(client, thread.pk, "?after=1").json() == {  # 501: reload
        "events": [],
        "version": 502,
        "reload": True,
    }
