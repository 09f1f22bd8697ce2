"""`parley serve`: the production server (granian, WSGI workers) with static files.

Pages and the API go through Django's WSGI handler, which costs a fraction of
its ASGI handler per request here (docs/decisions/0001-wsgi-for-requests.md).
"""

from __future__ import annotations

import os
import shutil
import sys

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

    def handle(self, *args, host, port, workers, threads, **options):
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
        self.stdout.write(f"Parley is running at http://{host}:{port}/  (Ctrl+C stops it)")
        sys.stdout.flush()
        os.execv(granian, argv)  # noqa: S606  (replace this process so signals reach the server)
