"""Memory and CPU sampling of a process tree, in a separate process so it never holds the
measuring loop's GIL.

Run as a script by Monitor.start(): `python bench/common/machine.py ROOT_PID OUT_PATH`."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    return out


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_mb(pid: int) -> float:
    """The resident memory of a process and all its descendants, now, in MB."""
    return round(sum(_rss_kb(p) for p in _tree(pid)) / 1024, 1)


def tree_threads(pid: int) -> int:
    """The threads of a process and all its descendants, now."""
    count = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            count += len(os.listdir(f"/proc/{p}/task"))
    return count


def find_process(root: int, needle: str) -> int | None:
    """The first process under `root` (root included, parents before children) whose command
    line holds `needle`."""
    todo = [root]
    while todo:
        pid = todo.pop(0)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            cmdline = ""
        if needle in cmdline:
            return pid
        todo.extend(_children(pid))
    return None


def _jiffies(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    except (OSError, IndexError, ValueError):
        return 0


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process and its descendants have used so far."""
    return sum(_jiffies(p) for p in _tree(pid)) / os.sysconf("SC_CLK_TCK")


def _machine_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        values = [int(x) for x in fh.readline().split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - values[3] - values[4] - values[7], total  # busy: not idle, iowait or steal


def sampler_main(root: int, out_path: str) -> None:
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    with open(out_path, "w") as out:
        while not stop and os.path.exists(f"/proc/{root}"):
            busy, total = _machine_jiffies()
            ours = 0
            rss: dict[int, int] = {}
            for child in _children(root):
                tree = _tree(child)
                rss[child] = sum(_rss_kb(p) for p in tree)
                ours += sum(_jiffies(p) for p in tree)
            ours += _jiffies(root)
            out.write(
                json.dumps(
                    {"t": time.monotonic(), "busy": busy, "total": total, "ours": ours, "rss": rss}
                )
                + "\n"
            )
            out.flush()
            time.sleep(0.1)


def wait_for_quiet(limit_s: float, threshold: float = 15.0, window_s: float = 5.0) -> float:
    """Wait (up to limit_s) until other processes use under `threshold`% of the machine's CPU."""
    deadline = time.monotonic() + limit_s
    while True:
        busy0, total0 = _machine_jiffies()
        time.sleep(window_s)
        busy1, total1 = _machine_jiffies()
        used = (busy1 - busy0) * 100 / max(1, total1 - total0)
        if used < threshold or time.monotonic() >= deadline:
            return round(used, 1)
        print(
            f"  the machine is {used:.0f}% busy with other work; waiting for it to quieten ...",
            flush=True,
        )


class Monitor:
    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "samples.jsonl"
        self.proc: subprocess.Popen | None = None
        self.phases: list[dict] = []
        self.samples: list[dict] = []

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, str(os.getpid()), str(self.path)])

    @contextlib.contextmanager
    def phase(self, server: str, size: int | None, label: str, pid: int):
        entry = {"server": server, "size": size, "label": label, "pid": pid, "t0": time.monotonic()}
        try:
            yield entry
        finally:
            entry["t1"] = time.monotonic()
            self.phases.append(entry)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            if self.proc.poll() is None:
                self.proc.kill()
        if self.path.exists():
            with open(self.path) as fh:
                for line in fh:
                    with contextlib.suppress(ValueError):
                        self.samples.append(json.loads(line))

    def peak_mb(self, pids: set[int], t0: float = 0, t1: float = math.inf) -> float | None:
        peak = [
            s["rss"].get(str(pid), 0) for s in self.samples if t0 <= s["t"] <= t1 for pid in pids
        ]
        return round(max(peak) / 1024, 1) if peak and max(peak) else None

    def foreign_cpu(self, t0: float, t1: float) -> float | None:
        """Share of the machine's CPU (100 = every core busy) used by processes not ours."""
        inside = [s for s in self.samples if t0 <= s["t"] <= t1]
        if len(inside) < 2:
            return None
        a, b = inside[0], inside[-1]
        total = b["total"] - a["total"]
        if total <= 0:
            return None
        return round(max(0.0, (b["busy"] - a["busy"]) - (b["ours"] - a["ours"])) * 100 / total, 1)


if __name__ == "__main__":
    sampler_main(int(sys.argv[1]), sys.argv[2])


def add_wait_quiet(parser) -> None:
    """The `--wait-quiet SECONDS` option every bench that publishes figures takes."""
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS for other processes to leave the CPU (under 15%% busy)",
    )
