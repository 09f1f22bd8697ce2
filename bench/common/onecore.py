"""Shared by the benchmarks: one core for the process, and how much of it others took.

The benchmarks that report per-core figures pin themselves to one CPU and read /proc/stat
around each timed part, so a run on a busy machine says so instead of looking slow.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version


def pin_to_one_core() -> tuple[int | None, str]:
    """Pin this process to one CPU: (the CPU, what was done, in words)."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "not pinned: this system has no sched_setaffinity"
    allowed = sorted(os.sched_getaffinity(0))
    cpu = 0 if 0 in allowed else allowed[0]
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as exc:
        return None, f"not pinned: sched_setaffinity failed ({exc})"
    return cpu, f"pinned to CPU {cpu} (of {os.cpu_count()})"


class CoreClock:
    """Busy time of the pinned CPU (or of the whole machine) against this process's CPU time."""

    def __init__(self, cpu: int | None) -> None:
        self.line = f"cpu{cpu}" if cpu is not None else "cpu"
        self.cpus = 1 if cpu is not None else (os.cpu_count() or 1)
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def sample(self) -> tuple[float, float, float] | None:
        """(busy s, total s, this process's CPU s), or None where /proc/stat is missing."""
        try:
            with open("/proc/stat") as fh:
                for line in fh:
                    fields = line.split()
                    if fields and fields[0] == self.line:
                        values = [int(x) for x in fields[1:9]]
                        break
                else:
                    return None
        except OSError:
            return None
        total = sum(values)  # user nice system idle iowait irq softirq steal
        busy = total - values[3] - values[4] - values[7]
        times = os.times()
        return busy / self.tick, total / self.tick, times.user + times.system

    def foreign_pct(self, start, end) -> float | None:
        """Share of the core (or machine) that processes other than this one used."""
        if start is None or end is None or end[1] <= start[1]:
            return None
        busy = (end[0] - start[0]) - (end[2] - start[2])
        return round(max(0.0, busy) * 100 / (end[1] - start[1]), 1)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions(packages: tuple[str, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in packages:
        try:
            out[name] = package_version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def start(packages: tuple[str, ...]) -> tuple[int | None, CoreClock, dict]:
    """Pin to one core; the CPU, its clock, and what the run's JSON says of the machine."""
    cpu, pinning = pin_to_one_core()
    info = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "pinned_cpu": cpu,
        "pinning": pinning,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "python": platform.python_version(),
        "versions": versions(packages),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    return cpu, CoreClock(cpu), info
