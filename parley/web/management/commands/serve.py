"""`parley serve`: the production server (granian, WSGI workers) with static files, and the
background task worker (translations).

Pages and the API go through Django's WSGI handler, which costs a fraction of
its ASGI handler per request here (docs/decisions/0001-wsgi-for-requests.md).
Both processes are children of this one: a signal to it reaches both. If the web
server stops, the site stops; if the task worker stops, it is logged and started again
after a wait that doubles from BACKOFF_FIRST up to BACKOFF_CAP (and starts over once a
worker has run for STEADY_AFTER), while the site keeps serving.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parley.web.management.commands.worker import SERVE_NICENESS

log = logging.getLogger("parley.serve")

# Waits before starting a task worker again after it exited: the first, and the most.
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
# A worker that ran this long before it exited was working: the next wait is the first again.
STEADY_AFTER = 60.0


def next_backoff(previous: float | None, ran_for: float) -> float:
    """The wait before starting the worker again, after one that ran `ran_for` seconds
    exited; `previous` is the wait before that one started (None: it was the first)."""
    if previous is None or ran_for >= STEADY_AFTER:
        return BACKOFF_FIRST
    return min(previous * 2, BACKOFF_CAP)


class Command(BaseCommand):
    help = "Serve Parley with the production server (granian, WSGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Worker processes (default: one per core).",
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="Request threads per worker (default: 1)."
        )
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            help="Do not start the background task worker (it runs elsewhere).",
        )

    def handle(self, *args, host, port, workers, threads, no_tasks, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database needs migrating first: run `parley migrate` "
                "(or `make run`, which does it)."
            )
        connection.close()
        static_root = str(settings.STATIC_ROOT)
        if not os.path.isdir(static_root):
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which(
            "granian"
        )
        if granian is None:
            raise CommandError("granian is not installed in this environment: run `make install`.")
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            # HTTP/1.1 only (no TLS here, so no HTTP/2 to negotiate) and a single-threaded
            # runtime per worker: both measured faster on this workload (decision 0001).
            "--http",
            "1",
            "--runtime-mode",
            "st",
            "--respawn-failed-workers",
            "--no-ws",
            "--static-path-route",
            settings.STATIC_URL.rstrip("/"),
            "--static-path-mount",
            static_root,
            "config.wsgi:application",
        ]
        web = subprocess.Popen(argv)  # noqa: S603  (our own server, by absolute path)
        worker = None
        if not no_tasks:
            worker = [sys.executable, "-m", "parley", "worker", "--interval", "1"]
            worker += ["--nice", str(SERVE_NICENESS)]
        self.stdout.write(f"Parley is running at http://{host}:{port}/  (Ctrl+C stops it)")
        sys.stdout.flush()
        self._supervise(web, worker)

    def _supervise(self, web: subprocess.Popen, worker_argv: list[str] | None) -> None:
        stopping = False
        children: list[subprocess.Popen] = [web]
        worker: subprocess.Popen | None = None
        started = 0.0
        backoff: float | None = None
        restart_at: float | None = time.monotonic() if worker_argv else None

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM if signum != signal.SIGINT else signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        while not stopping and web.poll() is None:
            now = time.monotonic()
            if worker is not None and worker.poll() is not None:
                ran_for = now - started
                backoff = next_backoff(backoff, ran_for)
                log.warning(
                    "The task worker (pid %d) exited with code %s after %.0f s; "
                    "starting it again in %.0f s.",
                    worker.pid,
                    worker.returncode,
                    ran_for,
                    backoff,
                )
                children.remove(worker)
                worker, restart_at = None, now + backoff
            if worker is None and restart_at is not None and now >= restart_at:
                assert worker_argv is not None
                worker = subprocess.Popen(worker_argv)  # noqa: S603  (this Python, our command)
                children.append(worker)
                started, restart_at = now, None
            time.sleep(0.2)
        stop(signal.SIGTERM, None)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if web.returncode not in (0, -signal.SIGTERM, -signal.SIGINT, None):
            sys.exit(1)
