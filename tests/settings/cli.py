"""`parley` in a subprocess, with only the settings a test names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PARLEY = str(Path(sys.executable).with_name("parley"))
# Read by config/settings.py; none of them leaks from the environment the tests run in.
# The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for the browser tests) is no production setting.
OWN = ("PARLEY_", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def environment(data_dir: Path, **values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(OWN)}
    return {**env, "PARLEY_DATA_DIR": str(data_dir), **values}


def parley(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our own command)
        [PARLEY, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
