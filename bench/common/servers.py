"""A server under test: started in its own process group, ready when a path answers 200,
stopped with its whole tree."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.common import ROOT
from bench.common.client import BenchHTTPError, excerpt, fetch


class Server:
    def __init__(
        self, name: str, argv: list[str], env: dict, port: int, ready_path: str, log: Path
    ) -> None:
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.ready_path, self.log_path = ready_path, log
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 120) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before "
                    f"answering:\n{self.log_tail()}"
                )
            try:
                status, body = fetch(self.port, "GET", self.ready_path, timeout=30)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchHTTPError(f"{self.name}: GET {self.ready_path} -> {status}: {excerpt(body)}")
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # workers left behind by a master that died first
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""
