"""What the benchmarks share: content, HTTP clients, servers, sampling and the environment.

Scripts under bench/ put the repository root on sys.path and import `bench.common.*`.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
PARLEY_BIN = ROOT / ".venv" / "bin"
