"""`parley serve`: the production server (granian, WSGI workers) with static files, and the
background task worker (translations).

Pages and the API go through Django's WSGI handler, which costs a fraction of
its ASGI handler per request here (docs/decisions/0001-wsgi-for-requests.md).
Both processes are children of this one: a signal to it reaches both, and if
either stops, the other is stopped too.
"""

from __future__ import annotations

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
        children = [subprocess.Popen(argv)]  # noqa: S603  (our own server, by absolute path)
        if not no_tasks:
            worker = [sys.executable, "-m", "parley", "db_worker", "--no-startup-delay"]
            worker += ["--no-reload", "--interval", "1"]
            children.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(f"Parley is running at http://{host}:{port}/  (Ctrl+C stops it)")
        sys.stdout.flush()
        self._supervise(children)

    def _supervise(self, children: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM if signum != signal.SIGINT else signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        stop(signal.SIGTERM, None)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT, None) for code in codes):
            sys.exit(1)
