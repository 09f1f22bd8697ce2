"""Races between real threads, each with its own database connection.

On PostgreSQL (CI runs these with CI=true, and they must run there) several threads change one
thread's comments at once; on SQLite, which takes one writer at a time, fewer threads do.
"""

from __future__ import annotations

import os
import random
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection, connections

from parley.lib.errors import ActionError


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _postgresql_in_ci():
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert on_postgresql(), "CI runs the concurrency suite on PostgreSQL"


def workers() -> int:
    """How many threads race: SQLite serialises writers, so fewer there."""
    return 6 if on_postgresql() else 2


@dataclass
class Race:
    """What the racing threads saw: refusals by kind, and anything that would be a 5xx."""

    refusals: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refused(self, error: ActionError) -> None:
        with self.lock:
            if not 400 <= error.status < 500:
                self.failures.append(f"{type(error).__name__} with status {error.status}")
            key = f"{error.status} {getattr(error, 'code', '') or type(error).__name__}"
            self.refusals[key] = self.refusals.get(key, 0) + 1

    def failed(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def succeeded(self) -> None:
        with self.lock:
            self.done += 1


# A generous bound on a whole race, only so that a deadlock that the database does not detect
# fails the test instead of hanging it; a slow machine stays far below it.
HANG = 600


def race(steps: int, step: Callable[[random.Random, Race], None], *, seed: int = 1) -> Race:
    """Run `steps` calls of step(rng, race) in each of workers() threads at once; each call
    that raises an ActionError is a refusal (it must be a 4xx), anything else a failure."""
    outcome = Race()
    start = threading.Barrier(workers())

    def work(n: int) -> None:
        rng = random.Random(seed * 100 + n)
        try:
            start.wait()
            for _ in range(steps):
                try:
                    step(rng, outcome)
                    outcome.succeeded()
                except ActionError as error:
                    outcome.refused(error)
                except Exception:
                    outcome.failed(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(workers())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG)
    assert not any(thread.is_alive() for thread in threads), "a racing thread never finished"
    return outcome
