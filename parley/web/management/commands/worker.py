"""`parley worker`: run background tasks (scoring, translations, retraining) from the
database queue, and keep that queue healthy.

django-tasks-db's worker, with what a publication needs around it: at start and every
minute it puts back tasks a dead worker left RUNNING (parley.lib.worker.recover), asks
again for translations whose task failed or is gone (language.translations) and deletes
live events older than PARLEY_LIVE_KEEP (realtime.events), every hour
it deletes old results (prune), and it logs one line per failed task and a summary every
few minutes instead of two lines per task. `parley serve` starts it and restarts it.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.db.utils import OperationalError
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from parley.language import translations
from parley.lib import worker as work
from parley.realtime import events as live_events

log = logging.getLogger("parley.worker")

# How much lower than the web server's the CPU priority of the worker `parley serve` starts
# is: scoring and translating a comment take more CPU than answering it, and on a machine
# with few cores a worker at the same priority slows every request while comments arrive.
SERVE_NICENESS = 10


class Sweeping(Worker):
    """The database worker, with lost tasks put back, old results pruned, and a summary."""

    def __init__(
        self,
        *,
        stale_after: timedelta,
        max_attempts: int,
        keep: timedelta,
        summary_every: timedelta,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.stale_after = stale_after
        self.max_attempts = max_attempts
        self.keep = keep
        self.summary_every = summary_every.total_seconds()
        self.ran = self.failed = self.requeued = 0
        self.next_sweep = self.next_prune = 0.0
        self.last_summary = time.monotonic()

    def sweep(self) -> None:
        try:
            self._sweep()
        except DatabaseError as error:  # a busy or restarting database: try again next time
            log.warning("Could not look after the task queue this time: %s", error)
            self.next_sweep = self.next_prune = time.monotonic() + work.SWEEP_EVERY.total_seconds()

    def _sweep(self) -> None:
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + work.SWEEP_EVERY.total_seconds()
            found = work.recover(stale_after=self.stale_after, max_attempts=self.max_attempts)
            self.requeued += found.requeued
            self.failed += found.failed
            if asked := translations.requeue_lost():
                log.warning("Asked again for %d translations whose task failed or is gone.", asked)
            if pruned := live_events.prune():
                log.info("Deleted %d live events older than the ones kept.", pruned)
        if now >= self.next_prune:
            self.next_prune = now + work.PRUNE_EVERY.total_seconds()
            if pruned := work.prune(keep=self.keep):
                log.info("Deleted %d task results finished more than %s ago.", pruned, self.keep)
        if now - self.last_summary >= self.summary_every:
            self.summary()

    def summary(self) -> None:
        if self.ran or self.requeued:
            seconds = time.monotonic() - self.last_summary
            log.info(
                "Worker %s: %d tasks in the last %d s, %d failed, %d put back; %d waiting.",
                self.worker_id,
                self.ran,
                seconds,
                self.failed,
                self.requeued,
                work.waiting(),
            )
        self.ran = self.failed = self.requeued = 0
        self.last_summary = time.monotonic()

    def next_task(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None, False  # the database is busy: try again next time
                raise
        return task_result, True

    def run(self) -> None:
        log.info("Worker %s started (queues: %s).", self.worker_id, ",".join(self.queue_names))
        try:
            while self.running:
                close_old_connections()
                self.sweep()
                task_result, asked = self.next_task()
                if task_result is not None:
                    self.run_task(task_result)
                if self.batch and asked and task_result is None:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                close_old_connections()
                if self.running and task_result is None:
                    time.sleep(self.interval)
        finally:
            self.summary()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        self.ran += 1
        if db_task_result.status == TaskResultStatus.FAILED:
            self.failed += 1
            last = db_task_result.traceback.strip().splitlines()[-1:] or ["(no message)"]
            log.error(
                "Task %s (%s) failed: %s", db_task_result.pk, db_task_result.task_path, last[0]
            )


def _positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Run background tasks from the database queue (parley serve starts this)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when nothing is queued (default: 1).",
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many.")
        parser.add_argument("--worker-id", default=None, help="Default: host, process and start.")
        parser.add_argument(
            "--nice",
            type=int,
            default=0,
            help="Lower this process's CPU priority by this much (0 to 19), so that the web "
            "server on the same machine answers first and tasks run in the time it leaves "
            f"(parley serve passes {SERVE_NICENESS}; default: 0).",
        )
        parser.add_argument(
            "--stale-after",
            type=_positive,
            default=work.STALE_AFTER.total_seconds(),
            help="Seconds after which a task RUNNING under a worker on another machine is "
            "taken to be lost and run again (default: %(default)d).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=work.MAX_ATTEMPTS,
            help="Workers that may die running one task before it is marked failed "
            "(default: %(default)d).",
        )
        parser.add_argument(
            "--keep-results-days",
            type=_positive,
            default=work.KEEP_RESULTS.days,
            help="Delete finished task results older than this (default: %(default)d days).",
        )
        parser.add_argument(
            "--summary-every",
            type=_positive,
            default=work.SUMMARY_EVERY.total_seconds(),
            help="Seconds between summary lines (default: %(default)d).",
        )

    def handle(self, *args, **options):
        if options["interval"] < 0 or options["max_attempts"] < 1:
            raise CommandError("--interval must be 0 or more and --max-attempts 1 or more.")
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError("--max-tasks must be 1 or more.")
        if not 0 <= options["nice"] <= 19:  # noqa: PLR2004  (the range nice(1) accepts)
            raise CommandError("--nice must be from 0 (the default priority) to 19 (the lowest).")
        worker_id = options["worker_id"] or work.worker_id()
        if len(worker_id) > 64:
            raise CommandError("--worker-id must be at most 64 characters.")
        self._configure_logging(options["verbosity"])
        if options["nice"]:
            os.nice(options["nice"])
        sweeping = Sweeping(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
            stale_after=timedelta(seconds=options["stale_after"]),
            max_attempts=options["max_attempts"],
            keep=timedelta(days=options["keep_results_days"]),
            summary_every=timedelta(seconds=options["summary_every"]),
        )
        sweeping.configure_signals()
        sweeping.run()

    def _configure_logging(self, verbosity: int) -> None:
        # Failures are logged here, one line each (the traceback is kept with the result):
        # the per-task lines of Django's tasks logger and of django-tasks-db stay quiet.
        logging.getLogger("django.tasks").setLevel(logging.CRITICAL)
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        level = {0: logging.ERROR, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        log.setLevel(level)
        if not log.hasHandlers():
            log.addHandler(logging.StreamHandler(self.stderr))
