"""Background work that survives: who a worker is, putting back what a dead worker left
RUNNING, pruning old results, and queueing a task only when none like it is waiting.

Tasks are queued in the database by django-tasks-db and run by `parley worker` (which
`parley serve` starts and restarts). These helpers read and change its rows directly; they
run in the worker, except `enqueue_once` and `is_pending`, which the apps call.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

log = logging.getLogger("parley.worker")

# A task RUNNING for longer than this under a worker on another machine (one this machine
# cannot ask whether it is alive) is taken to be lost with its worker and is run again.
STALE_AFTER = timedelta(minutes=30)
# A task whose worker died this many times while running it (it may be what kills the
# worker: memory, a crash in a library) is marked failed instead of being run again.
MAX_ATTEMPTS = 3
# Finished and failed task results are deleted once they are this old.
KEEP_RESULTS = timedelta(days=7)
# How often a running worker looks for lost tasks, prunes results and logs a summary.
SWEEP_EVERY = timedelta(minutes=1)
PRUNE_EVERY = timedelta(hours=1)
SUMMARY_EVERY = timedelta(minutes=5)


class WorkerLost(Exception):
    """The worker running a task died before the task finished (recorded, never raised)."""


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:8]
    except OSError:
        return "noboot"


def _start_time(pid: int) -> str | None:
    """When the process started (clock ticks since boot), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    # The second field (the command name) may hold spaces and brackets: split after it.
    return stat.rsplit(")", 1)[1].split()[19]


def worker_id(pid: int | None = None) -> str:
    """An id that says where the worker runs: host, boot, process id and its start time, so
    that a worker on the same machine can tell whether the owner of a task still lives."""
    pid = os.getpid() if pid is None else pid
    host = socket.gethostname()[:24] or "host"
    return f"{host}:{_boot_id()}:{pid}:{_start_time(pid) or '0'}"


def is_alive(owner: str) -> bool | None:
    """Whether the worker named `owner` is still running: True or False when it ran on this
    machine since its last boot, None when this machine cannot tell."""
    parts = owner.split(":")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    host, boot, pid, started = parts
    if host != (socket.gethostname()[:24] or "host") or boot != _boot_id() or started == "0":
        return None
    if boot == "noboot":  # no /proc: ask the kernel whether the process exists at all
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return _start_time(int(pid)) == started


@dataclass
class Recovered:
    requeued: int = 0
    failed: int = 0


def recover(
    *,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
) -> Recovered:
    """Put tasks whose worker is gone back to READY (or mark them failed after
    `max_attempts` workers died running them). A task is lost when its worker ran on this
    machine and is no longer alive, or ran elsewhere and it has been RUNNING for longer
    than `stale_after`. Each change is a conditional update, so a task that finishes
    meanwhile keeps its result."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    done = Recovered()
    running = DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path")
    for result in running:
        owner = result.worker_ids[-1] if result.worker_ids else ""
        alive = is_alive(owner) if owner else None
        if alive or (alive is None and result.started_at and now - result.started_at < stale_after):
            continue
        same = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts >= max_attempts:
            changed = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"The worker running this task died {attempts} times before it finished "
                    f"(last: {owner or 'unknown'}); it is not run again."
                ),
            )
            if changed:
                done.failed += 1
                log.error(
                    "Task %s (%s) failed: its worker died %d times while running it.",
                    result.pk,
                    result.task_path,
                    attempts,
                )
        elif same.update(status=TaskResultStatus.READY, started_at=None):
            done.requeued += 1
            log.warning(
                "Task %s (%s) was left running by a worker that is gone (%s); queued again.",
                result.pk,
                result.task_path,
                owner or "unknown",
            )
    return done


def prune(*, now: datetime | None = None, keep: timedelta = KEEP_RESULTS) -> int:
    """Delete finished and failed task results older than `keep`; returns how many."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - keep
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def waiting() -> int:
    """How many tasks are queued and not yet started."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()


# A fixed key for PostgreSQL's advisory lock that makes `enqueue_once` one at a time.
_ENQUEUE_ONCE_LOCK = 0x70617273  # "pars"


def enqueue_once(task: Any, *args: Any, **kwargs: Any) -> Any | None:
    """Queue `task` unless a task of the same function is already waiting (READY, not yet
    started); returns the new result, or None when one was waiting.

    Two callers at once queue one: on PostgreSQL an advisory lock held to the end of the
    transaction orders them, on SQLite the write lock taken at BEGIN IMMEDIATE does.
    Backends that keep no queue in this database simply queue.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args, **kwargs)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ENQUEUE_ONCE_LOCK])
        queued = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path
        )
        if queued.exists():
            return None
        return task.enqueue(*args, **kwargs)


def is_pending(task: Any, result_id: str) -> bool | None:
    """Whether the task result `result_id` is still waiting or running: None when the
    backend cannot say (it keeps no results)."""
    try:
        result = task.get_backend().get_result(result_id)
    except (TaskResultDoesNotExist, ValidationError, ValueError):
        return False
    except NotImplementedError:
        return None
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
