"""A translation is claimed before it is queued: pages that ask again queue nothing more
while its task waits or runs, a "translating…" that outlived its task is asked for again,
a finished translation is never made again, and a batch makes the thread's cached pages
anew once, not once per comment. The real worker (`parley worker --batch`) and Bergamot."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parley.discussion.models import Comment, Thread
from parley.language import translations
from parley.language.models import Translation
from parley.language.tasks import translate_all

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/posts/lastovo/"
EN_READER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
PT = [
    "O governo mentiu sobre a barragem e ninguém foi responsabilizado.",
    "A ponte nova foi paga duas vezes, segundo os documentos do tribunal.",
    "Os pescadores da ilha nunca foram ouvidos pela comissão.",
]


def work() -> None:
    call_command("worker", batch=True, verbosity=0)


def batches() -> list[DBTaskResult]:
    """The batches queued for comments (the page also asks for its post and documents)."""
    queued = DBTaskResult.objects.filter(task_path=translate_all.module_path)
    return [batch for batch in queued if batch.args_kwargs["args"][0] == "comment"]


def rows(comments: list[Comment]) -> list[Translation]:
    ids = [comment.pk for comment in comments]
    return list(Translation.objects.filter(kind="comment", object_id__in=ids, target="en"))


@pytest.fixture
def asked_by_pages(settings):
    """Nothing is translated early on posting: only what pages ask for."""
    settings.PARLEY_TRANSLATE_INTO = []


def test_pages_asking_again_queue_nothing_while_the_task_waits(
    client, thread, post_as, asked_by_pages
):
    comments = [post_as(thread, f"Leitor {n}", body) for n, body in enumerate(PT)]
    for _ in range(3):
        assert "translating into English" in client.get(URL, **EN_READER).content.decode()
    (batch,) = batches()
    assert sorted(batch.args_kwargs["args"][1]) == sorted(c.pk for c in comments)
    assert {row.task_id for row in rows(comments)} == {str(batch.pk)}
    # Long after: the task still waits (a busy worker), so nothing is queued again.
    Translation.objects.update(requested_at=timezone.now() - timedelta(hours=3))
    client.get(URL, **EN_READER)
    assert len(batches()) == 1


def lose(batch: DBTaskResult, fate: str) -> None:
    if fate == "failed":
        DBTaskResult.objects.filter(pk=batch.pk).update(status=TaskResultStatus.FAILED)
    else:  # pruned, or never stored
        DBTaskResult.objects.filter(pk=batch.pk).delete()


@pytest.mark.parametrize("fate", ["failed", "pruned"])
def test_a_page_asks_again_for_a_translating_state_that_outlived_its_task(
    client, thread, post_as, asked_by_pages, fate
):
    comment = post_as(thread, "Rafael Costa", PT[0])
    client.get(URL, **EN_READER)
    (lost,) = batches()
    lose(lost, fate)
    translations.for_reader("comment", [Comment.objects.get(pk=comment.pk)], "en")
    (again,) = [b for b in batches() if b.pk != lost.pk]
    assert again.status == TaskResultStatus.READY
    assert again.args_kwargs["args"] == ["comment", [comment.pk], "en"]
    (row,) = rows([comment])
    assert (row.state, row.task_id) == ("pending", str(again.pk))


@pytest.mark.parametrize("fate", ["failed", "pruned"])
def test_the_worker_asks_again_for_what_no_page_asks_for(
    client, thread, post_as, asked_by_pages, fate
):
    """A cached page does not ask again: the worker's sweep does."""
    comment = post_as(thread, "Rafael Costa", PT[0])
    gone = post_as(thread, "Rafael Costa", PT[1])
    client.get(URL, **EN_READER)
    (lost,) = batches()
    lose(lost, fate)
    Comment.objects.filter(pk=gone.pk).delete()  # its waiting row cannot be made: it goes
    work()
    (row,) = rows([comment, gone])
    assert (row.object_id, row.state) == (comment.pk, "done")
    (again,) = [b for b in batches() if b.pk != lost.pk]
    assert again.status == TaskResultStatus.SUCCESSFUL


def test_a_batch_makes_the_threads_pages_anew_once(client, thread, post_as, asked_by_pages):
    comments = [post_as(thread, f"Leitor {n}", body) for n, body in enumerate(PT)]
    client.get(URL, **EN_READER)
    before = Thread.objects.get(pk=thread.pk).version
    work()
    assert Thread.objects.get(pk=thread.pk).version == before + 1
    assert [row.state for row in rows(comments)] == ["done"] * 3
    html = client.get(URL, **EN_READER).content.decode().split('id="comments"', 1)[1]
    for comment in comments:
        assert f'data-comment="{comment.pk}" lang="pt" hidden>' in html  # translated


def test_a_finished_translation_is_never_made_again(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT[0])  # translated early into English
    work()
    (row,) = rows([comment])
    assert row.state == "done"
    version = Thread.objects.get(pk=thread.pk).version
    translate_all.enqueue("comment", [comment.pk], "en")  # asked again, by whatever means
    work()
    (again,) = rows([comment])
    assert (again.translated_at, again.html) == (row.translated_at, row.html)
    assert Thread.objects.get(pk=thread.pk).version == version  # nothing changed, no bump
    client.get(URL, **EN_READER)
    assert not [batch for batch in batches() if batch.status == TaskResultStatus.READY]


def test_two_pages_asking_at_once_queue_each_translation_once(thread, post_as, asked_by_pages):
    comments = [post_as(thread, f"Leitor {n}", body) for n, body in enumerate(PT)]
    # Each page holds a connection while it waits for the others: with the test's own, they
    # must fit in PostgreSQL's pool (PARLEY_DB_POOL_SIZE, 4 by default).
    pages = min(4, settings.PARLEY_DB_POOL_SIZE - 1) if connection.vendor == "postgresql" else 4
    start = threading.Barrier(pages)
    errors: list[BaseException] = []

    def page() -> None:
        try:
            fresh = list(Comment.objects.filter(pk__in=[c.pk for c in comments]))
            start.wait(timeout=60)
            translations.for_reader("comment", fresh, "en")
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=page) for _ in range(pages)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=120)
    assert not errors
    queued = [pk for batch in batches() for pk in batch.args_kwargs["args"][1]]
    assert sorted(queued) == sorted(c.pk for c in comments)  # each once, whoever claimed it
    assert {row.task_id for row in rows(comments)} <= {str(b.pk) for b in batches()}
