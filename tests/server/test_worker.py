"""The background worker survives: `parley serve` starts it again when it dies while the
site keeps serving, and a task killed with its worker (SIGKILL) is run again.

Real processes throughout: `parley serve` on a free port, `parley worker` subprocesses on
the test database. Waits are generous and poll; nothing depends on how fast the machine is.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from parley.web.management.commands.serve import BACKOFF_CAP, BACKOFF_FIRST, next_backoff
from parley.web.management.commands.worker import SERVE_NICENESS
from tests.conftest import ROOT, Server
from tests.server.tasks import echo, hold

pytestmark = [pytest.mark.server]

WAIT = 90  # seconds: generous, for a slow machine; every wait polls and ends early


def until(what, message: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        if found := what():
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout} s: {message}")
        time.sleep(0.1)


def workers_of(parent: int) -> list[int]:
    """The pids of `parley worker` processes whose parent is `parent`."""
    return children_of(parent, b"worker")


def children_of(parent: int, word: bytes) -> list[int]:
    """The pids of processes whose parent is `parent` and whose command line has `word` as
    one argument, or as the name of the program run."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and any(arg == word or arg.endswith(b"/" + word) for arg in argv):
            found.append(int(entry.name))
    return found


def niceness(pid: int) -> int:
    """The process's nice value, field 19 of /proc/<pid>/stat."""
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


def start_worker(tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = Server(tmp_path).env
    return subprocess.Popen(  # noqa: S603  (this Python, our command)
        [sys.executable, "-m", "parley", "worker", "--interval", "0.1", *extra],
        env=env,
        cwd=ROOT,
        stdout=(tmp_path / "worker.log").open("ab"),
        stderr=subprocess.STDOUT,
    )


def finished(result_id) -> DBTaskResult | None:
    row = DBTaskResult.objects.get(pk=result_id)
    return row if row.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) else None


def test_the_site_keeps_serving_while_its_worker_is_started_again(server, dossier):
    first = until(lambda: workers_of(server.process.pid), "parley serve started no worker")[0]
    os.kill(first, signal.SIGKILL)
    with urllib.request.urlopen(f"{server.url}/posts/lastovo/", timeout=10) as response:  # noqa: S310  (loopback)
        assert response.status == 200
    second = until(
        lambda: [pid for pid in workers_of(server.process.pid) if pid != first],
        "the worker was not started again",
    )[0]
    result = echo.enqueue(7)
    done = until(lambda: finished(result.id), "the new worker ran no task")
    assert done.status == TaskResultStatus.SUCCESSFUL and done.return_value == 7
    assert f":{second}:" in done.worker_ids[-1]
    log = server.log.read_text()
    assert f"The task worker (pid {first}) exited with code -9" in log
    assert "starting it again in 1 s" in log
    assert server.process.poll() is None  # the site never stopped


def test_the_worker_runs_at_a_lower_cpu_priority_than_the_web_server(server, dossier):
    """Scoring a comment takes more CPU than answering its post: requests go first."""
    worker = until(lambda: workers_of(server.process.pid), "parley serve started no worker")[0]
    (granian,) = children_of(server.process.pid, b"config.wsgi:application")
    expected = niceness(granian) + SERVE_NICENESS
    # The worker lowers its own priority as it starts, once Django is set up.
    assert until(lambda: niceness(worker) == expected, "the worker kept its priority")
    result = echo.enqueue(3)
    assert until(lambda: finished(result.id), "the niced worker ran no task").return_value == 3


def test_a_niceness_out_of_range_is_refused_with_a_sentence(tmp_path):
    env = Server(tmp_path).env
    done = subprocess.run(  # noqa: S603  (this Python, our command)
        [sys.executable, "-m", "parley", "worker", "--batch", "--nice", "20"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode != 0
    assert "--nice must be from 0 (the default priority) to 19 (the lowest)." in done.stderr


def test_the_site_stops_when_its_web_server_does(dossier, transactional_db, tmp_path):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    server = Server(tmp_path).start()
    try:
        assert server.process is not None
        worker = until(lambda: workers_of(server.process.pid), "no worker was started")[0]
        (granian,) = children_of(server.process.pid, b"config.wsgi:application")
        os.kill(granian, signal.SIGKILL)
        code = until(lambda: server.process.poll(), "parley serve went on without its web server")
        assert code == 1
        until(lambda: not Path(f"/proc/{worker}").exists(), "the worker was left running")
    finally:
        # The web server's own processes, orphaned by the SIGKILL of their parent, go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)


def test_a_task_killed_with_its_worker_is_run_again(transactional_db, tmp_path):
    result = hold.enqueue(str(tmp_path))
    first = start_worker(tmp_path)
    try:
        until(lambda: list(tmp_path.glob("started-*")), "the first worker never started the task")
    finally:
        first.kill()  # SIGKILL: no chance to say anything
        first.wait(timeout=30)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    (tmp_path / "release").touch()
    second = start_worker(tmp_path)
    try:
        done = until(lambda: finished(result.id), "the task left RUNNING was never run again")
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert done.status == TaskResultStatus.SUCCESSFUL and done.return_value == "released"
    assert len(done.worker_ids) == 2 and f":{first.pid}:" in done.worker_ids[0]
    assert "was left running by a worker that is gone" in (tmp_path / "worker.log").read_text()


def test_the_wait_before_a_restart_doubles_up_to_a_cap_and_starts_over():
    assert next_backoff(None, 0.5) == BACKOFF_FIRST
    waits = [BACKOFF_FIRST]
    for _ in range(10):
        waits.append(next_backoff(waits[-1], 0.5))
    assert waits[:4] == [1, 2, 4, 8] and waits[-1] == BACKOFF_CAP == 60
    assert next_backoff(BACKOFF_CAP, 61) == BACKOFF_FIRST  # it had been working a while
