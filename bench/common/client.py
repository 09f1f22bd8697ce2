"""HTTP clients for the benchmarks: one request, latency loops, load from several clients
(wrk where installed, else forked Python processes)."""

from __future__ import annotations

import http.client
import math
import multiprocessing
import re
import shutil
import socket
import statistics
import subprocess
import time

HOST = "127.0.0.1"


class BenchHTTPError(Exception):
    """A server answered something other than what the benchmark expects."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def excerpt(body: bytes, n: int = 300) -> str:
    return body[:n].decode("utf-8", "replace").replace("\n", " ")


def fetch(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 120,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def expect(port: int, method: str, path: str, status: int = 200, **kw) -> bytes:
    got, body = fetch(port, method, path, **kw)
    if got != status:
        raise BenchHTTPError(f"{method} {path} -> {got} (expected {status}): {excerpt(body)}")
    return body


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def latency(
    port: int, path: str, *, max_n: int, max_s: float, min_n: int, headers: dict | None = None
) -> dict:
    """Sequential GETs over one keep-alive connection (reopened if the server closes it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=180)
    samples: list[float] = []
    size = 0
    started = time.perf_counter()
    try:
        while len(samples) < max_n and (
            len(samples) < min_n or time.perf_counter() - started < max_s
        ):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            samples.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise BenchHTTPError(f"GET {path} -> {resp.status}: {excerpt(body)}")
            size = len(body)
    finally:
        conn.close()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(pct(samples, 0.95), 2),
        "min_ms": round(min(samples), 2),
        "n": len(samples),
        "bytes": size,
    }


# --------------------------------------------------------------------------------------------
# Load: wrk, or a Python multi-process keep-alive client; posting clients.
# --------------------------------------------------------------------------------------------


def _load_worker(
    queue,
    port: int,
    method: str,
    paths: list[str],
    bodies: list[bytes] | None,
    headers: dict,
    accept: tuple[int, ...],
    start_at: float,
    duration: float,
    count: int | None = None,
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    ok = bad = i = 0
    first_bad = None
    lat: list[float] = []
    while time.monotonic() < start_at:
        time.sleep(0.001)
    end = start_at + duration
    while time.monotonic() < end and (count is None or i < count):
        body = bodies[i % len(bodies)] if bodies else None
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            bad += 1
            first_bad = first_bad or f"{method} {path} -> {type(exc).__name__}: {exc}"
            conn.close()
            continue
        lat.append((time.perf_counter() - t0) * 1000)
        if resp.status in accept:
            ok += 1
        else:
            bad += 1
            if first_bad is None:
                first_bad = f"{method} {path} -> {resp.status}: {excerpt(data)}"
    conn.close()
    queue.put(
        {"ok": ok, "bad": bad, "first_bad": first_bad, "finished": time.monotonic(), "lat": lat}
    )


def warm_posts(port: int, path: str, bodies: list[bytes], headers: dict, n: int = 4) -> None:
    """A few posts on fresh connections first: a worker's first POST loads what it needs."""
    for body in bodies[:n]:
        expect(port, "POST", path, status=201, body=body, headers=headers)


def run_clients(
    port: int,
    clients: int,
    duration: float,
    *,
    method: str = "GET",
    paths: list[str],
    bodies: list[list[bytes]] | None = None,
    headers: dict | None = None,
    accept: tuple[int, ...] = (200,),
    count: int | None = None,
) -> dict:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.3
    procs = [
        ctx.Process(
            target=_load_worker,
            args=(
                queue,
                port,
                method,
                paths,
                bodies[k] if bodies else None,
                headers or {},
                accept,
                start_at,
                duration,
                count,
            ),
        )
        for k in range(clients)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=duration + 300) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    ok = sum(r["ok"] for r in results)
    bad = sum(r["bad"] for r in results)
    span = max(r["finished"] for r in results) - start_at
    lat = [x for r in results for x in r["lat"]]
    first_bad = next((r["first_bad"] for r in results if r["first_bad"]), None)
    return {
        "per_s": round(ok / span, 2),
        "ok": ok,
        "bad": bad,
        "seconds": round(span, 2),
        "median_ms": round(statistics.median(lat), 2) if lat else None,
        "first_bad": first_bad,
        "tool": "python",
    }


def _wrk_number(text: str, pattern: str) -> float | None:
    match = re.search(pattern, text)
    return float(match.group(1)) if match else None


BURST_OVER_S = 20.0  # longer than this for a few rounds of 8 requests: measure one round instead


def rps8(port: int, path: str, duration: float, median_ms: float | None = None) -> dict:
    """Requests/s from 8 concurrent keep-alive clients for `duration` seconds.

    Where one request takes so long that a few rounds of 8 would not fit in BURST_OVER_S,
    8 clients send one request each at the same moment instead: 8 / time until all are answered.
    """
    if median_ms is not None and 12 * median_ms / 1000 > BURST_OVER_S:
        out = run_clients(port, 8, 600, paths=[path], count=1)
        out["rps"] = round(out.pop("ok") / out["seconds"], 2)
        out["tool"] = "8 concurrent requests, one each (python)"
        return out
    duration = max(duration, min(BURST_OVER_S, 12 * (median_ms or 0) / 1000))
    wrk = shutil.which("wrk")
    if wrk is None:
        out = run_clients(port, 8, duration, paths=[path])
        out["rps"] = out.pop("per_s")
        return out
    proc = subprocess.run(
        [
            wrk,
            "-t2",
            "-c8",
            f"-d{int(math.ceil(duration))}s",
            "--timeout",
            "60s",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    text = proc.stdout + proc.stderr
    rps = _wrk_number(text, r"Requests/sec:\s*([\d.]+)")
    total = _wrk_number(text, r"(\d+) requests in")
    non2xx = int(_wrk_number(text, r"Non-2xx or 3xx responses:\s*(\d+)") or 0)
    errors = re.search(r"Socket errors:.*", text)
    if rps is None:
        raise BenchHTTPError(f"wrk failed on GET {path}: {text.strip()[:300]}")
    return {
        "rps": round(rps, 1),
        "requests": int(total or 0),
        "non_2xx": non2xx,
        "socket_errors": errors.group(0) if errors else None,
        "tool": "wrk -t2 -c8",
    }
