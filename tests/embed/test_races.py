"""Pages opened by several readers at once get one post and one thread.

Real threads, each with its own database connection; on PostgreSQL six at once (the unique
indexes decide), on SQLite, which takes one writer at a time, two.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from parley.discussion.models import Thread
from parley.embed.models import EmbeddedPage, Site
from parley.publishing.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

BLOG = "https://blog.example.org"


def _at_once(bodies: list[dict]) -> list[tuple[int, dict]]:
    start = threading.Barrier(len(bodies))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def work(body: dict) -> None:
        try:
            start.wait()
            response = Client().post(
                "/api/v1/embed/thread",
                json.dumps(body),
                content_type="application/json",
                HTTP_ORIGIN=BLOG,
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(body,), daemon=True) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


@pytest.mark.parametrize("identifier", ["", "post-7"])
def test_one_page_opened_at_once_has_one_thread(identifier):
    Site.objects.create(name="The blog", allowed_origins=BLOG)
    workers = 6 if connection.vendor == "postgresql" else 2
    answers = _at_once(
        [{"url": f"{BLOG}/hello/", "title": f"Hello {n}", "id": identifier} for n in range(workers)]
    )
    assert sorted(status for status, _ in answers) == [200] * (workers - 1) + [201]
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    assert (EmbeddedPage.objects.count(), Post.objects.count(), Thread.objects.count()) == (1, 1, 1)
