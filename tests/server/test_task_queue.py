"""The task queue stays healthy: lost tasks are put back (or failed after repeated deaths),
old results are pruned, scoring goes first, one retraining waits at a time, and the worker
logs a line per failure and a summary rather than two lines per task."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parley.language.tasks import PRIORITY_TRANSLATION, translate_all
from parley.lib import worker
from parley.moderation.tasks import PRIORITY_RETRAIN, PRIORITY_SCORING, retrain, score_comment
from tests.server.tasks import echo, fail

READY, RUNNING = TaskResultStatus.READY, TaskResultStatus.RUNNING


def running(owners: list[str], started_ago: timedelta) -> DBTaskResult:
    result = echo.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=RUNNING, worker_ids=owners, started_at=timezone.now() - started_ago
    )
    return DBTaskResult.objects.get(pk=result.id)


def status(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return row.status


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_on_this_machine_is_put_back_at_once():
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603  (a process that ends)
    owner = worker.worker_id(gone.pid)
    gone.wait()
    lost = running([owner], timedelta(seconds=1))
    assert worker.is_alive(owner) is False
    assert worker.recover() == worker.Recovered(requeued=1)
    assert status(lost) == READY and lost.started_at is None


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone_however_long_it_runs():
    mine = running([worker.worker_id()], timedelta(days=2))
    assert worker.is_alive(worker.worker_id()) is True
    assert worker.recover() == worker.Recovered()
    assert status(mine) == RUNNING


@pytest.mark.django_db
def test_a_task_of_a_worker_elsewhere_is_put_back_after_the_stated_limit():
    recent = running(["elsewhere:0a1b2c3d:41:999"], worker.STALE_AFTER - timedelta(minutes=1))
    old = running(["elsewhere:0a1b2c3d:42:999"], worker.STALE_AFTER + timedelta(minutes=1))
    assert worker.recover() == worker.Recovered(requeued=1)
    assert (status(recent), status(old)) == (RUNNING, READY)


@pytest.mark.django_db
def test_a_task_that_outlived_its_worker_three_times_is_failed_not_run_again():
    owners = [f"elsewhere:0a1b2c3d:{pid}:1" for pid in (1, 2, 3)]
    killer = running(owners, worker.STALE_AFTER * 2)
    assert worker.recover() == worker.Recovered(failed=1)
    killer.refresh_from_db()
    assert killer.status == TaskResultStatus.FAILED
    assert killer.exception_class_path == "parley.lib.worker.WorkerLost"
    assert "died 3 times" in killer.traceback


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_old_finished_results_are_pruned_by_the_worker():
    now = timezone.now()
    rows = {}
    for name, state, age in [
        ("old done", TaskResultStatus.SUCCESSFUL, worker.KEEP_RESULTS + timedelta(hours=1)),
        ("old failed", TaskResultStatus.FAILED, worker.KEEP_RESULTS + timedelta(hours=1)),
        ("recent", TaskResultStatus.SUCCESSFUL, worker.KEEP_RESULTS - timedelta(hours=1)),
    ]:
        result = echo.enqueue(1)
        DBTaskResult.objects.filter(pk=result.id).update(status=state, finished_at=now - age)
        rows[name] = result.id
    waiting = echo.using(run_after=now + timedelta(days=30)).enqueue(2)
    call_command("worker", batch=True, verbosity=0)
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert rows["old done"] not in left and rows["old failed"] not in left
    assert {rows["recent"], waiting.id} <= left


def test_priorities_put_scoring_first_then_translations_then_retraining():
    assert score_comment.priority == PRIORITY_SCORING
    assert translate_all.priority == PRIORITY_TRANSLATION
    assert retrain.priority == PRIORITY_RETRAIN
    assert PRIORITY_SCORING > PRIORITY_TRANSLATION > PRIORITY_RETRAIN


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_comment_waiting_for_its_score_goes_before_a_translation_batch_queued_earlier():
    batch = translate_all.enqueue("comment", [987654321], "en")
    scoring = score_comment.enqueue(987654321)
    call_command("worker", max_tasks=1, verbosity=0)
    assert DBTaskResult.objects.get(pk=scoring.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=batch.id).status == READY


def _waiting_retrains() -> int:
    return DBTaskResult.objects.filter(status=READY, task_path=retrain.module_path).count()


@pytest.mark.django_db
def test_at_most_one_retraining_waits():
    later = retrain.using(run_after=timezone.now() + timedelta(hours=1))
    assert worker.enqueue_once(later) is not None
    assert worker.enqueue_once(later) is None
    assert worker.enqueue_once(later) is None
    assert _waiting_retrains() == 1
    DBTaskResult.objects.filter(task_path=retrain.module_path).update(status=RUNNING)
    assert worker.enqueue_once(later) is not None  # the running one may miss what came since
    assert _waiting_retrains() == 1


@pytest.mark.django_db(transaction=True)
def test_decisions_at_the_same_moment_queue_one_retraining():
    later = retrain.using(run_after=timezone.now() + timedelta(hours=1))
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def decide() -> None:
        try:
            start.wait(timeout=60)
            worker.enqueue_once(later)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert _waiting_retrains() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_the_worker_logs_a_line_per_failure_and_a_summary(caplog):
    for value in range(3):
        echo.enqueue(value)
    failing = fail.enqueue()
    with caplog.at_level(logging.INFO):
        call_command("worker", batch=True, verbosity=1)
    lines = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert not [line for line in lines if line[0].startswith(("django.tasks", "django_tasks_db"))]
    failures = [message for _name, level, message in lines if level >= logging.ERROR]
    assert failures == [
        f"Task {failing.id} (tests.server.tasks.fail) failed: "
        "ValueError: This task fails on purpose."
    ]
    summaries = [message for _n, _l, message in lines if " tasks in the last " in message]
    assert len(summaries) == 1 and ": 4 tasks in the last" in summaries[0]
    assert "1 failed, 0 put back; 0 waiting." in summaries[0]
    assert len(lines) <= 3  # started, the failure, the summary: not two lines per task


@pytest.mark.django_db
def test_a_bulk_decision_and_more_decisions_after_it_queue_one_retraining(
    client, moderator, thread, no_rate_limit, django_capture_on_commit_callbacks
):
    from django.test import Client

    from parley.discussion.models import Comment
    from tests.moderation.conftest import post_form, set_mode

    set_mode("all")
    for n in range(6):
        post_form(Client(), f"Reader {n} thinks the minutes say otherwise.", ip=f"198.51.100.{n}")
    held = list(Comment.objects.filter(status="pending"))
    assert len(held) == 6
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        bulk = {"action": "approve", "comment": [c.pk for c in held[:4]]}
        client.post("/moderation/decide/", bulk | {f"expected-{c.pk}": "pending" for c in held})
        for comment in held[4:]:
            one = {"action": "approve", "comment": [comment.pk]}
            client.post("/moderation/decide/", one | {f"expected-{comment.pk}": "pending"})
    assert Comment.objects.filter(status="published").count() == 6
    assert _waiting_retrains() == 1
