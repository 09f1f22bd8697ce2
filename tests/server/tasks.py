"""Tasks for the worker's tests: one that waits until the test lets it finish, one that
fails, one that returns at once. The worker imports them by path (`tests.server.tasks`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import task


@task(queue_name="default")
def hold(folder: str) -> str:
    """Say it started (a file named after the worker's pid), then wait for `release`."""
    here = Path(folder)
    (here / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while not (here / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("The test never released the task.")
        time.sleep(0.05)
    return "released"


@task(queue_name="default")
def fail() -> None:
    raise ValueError("This task fails on purpose.")


@task(queue_name="default")
def echo(value: int) -> int:
    return value
