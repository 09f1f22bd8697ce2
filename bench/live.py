"""Live events benchmark: from a comment's 201 to its event at subscribers of the thread.

    .venv/bin/python bench/live.py            # full run: both setups, 100 and 1,000 subscribers
    .venv/bin/python bench/live.py --quick    # smoke run: 100 subscribers, one thread, embedded

Options: --setups embedded,redis (either alone), --subscribers 100,1000, --spread 1,100 (the
number of threads the subscribers watch), --pace SECONDS (between the latency series' posts,
0.2), --round-ms MS (PARLEY_LIVE_ROUND_MS for the servers), --keep (keep the temp dir),
--wait-quiet SECONDS (first wait for other processes to leave the CPU; for figures to
publish).

What it measures, in each setup and for each number of subscribers and of threads:
 1. Latency of the live events: one client posts comments, one at a time with a pause
    between them (POST /api/v1/threads/<id>/comments, to a random thread of those watched;
    100 comments, --pace apart: an event delivered within the target has reached every
    subscriber before the next is posted, so the figure is one event's way, not a
    backlog's), and notes time.monotonic() when each 201 has arrived. The subscribers are
    raw SSE connections (GET /live/threads/<id>/, spread evenly over the threads) held by
    one or two separate asyncio processes, which note time.monotonic() when each event
    arrives: one clock for every process of the machine. Latency = arrival - 201, for every
    subscriber and every published comment, p50 and p99 (ms). The event is published when
    the comment's transaction commits, before the 201 is written, so a subscriber may have
    it before the poster has read its 201: such latencies are negative and kept as measured
    (their count is said). A comment held by screening sends its event to moderators only: it is not
    expected at the subscribers, and the held ones are counted.
 2. Memory (RSS) of the stream process, the granian process running config.asgi:application
    (with its worker), before the subscribers connect and once they are connected, and what
    1,000 connections add.
 3. Comments/s accepted from one client posting to one thread, just before the subscribers
    of that thread connect, and once they are and the latency series is done (the run with
    one thread and the most subscribers): first with the subscribers' processes at normal
    priority on the same 2 cores as the servers, then with them at nice 19. The subscribers
    stand for browsers on other machines, which cost the server nothing but their
    connections: at normal priority the figure also counts what reading 1,000 streams costs
    this machine, so the target is checked on the second figure and both are printed, with
    the stream process's CPU time per comment accepted.

Setups:
 - embedded: `parley serve --workers 2`, SQLite in a temp PARLEY_DATA_DIR,
   PARLEY_LIVE_BROKER=local.
 - redis: two `parley serve` on one PostgreSQL database (bench_live, created and dropped
   here), REDIS_URL=redis://127.0.0.1:6379/5 (emptied before and after), PARLEY_LIVE_BROKER=
   redis; posts go to server A (2 workers, the task worker), subscribers connect to server B
   (1 worker, no task worker).
Every server runs with PARLEY_COMMENT_RATE=off and PARLEY_LIVE_STREAMS_PER_CLIENT above the
number of subscribers (they all come from 127.0.0.1). The threads are seeded through
publishing.actions.create_post before the servers start. The last line printed is one JSON
object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PARLEY_BIN, ROOT  # noqa: E402
from bench.common.client import (  # noqa: E402
    HOST,
    BenchHTTPError,
    excerpt,
    free_port,
    pct,
    run_clients,
    warm_posts,
)
from bench.common.content import post_bodies  # noqa: E402
from bench.common.machine import (  # noqa: E402
    Monitor,
    add_wait_quiet,
    find_process,
    tree_cpu_seconds,
    tree_rss_mb,
    tree_threads,
    wait_for_quiet,
)
from bench.common.servers import Server  # noqa: E402

PG_SERVER = "postgres://postgres:postgres@127.0.0.1:5432/"
PG_DATABASE = "bench_live"
REDIS_URL = "redis://127.0.0.1:6379/5"
SECRET_KEY = "bench-live-not-a-secret"  # noqa: S105  (a throwaway database's)
STREAM_PROCESS = "config.asgi:application"
THREADS = 100
SEED = 20260101

TARGETS = {
    "p99_ms": 100.0,  # at most, at 1,000 subscribers
    "stream_rss_mb": 200.0,  # at most, the stream process at 1,000 connections
    "posting_drop": 0.10,  # at most, posting rate lost with 1,000 subscribers of the thread
}
TARGET_SUBSCRIBERS = 1000

CONNECT_AT_ONCE = 50  # connections a subscriber process opens at the same time
CONNECT_TIMEOUT = 120.0  # seconds for every subscriber to be connected (or refused)
# Seconds between the latency series' posts: an event delivered within the target reaches
# every subscriber before the next is posted (--pace changes it).
PACE = 0.2


# -- seeding (run in a subprocess, with the server's environment) ------------------------------


def seed_main(count: int) -> None:
    import django

    django.setup()
    from parley.discussion.models import Thread
    from parley.publishing.actions import create_post

    ids = []
    for k in range(count):
        post = create_post(
            slug=f"bench-live-{k}",
            title=f"Live bench thread {k}",
            introduction="A thread that readers watch while comments arrive.",
        )
        ids.append(Thread.objects.get(post=post).pk)
    print(json.dumps(ids))


# -- subscribers (forked processes, each one asyncio loop) -------------------------------------


class _Stream(asyncio.Protocol):
    """One raw SSE connection, read as its bytes arrive (a protocol, not a stream reader and
    a task: the subscribers stand for browsers on other machines, so what they cost this
    machine is kept small). It notes when each `posted` event arrives."""

    def __init__(self, path: str, port: int, sub: _Subscribers) -> None:
        self.path, self.port, self.sub = path, port, sub
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.head = b""
        self.in_body = False
        self.chunked = False
        self.raw = b""  # chunked framing not yet decoded
        self.body = b""  # decoded, not yet a whole event
        self.last = 0
        self.refused: int | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if not self.in_body:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end], self.head[end + 4 :]
            self.in_body = True
            try:
                status = int(head.split(b" ", 2)[1])
            except (IndexError, ValueError):
                status = 0
            if status != 200:
                self.refused = status
                self.body = data
                self.ready.set_result(False)
                return
            self.chunked = b"transfer-encoding: chunked" in head.lower()
        if self.refused is not None:
            self.body += data
            return
        if self.chunked:
            self.raw += data
            while True:
                line_end = self.raw.find(b"\r\n")
                if line_end < 0:
                    break
                size = int(self.raw[:line_end].split(b";", 1)[0].strip() or b"0", 16)
                if len(self.raw) < line_end + 2 + size + 2:
                    break
                self.body += self.raw[line_end + 2 : line_end + 2 + size]
                self.raw = self.raw[line_end + 2 + size + 2 :]
        else:
            self.body += data
        if not self.ready.done():
            if len(self.body) < len(b"retry:"):
                return
            self.ready.set_result(self.body.startswith(b"retry:"))
        end = self.body.rfind(b"\n\n")
        if end < 0:
            return
        blocks, self.body = self.body[:end].split(b"\n\n"), self.body[end + 2 :]
        self.sub.take(self, blocks, now)

    def connection_lost(self, exc) -> None:
        if not self.ready.done():
            self.ready.set_result(False)
        elif self.refused is None:
            self.sub.stats["closed"] += 1


class _Subscribers:
    """One subscriber process's connections, and what they received."""

    def __init__(self) -> None:
        self.arrivals: dict[int, list[float]] = {}
        self.stats: dict = {"connected": 0, "failed": 0, "first_failures": [], "closed": 0}
        self.stats.update(out_of_order=0, events=0, reloads=0)

    def failed(self, text: str) -> None:
        self.stats["failed"] += 1
        if len(self.stats["first_failures"]) < 3:
            self.stats["first_failures"].append(text)

    def take(self, stream: _Stream, blocks: list[bytes], now: float) -> None:
        stats = self.stats
        for block in blocks:
            fields: dict[bytes, bytes] = {}
            for line in block.split(b"\n"):
                name, _, value = line.partition(b":")
                fields[name] = value.lstrip(b" ")
            if b"data" not in fields:
                continue
            kind = fields.get(b"event")
            if kind == b"reload":
                stats["reloads"] += 1
                continue
            stats["events"] += 1
            if b"id" in fields:
                version = int(fields[b"id"])
                if version <= stream.last:
                    stats["out_of_order"] += 1
                stream.last = version
            if kind != b"posted":
                # An edit, or the classifier holding a comment a second later, names the
                # same comment again: only its arrival as a new comment is timed.
                continue
            for comment in json.loads(fields[b"data"]).get("comments", []):
                self.arrivals.setdefault(comment, []).append(now)


async def _subscribe(conn, port: int, paths: list[str]) -> None:
    sub = _Subscribers()
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    loop = asyncio.get_running_loop()
    streams: list[_Stream] = []

    async def connect(path: str) -> None:
        async with gate:
            try:
                _transport, stream = await asyncio.wait_for(
                    loop.create_connection(lambda: _Stream(path, port, sub), HOST, port), 30
                )
            except (OSError, TimeoutError) as exc:
                sub.failed(f"GET {path}: {type(exc).__name__}: {exc}")
                return
            streams.append(stream)
            try:
                began = await asyncio.wait_for(stream.ready, 30)
            except TimeoutError:
                sub.failed(f"GET {path}: no answer within 30 s")
                return
            if stream.refused is not None:
                sub.failed(f"GET {path} -> {stream.refused}: {excerpt(stream.body[:400])}")
            elif not began:
                began_with = excerpt(stream.body)
                sub.failed(f"GET {path}: the stream began with {began_with!r}, not retry:")
            else:
                sub.stats["connected"] += 1

    await asyncio.gather(*(connect(path) for path in paths))
    conn.send(("ready", sub.stats))
    await loop.run_in_executor(None, conn.recv)  # until told to stop
    open_at_stop = sub.stats["connected"] - sub.stats["closed"]
    for stream in streams:
        if stream.transport is not None:
            stream.transport.close()
    conn.send(("done", sub.arrivals, {**sub.stats, "open_at_stop": open_at_stop}))


def _subscriber_main(conn, port: int, paths: list[str]) -> None:
    asyncio.run(_subscribe(conn, port, paths))


class Subscribers:
    """Raw SSE connections held by one or two asyncio processes."""

    def __init__(self, port: int, paths: list[str], processes: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.pipes, self.procs = [], []
        self.stopping = False
        for k in range(processes):
            ours, theirs = ctx.Pipe()
            self.pipes.append(ours)
            self.procs.append(
                ctx.Process(target=_subscriber_main, args=(theirs, port, paths[k::processes]))
            )

    def start(self) -> dict:
        for proc in self.procs:
            proc.start()
        total = {"connected": 0, "failed": 0, "first_failures": []}
        deadline = time.monotonic() + CONNECT_TIMEOUT
        for pipe in self.pipes:
            if not pipe.poll(max(0.0, deadline - time.monotonic())):
                self.kill()
                raise BenchHTTPError(
                    f"the subscribers were not all connected (or refused) within "
                    f"{CONNECT_TIMEOUT:.0f} s"
                )
            _, stats = pipe.recv()
            total["connected"] += stats["connected"]
            total["failed"] += stats["failed"]
            total["first_failures"] += stats["first_failures"]
        return total

    def stop(self) -> tuple[dict[int, list[float]], dict]:
        arrivals: dict[int, list[float]] = {}
        total: dict = {}
        self.stopping = True
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send("stop")
        for pipe in self.pipes:
            if not pipe.poll(60):
                continue
            _, got, stats = pipe.recv()
            for comment, times in got.items():
                arrivals.setdefault(comment, []).extend(times)
            for key in ("connected", "closed", "open_at_stop", "out_of_order", "events", "reloads"):
                total[key] = total.get(key, 0) + stats[key]
        self.kill()
        return arrivals, total

    def lower_priority(self) -> None:
        """Give the machine's CPU to the servers first (nice 19): the subscribers stand for
        browsers on other machines, which cost the server nothing but their connections."""
        for proc in self.procs:
            if proc.pid is not None:
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, proc.pid, 19)

    def kill(self) -> None:
        for proc in self.procs:
            proc.join(timeout=10 if proc.exitcode is None and self.stopping else 0)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=10)


# -- the benchmark -----------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> float | None:
    return round(pct(values, q), 2) if values else None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.work = Path(tempfile.mkdtemp(prefix="parley-live-bench-"))
        self.monitor = Monitor(self.work)
        self.problems: list[str] = []
        self.live: list[Server] = []
        self.results: dict = {}
        self.info: dict = {}
        self.rng = random.Random(SEED)
        self.salt = 0
        self.latency_posts = 20 if self.quick else 100
        self.pace = args.pace if args.pace is not None else 0.1 if self.quick else PACE
        self.rate_seconds = 0.5 if self.quick else 5.0
        self.grace = 1.5 if self.quick else 3.0
        self.threads_needed = max(args.spread)

    # -- plumbing

    def problem(self, text: str) -> None:
        self.problems.append(text)
        print(f"  PROBLEM: {text}", flush=True)

    def env(self, data: Path, **extra: str) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PARLEY_") and k not in {"DATABASE_URL", "REDIS_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            PARLEY_DATA_DIR=str(data),
            PARLEY_COMMENT_RATE="off",
            PARLEY_LIVE_STREAMS_PER_CLIENT=str(max(self.args.subscribers) * 2 + 10),
            OMP_NUM_THREADS="1",
            **extra,
        )
        if self.args.round_ms is not None:
            env["PARLEY_LIVE_ROUND_MS"] = str(self.args.round_ms)
        return env

    def prepare(self, env: dict) -> list[int]:
        """Migrate, and seed the threads through create_post; their ids."""
        parley = PARLEY_BIN / "parley"
        for cmd in (["migrate", "--noinput"], ["createcachetable"]):
            done = subprocess.run(
                [str(parley), *cmd], env=env, cwd=ROOT, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"parley {' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
        seeded = subprocess.run(
            [str(PARLEY_BIN / "python"), __file__, "--seed", str(self.threads_needed)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"Seeding the threads failed:\n{seeded.stderr[-3000:]}")
        return json.loads(seeded.stdout.strip().splitlines()[-1])

    def server(self, name: str, env: dict, ready: str, *extra: str) -> Server:
        port = free_port()
        argv = [str(PARLEY_BIN / "parley"), "serve", "--host", HOST, "--port", str(port), *extra]
        server = Server(name, argv, env, port, ready, self.work / f"{name}.log")
        self.live.append(server)
        server.start()
        return server

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.live:
            self.live.remove(server)

    def bodies(self, count: int) -> list[bytes]:
        self.salt += 1
        return [
            json.dumps({"body": text, "name": "Bench"}, ensure_ascii=False).encode()
            for text in post_bodies(count, 7000 + self.salt)
        ]

    # -- measurements

    def stream_rss(self, server: Server) -> float | None:
        pid = find_process(server.pid, STREAM_PROCESS)
        return tree_rss_mb(pid) if pid else None

    def stream_threads(self, server: Server) -> int | None:
        pid = find_process(server.pid, STREAM_PROCESS)
        return tree_threads(pid) if pid else None

    def warm_streams(self, server: Server, thread_id: int) -> None:
        """One stream opened and closed: the stream process's first one loads what every
        stream needs, which is not what connections cost."""
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        try:
            conn.request("GET", f"/live/threads/{thread_id}/")
            resp = conn.getresponse()
            first = resp.read1(64)
            if resp.status != 200 or not first.startswith(b"retry:"):
                raise BenchHTTPError(
                    f"GET /live/threads/{thread_id}/ -> {resp.status}: {excerpt(first)}"
                )
        finally:
            conn.close()
        time.sleep(0.5)

    def settle(self, server: Server, timeout: float = 180) -> None:
        """Wait until the task worker has scored what was posted before (no task queued or
        running), so that posting with and without subscribers starts from the same state:
        otherwise the second measurement shares the cores with the worker's backlog of the
        first."""
        query = (
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        )
        url = server.env.get("DATABASE_URL", "")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if url.startswith("postgres"):
                import psycopg

                with psycopg.connect(url) as conn:
                    (waiting,) = conn.execute(query).fetchone()  # type: ignore[misc]
            else:
                path = Path(server.env["PARLEY_DATA_DIR"]) / "parley.sqlite3"
                with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
                    (waiting,) = conn.execute(query).fetchone()
            if not waiting:
                return
            time.sleep(0.5)
        self.problem(f"the task worker still had tasks after {timeout:.0f} s")

    def posting_rate(self, server: Server, thread_id: int, streams: Server) -> dict:
        """Comments/s from one client, and what the stream process's CPU spent meanwhile per
        comment accepted."""
        self.settle(server)
        stream_pid = find_process(streams.pid, STREAM_PROCESS)
        cpu_before = tree_cpu_seconds(stream_pid) if stream_pid else None
        pool = max(50, int(self.rate_seconds * 400))
        got = run_clients(
            server.port,
            1,
            self.rate_seconds,
            method="POST",
            paths=[f"/api/v1/threads/{thread_id}/comments"],
            bodies=[self.bodies(pool)],
            headers={"Content-Type": "application/json"},
            accept=(201,),
        )
        if got["first_bad"]:
            self.problem(f"posting: {got['bad']} not accepted; first: {got['first_bad']}")
        if stream_pid and cpu_before is not None and got["ok"]:
            spent = tree_cpu_seconds(stream_pid) - cpu_before
            got["stream_cpu_ms_per_comment"] = round(spent * 1000 / got["ok"], 2)
        return got

    def post_series(self, server: Server, threads: list[int]) -> list[dict]:
        """Comments posted one at a time, each to a random thread; when each 201 arrived."""
        conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        out = []
        try:
            for body in self.bodies(self.latency_posts):
                thread = self.rng.choice(threads)
                conn.request("POST", f"/api/v1/threads/{thread}/comments", body, headers)
                resp = conn.getresponse()
                data = resp.read()
                at = time.monotonic()
                if resp.status != 201:
                    raise BenchHTTPError(
                        f"POST to thread {thread} -> {resp.status}: {excerpt(data)}"
                    )
                answer = json.loads(data)
                out.append(
                    {
                        "comment": answer["id"],
                        "thread": thread,
                        "at": at,
                        "status": answer["status"],
                    }
                )
                time.sleep(self.pace)
        finally:
            conn.close()
        return out

    def scenario(
        self, setup: str, posting: Server, streams: Server, threads: list[int], count: int, rate
    ) -> dict:
        spread = len(threads)
        label = f"{count} subscribers, {spread} thread{'s' if spread > 1 else ''}"
        print(f"  {label}", flush=True)
        per_thread = {t: 0 for t in threads}
        paths = []
        for k in range(count):
            thread = threads[k % spread]
            per_thread[thread] += 1
            paths.append(f"/live/threads/{thread}/")
        out: dict = {"subscribers": count, "threads": spread}
        if rate:
            with self.monitor.phase(setup, count, f"post rate without ({label})", streams.pid):
                out["post_rate_without"] = self.posting_rate(posting, threads[0], streams)
        out["stream_rss_before_mb"] = self.stream_rss(streams)
        out["stream_threads_before"] = self.stream_threads(streams)
        group = Subscribers(streams.port, paths, 1 if count <= 100 else 2)
        t0 = time.monotonic()
        joined = group.start()
        out["connect_seconds"] = round(time.monotonic() - t0, 2)
        out["connected"] = joined["connected"]
        if joined["failed"]:
            self.problem(
                f"{setup}, {label}: {joined['failed']} subscribers could not connect; first: "
                f"{joined['first_failures']}"
            )
        try:
            time.sleep(0.5)
            out["stream_rss_after_mb"] = after = self.stream_rss(streams)
            out["stream_threads_after"] = self.stream_threads(streams)
            before = out["stream_rss_before_mb"]
            if after is not None and before is not None and joined["connected"]:
                out["stream_rss_per_1000_mb"] = round(
                    (after - before) * 1000 / joined["connected"], 1
                )
            with self.monitor.phase(setup, count, f"latency ({label})", streams.pid) as phase:
                posts = self.post_series(posting, threads)
                time.sleep(self.grace)
            if rate:
                with self.monitor.phase(setup, count, f"post rate with ({label})", streams.pid):
                    out["post_rate_with_readers_here"] = self.posting_rate(
                        posting, threads[0], streams
                    )
                time.sleep(1.0)  # the subscribers read what that burst sent
                group.lower_priority()
                niced = f"post rate with, readers niced ({label})"
                with self.monitor.phase(setup, count, niced, streams.pid):
                    out["post_rate_with"] = self.posting_rate(posting, threads[0], streams)
                time.sleep(1.0)
        finally:
            arrivals, seen = group.stop()
        out.update(self.latencies(posts, arrivals, per_thread))
        out["stream"] = seen
        out["foreign_cpu_pct"] = None
        out["_phase"] = phase
        missing = out["missing"]
        if missing:
            self.problem(
                f"{setup}, {label}: {missing} of {out['expected']} events did not reach their "
                f"subscriber within {self.grace} s of the last post"
            )
        if seen.get("out_of_order"):
            self.problem(f"{setup}, {label}: {seen['out_of_order']} events came out of order")
        if seen.get("closed"):
            self.problem(f"{setup}, {label}: {seen['closed']} streams were closed by the server")
        line = (
            f"    latency p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, max {out['max_ms']} "
            f"ms ({out['samples']} arrivals of {out['published']} comments; {out['negative']} "
            f"negative, down to {out['min_ms']} ms; {out['held']} held); stream process "
            f"{before} -> {after} MB, "
            f"{out['stream_threads_before']} -> {out['stream_threads_after']} threads"
        )
        if rate:
            line += (
                f"; posting {out['post_rate_without']['per_s']}/s without, "
                f"{out['post_rate_with_readers_here']['per_s']}/s with the readers at normal "
                f"priority, {out['post_rate_with']['per_s']}/s with them niced (the stream "
                f"process spent {out['post_rate_with'].get('stream_cpu_ms_per_comment')} ms "
                "CPU per comment)"
            )
        print(line, flush=True)
        return out

    def latencies(self, posts: list[dict], arrivals: dict, per_thread: dict) -> dict:
        samples: list[float] = []
        expected = missing = extra = 0
        published = [p for p in posts if p["status"] == "published"]
        for post in published:
            times = arrivals.get(post["comment"], [])
            want = per_thread[post["thread"]]
            expected += want
            missing += max(0, want - len(times))
            extra += max(0, len(times) - want)
            samples.extend((t - post["at"]) * 1000 for t in times)
        if posts and not published:
            self.problem("every comment posted was held by screening: no event to measure")
        return {
            "posted": len(posts),
            "published": len(published),
            "held": len(posts) - len(published),
            "expected": expected,
            "samples": len(samples),
            "missing": missing,
            "duplicates": extra,
            "p50_ms": _ms(samples, 0.50),
            "p99_ms": _ms(samples, 0.99),
            "max_ms": round(max(samples), 2) if samples else None,
            "min_ms": round(min(samples), 2) if samples else None,
            "mean_ms": round(statistics.mean(samples), 2) if samples else None,
            "negative": sum(1 for s in samples if s < 0),
        }

    def run_setup(self, setup: str, posting: Server, streams: Server, threads: list[int]) -> None:
        out: dict = {"scenarios": {}}
        warm_posts(
            posting.port,
            f"/api/v1/threads/{threads[0]}/comments",
            self.bodies(4),
            {"Content-Type": "application/json"},
        )
        self.warm_streams(streams, threads[0])
        most = max(self.args.subscribers)
        for spread in self.args.spread:
            for count in self.args.subscribers:
                key = f"{count}x{spread}"
                try:
                    out["scenarios"][key] = self.scenario(
                        setup,
                        posting,
                        streams,
                        threads[:spread],
                        count,
                        rate=spread == 1 and count == most,
                    )
                except (BenchHTTPError, OSError, http.client.HTTPException, ValueError) as exc:
                    self.problem(f"{setup}, {key}: {type(exc).__name__}: {exc}")
                time.sleep(1.0)  # the stream process lets the closed streams go
        self.results[setup] = out

    def embedded(self) -> None:
        print("Embedded: parley serve, SQLite, PARLEY_LIVE_BROKER=local", flush=True)
        data = self.work / "embedded"
        data.mkdir()
        env = self.env(data, PARLEY_LIVE_BROKER="local")
        threads = self.prepare(env)
        server = self.server(
            "parley-embedded", env, f"/api/v1/threads/{threads[0]}", "--workers", "2"
        )
        try:
            self.run_setup("embedded", server, server, threads)
        finally:
            self.stop(server)

    def redis_setup(self) -> None:
        print(
            "Redis: two parley serve on PostgreSQL, PARLEY_LIVE_BROKER=redis; posts to A, "
            "subscribers on B",
            flush=True,
        )
        import psycopg
        import redis

        def database(sql: str) -> None:
            with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
                conn.execute(sql)

        cache = redis.Redis.from_url(REDIS_URL)
        cache.flushdb()
        database(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        database(f"CREATE DATABASE {PG_DATABASE}")
        shared = {
            "DATABASE_URL": PG_SERVER + PG_DATABASE,
            "REDIS_URL": REDIS_URL,
            "PARLEY_LIVE_BROKER": "redis",
            "PARLEY_SECRET_KEY": SECRET_KEY,
        }
        started: list[Server] = []
        try:
            envs = {}
            for name in ("a", "b"):
                (self.work / f"redis-{name}").mkdir()
                envs[name] = self.env(self.work / f"redis-{name}", **shared)
            threads = self.prepare(envs["a"])
            ready = f"/api/v1/threads/{threads[0]}"
            started.append(self.server("parley-a", envs["a"], ready, "--workers", "2"))
            started.append(
                self.server("parley-b", envs["b"], ready, "--workers", "1", "--no-tasks")
            )
            self.run_setup("redis", started[0], started[1], threads)
        finally:
            for server in started:
                self.stop(server)
            with contextlib.suppress(Exception):
                database(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            with contextlib.suppress(Exception):
                cache.flushdb()

    # -- run and report

    def run(self) -> int:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        self.info["open_files_limit"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        self.info["started"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if self.args.wait_quiet:
            self.info["busy_before_start_pct"] = wait_for_quiet(self.args.wait_quiet)
        self.info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
        self.monitor.start()
        t0 = time.monotonic()
        try:
            for setup in self.args.setups:
                try:
                    self.embedded() if setup == "embedded" else self.redis_setup()
                except (RuntimeError, BenchHTTPError, subprocess.SubprocessError, OSError) as exc:
                    self.problem(f"{setup}: {exc}")
                except Exception as exc:  # psycopg's and redis's errors: a service is missing
                    self.problem(f"{setup}: {type(exc).__name__}: {exc}")
        finally:
            for server in list(self.live):
                self.stop(server)
            self.monitor.stop()
        self.info["seconds"] = round(time.monotonic() - t0, 1)
        self.info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        self.report()
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"(kept {self.work})")
        return 1 if self.problems else 0

    def check_targets(self) -> list[dict]:
        checks = []
        for setup, out in self.results.items():
            big = {
                k: s for k, s in out["scenarios"].items() if s["subscribers"] >= TARGET_SUBSCRIBERS
            }
            if not big:
                continue
            for s in big.values():
                v = s.get("p99_ms")
                checks.append(
                    {
                        "what": f"{setup}: p99 <= {TARGETS['p99_ms']:.0f} ms at "
                        f"{s['subscribers']:,} subscribers of {s['threads']} thread(s)",
                        "figure": v,
                        "pass": None if v is None else v <= TARGETS["p99_ms"],
                    }
                )
            rss = [s.get("stream_rss_after_mb") for s in big.values()]
            rss = [r for r in rss if r is not None]
            checks.append(
                {
                    "what": f"{setup}: stream process <= {TARGETS['stream_rss_mb']:.0f} MB at "
                    f"{TARGET_SUBSCRIBERS:,} connections",
                    "figure": max(rss) if rss else None,
                    "pass": max(rss) <= TARGETS["stream_rss_mb"] if rss else None,
                }
            )
            drop = None
            for s in big.values():
                if "post_rate_with" in s and s["post_rate_without"]["per_s"]:
                    drop = round(
                        1 - s["post_rate_with"]["per_s"] / s["post_rate_without"]["per_s"], 3
                    )
            checks.append(
                {
                    "what": f"{setup}: posting rate reduced by <= "
                    f"{TARGETS['posting_drop']:.0%} with {TARGET_SUBSCRIBERS:,} subscribers "
                    "(their processes niced: they stand for browsers elsewhere)",
                    "figure": drop,
                    "pass": None if drop is None else drop <= TARGETS["posting_drop"],
                }
            )
            for s in big.values():
                if "post_rate_with_readers_here" in s and s["post_rate_without"]["per_s"]:
                    here = s["post_rate_with_readers_here"]["per_s"]
                    checks.append(
                        {
                            "what": f"{setup}: posting rate reduced, the {TARGET_SUBSCRIBERS:,} "
                            "readers' processes at normal priority on the same cores (shown, "
                            "not a target)",
                            "figure": round(1 - here / s["post_rate_without"]["per_s"], 3),
                            "pass": None,
                        }
                    )
        return checks

    def report(self) -> None:
        foreign = []
        for out in self.results.values():
            for s in out["scenarios"].values():
                phase = s.pop("_phase", None)
                if phase:
                    s["foreign_cpu_pct"] = self.monitor.foreign_cpu(phase["t0"], phase["t1"])
                    if s["foreign_cpu_pct"] is not None:
                        foreign.append(s["foreign_cpu_pct"])
        print()
        print("=" * 96)
        print(
            f"Live events benchmark, {self.info['started']}, {os.cpu_count()} cores, "
            f"{'quick' if self.quick else 'full'} run, {self.info['seconds']} s"
        )
        header = (
            f"  {'setup':9} {'subscribers':>11} {'threads':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'max ms':>8} {'neg':>4} {'missing':>7} {'RSS MB before/after':>20} "
            f"{'per 1k':>7} {'posts/s w/o / with':>19}"
        )
        print(header)
        for setup, out in self.results.items():
            for s in out["scenarios"].values():
                rate = ""
                if "post_rate_with" in s:
                    rate = f"{s['post_rate_without']['per_s']} / {s['post_rate_with']['per_s']}"
                rss = f"{s.get('stream_rss_before_mb')} / {s.get('stream_rss_after_mb')}"
                print(
                    f"  {setup:9} {s['subscribers']:>11,} {s['threads']:>7} "
                    f"{s.get('p50_ms')!s:>8} {s.get('p99_ms')!s:>8} {s.get('max_ms')!s:>8} "
                    f"{s.get('negative')!s:>4} {s.get('missing')!s:>7} {rss:>20} "
                    f"{s.get('stream_rss_per_1000_mb')!s:>7} {rate:>19}"
                )
        print()
        print("  Latency: from the poster's 201 (time.monotonic() once the answer was read) to")
        print("  the event's arrival at each subscriber (the same clock, in the subscribers'")
        print("  processes); negative: the event came before the 201 was read. Held comments")
        print("  send no event to readers and are left out.")
        checks = self.check_targets()
        print()
        print("Targets")
        if not checks:
            print(f"  n/a   (no run with {TARGET_SUBSCRIBERS:,} subscribers)")
        for c in checks:
            verdict = "n/a " if c["pass"] is None else "met " if c["pass"] else "FAIL"
            print(f"  {verdict}  {c['what']}: {c['figure']}")
        mean_foreign = round(statistics.mean(foreign), 1) if foreign else None
        print()
        print(
            f"Load: load average {self.info['loadavg_at_start']} at start, "
            f"{self.info['loadavg_at_end']} at end; processes other than the bench used "
            f"{mean_foreign if mean_foreign is not None else '-'}% of the machine's CPU "
            f"(100% = all cores) on average during the latency series"
            + (f", at most {max(foreign)}%" if foreign else "")
        )
        if foreign and max(foreign) >= 10:
            print("  NOTE: other processes were busy during the run; figures may be worse.")
        if self.problems:
            print()
            print("Problems")
            for p in self.problems:
                print(f"  - {p}")
        summary = {
            "bench": "live",
            "date": self.info["started"],
            "cores": os.cpu_count(),
            "quick": self.quick,
            "seconds": self.info["seconds"],
            "setups": self.results,
            "targets": checks,
            "load": {
                "loadavg_start": self.info["loadavg_at_start"],
                "loadavg_end": self.info["loadavg_at_end"],
                "foreign_cpu_pct_mean": mean_foreign,
                "foreign_cpu_pct_max": max(foreign) if foreign else None,
            },
            "setup": {
                **{k: v for k, v in self.info.items() if k not in {"started", "seconds"}},
                "latency_posts": self.latency_posts,
                "pace_s": self.pace,
                "grace_s": self.grace,
                "post_rate_seconds": self.rate_seconds,
            },
            "problems": self.problems,
        }
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))


def numbers(text: str) -> list[int]:
    return sorted({int(x) for x in text.split(",") if x.strip()})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--setups", default=None, help="embedded,redis (default: both)")
    parser.add_argument("--subscribers", type=numbers, default=None, help="default: 100,1000")
    parser.add_argument("--spread", type=numbers, default=None, help="threads; default: 1,100")
    parser.add_argument(
        "--pace", type=float, default=None, help=f"seconds between posts (default: {PACE})"
    )
    parser.add_argument(
        "--round-ms",
        type=int,
        default=None,
        help="PARLEY_LIVE_ROUND_MS for the servers (default: Parley's own)",
    )
    parser.add_argument("--keep", action="store_true")
    add_wait_quiet(parser)
    parser.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed_main(args.seed)
        return 0
    if args.setups is None:
        args.setups = "embedded" if args.quick else "embedded,redis"
    args.setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = set(args.setups) - {"embedded", "redis"}
    if unknown:
        parser.error(f"unknown setups {sorted(unknown)}: choose embedded, redis")
    args.subscribers = args.subscribers or ([100] if args.quick else [100, TARGET_SUBSCRIBERS])
    args.spread = args.spread or ([1] if args.quick else [1, THREADS])
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
