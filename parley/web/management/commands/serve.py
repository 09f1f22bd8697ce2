"""`parley serve`: the production server. One public address, three kinds of process.

- Pages, the API and static files: granian's WSGI workers, through Django's WSGI handler,
  which costs a fraction of its ASGI handler per request here (decision 0001).
- Live streams (`/live/...`): one granian ASGI process, where an open stream is a coroutine
  and holds no worker (decision 0019).
- Background tasks: `parley worker`, at a lower CPU priority.

This process listens on the public address itself (parley/lib/frontdoor.py, in a thread)
and passes each request to the WSGI or the ASGI server over a Unix socket in the data
directory. All are children of this one: a signal to it reaches them. If the web server or
the front door stops, the site stops; if the stream server or the task worker stops, it is
logged and started again after a wait that doubles from BACKOFF_FIRST up to BACKOFF_CAP (and
starts over once it has run for STEADY_AFTER), while the site keeps serving.

With --example-host PORT (what `make run` passes), a thread of this process also serves the
example blog (parley/demo/host_site.py) on that port of the same host: another origin whose
pages embed the widget, stopped with the server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parley.demo.host_site import HostSite
from parley.lib import frontdoor
from parley.realtime import handoff
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


def _run_dir() -> Path:
    """Where the sockets of the processes behind the front door are: readable by this user
    only; sockets a stopped server left behind are removed."""
    run = Path(settings.DATA_DIR) / "run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)
    run.chmod(0o700)
    for stale in run.glob("*.sock"):
        stale.unlink(missing_ok=True)
    return run


def _wait_for_socket(path: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except OSError:
            time.sleep(0.05)
            continue
        finally:
            probe.close()
        return
    raise CommandError(
        f"A server behind the front door did not start (its socket {path} never answered); "
        "its own messages above say why."
    )


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _browsable(host: str) -> str:
    """The host a browser on this machine reaches a server listening on `host` by."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def _front_door(listener: socket.socket, backends: frontdoor.Backends) -> None:
    try:
        asyncio.run(frontdoor.serve_on(listener, backends))
    except Exception:
        log.exception("The front door stopped; the site stops with it.")


class Command(BaseCommand):
    help = (
        "Serve Parley with the production server: pages through granian's WSGI workers, live "
        "streams through its ASGI server, one address."
    )

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
        parser.add_argument(
            "--example-host",
            type=int,
            default=None,
            metavar="PORT",
            help=(
                "Also serve the example blog, whose pages embed the widget, on this port of "
                "the same host (`make run` does, on the port after Parley's)."
            ),
        )

    def handle(self, *args, host, port, workers, threads, no_tasks, example_host, **options):
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
        listener = self._listen(host, port)
        blog = None
        if example_host is not None:
            blog = self._example_host(host, example_host, port)
        run = _run_dir()
        pages, streams = str(run / "pages.sock"), str(run / "live.sock")
        common = [
            # HTTP/1.1 only (no TLS here, so no HTTP/2 to negotiate) and a single-threaded
            # runtime per worker: both measured faster on this workload (decision 0001).
            "--http",
            "1",
            "--runtime-mode",
            "st",
            "--no-ws",
            "--uds-permissions",
            "0o600",
        ]
        web_argv = [
            granian,
            "--interface",
            "wsgi",
            "--uds",
            pages,
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            *common,
            "--respawn-failed-workers",
            "--static-path-route",
            settings.STATIC_URL.rstrip("/"),
            "--static-path-mount",
            static_root,
            "config.wsgi:application",
        ]
        # The live streams: one asynchronous process holds every open stream (decision 0019).
        streams_argv = [
            granian,
            "--interface",
            # With the lifespan protocol, answered by parley.realtime.asgi (Django does not
            # speak it): at startup it opens the socket where the front door hands streams'
            # connections over (parley.realtime.handoff).
            "asgi",
            "--uds",
            streams,
            "--workers",
            "1",
            *common,
            "config.asgi:application",
        ]
        env = {**os.environ, "PARLEY_FRONT_DOOR": "1"}
        web = subprocess.Popen(web_argv, env=env)  # noqa: S603  (our own server, by absolute path)
        restartable = {"live stream server": streams_argv}
        if not no_tasks:
            worker = [sys.executable, "-m", "parley", "worker", "--interval", "1"]
            restartable["task worker"] = [*worker, "--nice", str(SERVE_NICENESS)]
        # The front door opens once the servers behind it answer (the stream server starts
        # in the supervision loop, at once).
        first = {"live stream server": subprocess.Popen(streams_argv, env=env)}  # noqa: S603
        _wait_for_socket(pages, web)
        _wait_for_socket(streams, first["live stream server"])
        door = threading.Thread(
            target=_front_door,
            args=(
                listener,
                frontdoor.Backends(
                    pages=pages, streams=streams, handoff=str(handoff.socket_path())
                ),
            ),
            name="front door",
            daemon=True,
        )
        door.start()
        self.stdout.write(f"Parley is running at http://{_shown(host)}:{port}/  (Ctrl+C stops it)")
        if blog is not None:
            blog.start()
            self.stdout.write(f"The widget on another site: {blog.url}")
        sys.stdout.flush()
        try:
            self._supervise(web, restartable, env, door, first)
        finally:
            if blog is not None:
                blog.stop()

    def _example_host(self, host: str, port: int, parley_port: int) -> HostSite:
        """The example blog, its address bound at once (a port in use is said before
        anything starts); it serves once Parley does."""
        if port == parley_port:
            raise CommandError(
                f"--example-host {port} is Parley's own port: give the example blog another, "
                f"such as {parley_port + 1}."
            )
        try:
            public = _browsable(host)
            return HostSite(
                host, port, parley_url=f"http://{_shown(public)}:{parley_port}", public_host=public
            )
        except OSError as error:
            raise CommandError(
                f"Cannot serve the example blog on {host}:{port}: {error.strerror}. Stop what "
                "uses that port, or choose another with --example-host (EXAMPLE_PORT in make)."
            ) from None

    def _listen(self, host: str, port: int) -> socket.socket:
        """The public address, bound before anything starts, so that a port in use is said
        at once."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((host, port))
        except OSError as error:
            listener.close()
            raise CommandError(
                f"Cannot listen on {host}:{port}: {error.strerror}. Stop what uses that port, "
                "or choose another with --port."
            ) from None
        listener.listen(1024)
        return listener

    def _supervise(
        self,
        web: subprocess.Popen,
        restartable: dict[str, list[str]],
        env: dict[str, str],
        door: threading.Thread,
        running: dict[str, subprocess.Popen],
    ) -> None:
        stopping = False
        children: list[subprocess.Popen] = [web, *running.values()]
        started: dict[str, float] = dict.fromkeys(running, time.monotonic())
        backoff: dict[str, float | None] = dict.fromkeys(restartable)
        now = time.monotonic()
        restart_at: dict[str, float] = dict.fromkeys(restartable, now)

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM if signum != signal.SIGINT else signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        while not stopping and web.poll() is None and door.is_alive():
            now = time.monotonic()
            for name, argv in restartable.items():
                child = running.get(name)
                if child is not None and child.poll() is not None:
                    ran_for = now - started[name]
                    backoff[name] = wait = next_backoff(backoff[name], ran_for)
                    log.warning(
                        "The %s (pid %d) exited with code %s after %.0f s; "
                        "starting it again in %.0f s.",
                        name,
                        child.pid,
                        child.returncode,
                        ran_for,
                        wait,
                    )
                    children.remove(child)
                    del running[name]
                    restart_at[name] = now + wait
                if name not in running and now >= restart_at[name]:
                    child = subprocess.Popen(argv, env=env)  # noqa: S603  (our own commands)
                    running[name] = child
                    children.append(child)
                    started[name] = now
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
