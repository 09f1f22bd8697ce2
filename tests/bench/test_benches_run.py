"""Every script in bench/ runs in its quick mode and prints its figures, so a benchmark that
stops working fails the suite. No target is enforced: figures on a shared test machine say
little, and the scripts themselves report them.

Each script runs in its own process, as `make bench` would run it, on its own temporary
SQLite database. They run once per CI run, on the SQLite pass: on PostgreSQL (DATABASE_URL)
they are skipped, since they would measure the same SQLite setup again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
PUBLIC_SETS = "The public moderation evaluation sets (../shared/data/moderation-eval)"

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres", "psql")),
    reason="the benchmarks run on their own SQLite databases: once, on the SQLite pass",
)


def public_sets() -> Path | None:
    """The public moderation evaluation sets beside the repository (../shared/data)."""
    candidates = [os.environ.get("PARLEY_MODERATION_EVAL", "")]
    candidates += [str(parent / "shared" / "data" / "moderation-eval") for parent in ROOT.parents]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def needs(what: str, present: bool) -> None:
    if present:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and CI runs every benchmark.")
    pytest.skip(f"{what} is missing here.")


# Each script with the arguments of its quick run. thread.py measures Parley alone: Isso
# is installed from the package index on first use, which a test must not reach.
SCRIPTS = {
    "thread.py": ["--quick", "--servers", "parley"],
    "live.py": ["--quick"],
    "posting_profile.py": ["--quick"],
    "page_profile.py": ["--quick"],
    "language.py": ["--quick", "--json-only"],
    "moderation.py": ["--quick", "--json-only"],
    "moderation_posting.py": ["--quick"],
    "spam.py": ["--quick", "--json-only"],
    "demo_queue.py": ["--quick", "--json-only"],
    "screenshots.py": ["--quick"],
    "search.py": ["--quick"],
    "embed.py": ["--quick"],
}
# Run by thread.py, not on their own.
HELPERS = {"_thread_isso_seed.py", "_thread_parley_seed.py"}


def test_every_script_has_a_quick_run_here():
    scripts = {p.name for p in BENCH.glob("*.py")} - HELPERS
    assert scripts == set(SCRIPTS), "add the new script to SCRIPTS with its quick arguments"
    for name in scripts:
        assert "--quick" in (BENCH / name).read_text(), f"{name} has no --quick"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARLEY_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(OMP_NUM_THREADS="1", PARLEY_DATA_DIR=str(tmp_path / "data"))
    return env


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_the_bench_runs_in_its_quick_mode(script, tmp_path):
    argv = [sys.executable, str(BENCH / script), *SCRIPTS[script]]
    if script == "moderation.py":
        sets = public_sets()
        needs(PUBLIC_SETS, bool(sets))
        argv += ["--data", str(sets)]
    if script == "spam.py" and IN_CI:
        needs(
            "The public moderation evaluation sets (../shared/data/moderation-eval)",
            bool(public_sets()),
        )
    if script in ("screenshots.py", "embed.py"):
        needs(f"Chromium ({CHROMIUM}, `make browser-deps`)", Path(CHROMIUM).exists())
    if script == "screenshots.py":
        argv += ["--out", str(tmp_path / "shots")]
    (tmp_path / "data").mkdir()
    done = subprocess.run(  # noqa: S603  (this interpreter and a script of bench/)
        argv,
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{script} exited with {done.returncode}:\n{output[-4000:]}"
    if script == "screenshots.py":
        assert list((tmp_path / "shots").glob("*.png")), output[-2000:]
        return
    last = done.stdout.strip().splitlines()[-1]
    figures = json.loads(last)  # the last line of every bench is one JSON object
    assert isinstance(figures, dict) and figures, last[:500]
    assert not figures.get("problems"), figures.get("problems")
