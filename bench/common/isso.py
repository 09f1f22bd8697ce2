"""Isso 0.14, the server Parley is compared with: its virtual environment, configuration
and the `limit` that keeps its answer to at most 1,000 comments."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT

ISSO_VENV = ROOT / ".bench" / "isso-venv"
# The Python Isso's environment is made with: ISSO_PYTHON, else pyenv's 3.11 where present
# (the version Isso 0.14 was released for), else the one running the bench.
ISSO_BASE_PYTHON = os.environ.get("ISSO_PYTHON") or next(
    (str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.11*/bin/python"))), sys.executable
)
JSON_LIMIT = 1000
ISSO_NESTED_LIMIT = 5  # the embed's default max-comments-nested


def isso_json_limit(thread: dict, limit: int = JSON_LIMIT) -> int | None:
    """Isso's `limit` for an answer of at most `limit` comments (None: the whole thread fits).

    Isso 0.14's GET /?uri=...&limit=K answers the first K top-level comments and, without
    nested_limit, at most K replies under each (the same limit is reused for the replies).
    """
    if len(thread["comments"]) <= limit:
        return None
    replies: dict[int, int] = {}
    for c in thread["comments"]:
        replies[c["root"]] = replies.get(c["root"], 0) + (c["parent"] is not None)
    roots = sorted(replies)  # in creation order

    def answered(k: int) -> int:
        return k + sum(min(replies[r], k) for r in roots[:k])

    best = 1
    for k in range(1, len(roots) + 1):
        if answered(k) > limit:
            break
        best = k
    return best


def ensure_isso_venv() -> tuple[Path, dict]:
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        print(f"Installing Isso and gunicorn into {ISSO_VENV.relative_to(ROOT)} ...", flush=True)
        if not python.exists():
            base = (
                ISSO_BASE_PYTHON if os.path.exists(ISSO_BASE_PYTHON) else shutil.which("python3.11")
            )
            if base is None:
                raise RuntimeError(
                    f"Isso needs Python 3.11 for its venv: {ISSO_BASE_PYTHON} is "
                    "missing and no python3.11 is on PATH"
                )
            subprocess.run([base, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "isso>=0.14,<0.15", "gunicorn"],
            check=True,
        )
    version = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m;print(m.version('isso'), m.version('gunicorn'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return python, {"isso": version[0], "gunicorn": version[1]}


ISSO_CFG = """\
[general]
dbpath = {db}
host = http://{host}:{port}/
max-age = 15m
notify = stdout
reply-notifications = false
gravatar = false
latest-enabled = false

[admin]
enabled = false

[moderation]
enabled = false

[server]
listen = http://{host}:{port}/

[guard]
# off: no per-address rate limit, no limit on direct replies, replies to self allowed
enabled = false
ratelimit = 1000000
direct-reply = 1000000
reply-to-self = true
require-author = false
require-email = false
"""
