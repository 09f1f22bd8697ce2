"""The environment of a benchmark that runs Django in its own process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common.onecore import pin_to_one_core


def use_fresh_sqlite(prefix: str) -> str:
    """A new temporary folder as Parley's data directory, with a fresh SQLite database in it,
    and one thread for native engines; call before django.setup(). Returns the folder."""
    folder = tempfile.mkdtemp(prefix=prefix)
    os.environ["PARLEY_DATA_DIR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return folder


def pin() -> bool:
    """Pin this process to one core; whether it was."""
    cpu, _words = pin_to_one_core()
    return cpu is not None


def django_on_sqlite(database: Path) -> None:
    """Django set up on a fresh SQLite database at `database`, migrated."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
