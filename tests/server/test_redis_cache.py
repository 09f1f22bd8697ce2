"""REDIS_URL: the production server keeps its shared cache (rate limits) in Redis, and posting
works (its client library is installed)."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from tests.conftest import redis_at

pytestmark = [pytest.mark.server]

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture
def redis_db():
    yield from redis_at(REDIS_URL)


def test_a_comment_posted_with_redis_as_the_cache_is_stored(
    transactional_db, tmp_path, dossier, redis_db
):
    from django.core.management import call_command

    from parley.discussion.models import Comment
    from tests.conftest import Server

    call_command("collectstatic", interactive=False, verbosity=0)
    server = Server(tmp_path, env={"REDIS_URL": REDIS_URL}).start()
    request = urllib.request.Request(  # noqa: S310  (loopback only)
        f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments",
        data=json.dumps({"name": "Cached Carla", "body": "Counted in Redis."}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (loopback)
            assert response.status == 201
        with urllib.request.urlopen(f"{server.url}/posts/lastovo/", timeout=30) as page:  # noqa: S310
            assert b"Counted in Redis." in page.read()
    finally:
        server.stop()
    assert Comment.objects.filter(body="Counted in Redis.").count() == 1
    assert redis_db.dbsize() > 0  # the rate limit's counter lives there, not in the database
