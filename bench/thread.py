"""Thread benchmark: Parley against Isso 0.14 on the same threads, over real HTTP.

    .venv/bin/python bench/thread.py            # full run: threads of 100, 1,000, 10,000 comments
    .venv/bin/python bench/thread.py --quick    # smoke run: 100 comments, shorter measurements
    make bench                                  # the full run

Options: --servers parley,isso (either alone), --sizes 100,1000, --keep (keep the temp dir),
--wait-quiet SECONDS (first wait for other processes to leave the CPU; for figures to publish).

What it measures, for each thread size, with both servers on 127.0.0.1:
 1. Parley's first page of the thread as HTML, GET /posts/<slug>/: median and p95 (ms),
    sequential keep-alive requests (Isso serves no HTML: its client renders the JSON).
 2. Up to 1,000 comments in one JSON response: Parley GET /api/v1/threads/<id>/comments?limit=1000;
    Isso GET /?uri=<uri> (with &limit=<top-level count> on threads over 1,000 comments so the
    answer holds at most 1,000). Median latency and requests/s at 8 clients, with Parley's
    thread cache off (PARLEY_THREAD_CACHE=off) and on (the default).
 3. The thread as Isso's embed client (0.14, js/embed.js -> api.fetch) asks for it:
    GET /?uri=<uri>&sort=oldest&offset=0&nested_limit=5 (limit "inf" and parent null are left
    out of the query, as its qs() does). Parley's counterpart is request 2.
 4. Comments/s accepted from 1 client and from 4 concurrent clients: Parley
    POST /api/v1/threads/<id>/comments (server run with PARLEY_COMMENT_RATE=off), Isso POST /new.
 5. Peak RSS summed over each server's process tree (master + workers), sampled every 100 ms.

Servers: Parley as `parley serve --workers 2` (granian, WSGI, SQLite in a temp PARLEY_DATA_DIR);
Isso 0.14 under gunicorn with 2 (sync) workers, moderation off and its guard (rate limits) off,
installed on first use into .bench/isso-venv (Python 3.11 from pyenv; `pip install isso gunicorn`).
Requests/s come from wrk (`apt-get install -y wrk`); without it a Python multi-process keep-alive
client is used (slower on this 2-core machine, so it understates the faster server). Where one
request takes so long that a few rounds of 8 would not fit in 20 s, 8 requests are sent at once
and the figure is 8 / time until all are answered. The share of CPU used by other processes
during each measurement is reported, since other test suites may share the machine.
The last line printed is one JSON object with every figure (docs/benchmarks.md reads them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, PARLEY_BIN, ROOT  # noqa: E402
from bench.common.client import (  # noqa: E402
    HOST,
    BenchHTTPError,
    excerpt,
    expect,
    free_port,
    latency,
    rps8,
    run_clients,
    warm_posts,
)
from bench.common.content import make_thread, post_bodies  # noqa: E402
from bench.common.isso import (  # noqa: E402
    ISSO_CFG,
    ISSO_NESTED_LIMIT,
    ISSO_VENV,
    JSON_LIMIT,
    ensure_isso_venv,
    isso_json_limit,
)
from bench.common.machine import Monitor, add_wait_quiet, wait_for_quiet  # noqa: E402
from bench.common.servers import Server  # noqa: E402

TARGETS = {
    "json1000_uncached_median_ms": 30.0,  # at most
    "json1000_cached_rps8": 2000.0,  # at least
    "html_10000_median_ms": 50.0,  # at most
    "post_1client_per_s": 500.0,  # at least
}


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.sizes = args.sizes
        self.work = Path(tempfile.mkdtemp(prefix="parley-thread-bench-"))
        self.monitor = Monitor(self.work)
        self.threads = {size: make_thread(size) for size in self.sizes}
        self.content = self.work / "content.json"
        self.content.write_text(json.dumps(list(self.threads.values()), ensure_ascii=False))
        self.results: dict = {size: {"parley": {}, "isso": {}} for size in self.sizes}
        self.problems: list[str] = []
        self.servers: dict[str, list[int]] = {"parley": [], "isso": []}
        self.server_peaks: dict[str, float | None] = {}
        self.info: dict = {"wrk": shutil.which("wrk") is not None}
        self.live: list[Server] = []
        # durations: latency loops stop at max_n requests or max_s seconds (but take min_n)
        self.fast_loop = {
            "max_n": 300 if not self.quick else 50,
            "max_s": 4.0 if not self.quick else 1.0,
            "min_n": 20,
        }
        self.slow_loop = {"max_n": 30, "max_s": 6.0 if not self.quick else 2.0, "min_n": 3}
        self.rps_seconds = 5.0 if not self.quick else 2.0
        self.post_seconds = 3.0 if not self.quick else 2.0

    # -- plumbing --------------------------------------------------------------------------------

    def problem(self, text: str) -> None:
        self.problems.append(text)
        print(f"  PROBLEM: {text}", flush=True)

    def start(self, server: Server) -> Server:
        self.live.append(server)
        server.start()
        self.servers["parley" if server.name.startswith("parley") else "isso"].append(server.pid)
        return server

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.live:
            self.live.remove(server)

    def measure(self, fn, label: str):
        try:
            return fn()
        except (
            BenchHTTPError,
            OSError,
            http.client.HTTPException,
            subprocess.SubprocessError,
        ) as exc:
            self.problem(f"{label}: {type(exc).__name__}: {exc}")
            return None

    # -- Isso ------------------------------------------------------------------------------------

    def run_isso(self) -> None:
        python, versions = ensure_isso_venv()
        self.info["isso_versions"] = versions
        port = free_port()
        cfg = self.work / "isso.cfg"
        cfg.write_text(ISSO_CFG.format(db=self.work / "isso.db", host=HOST, port=port))
        t0 = time.perf_counter()
        seeded = subprocess.run(
            [str(python), str(BENCH / "_thread_isso_seed.py"), str(cfg), str(self.content)],
            capture_output=True,
            text=True,
            cwd=self.work,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"Seeding Isso failed:\n{seeded.stderr[-2000:]}")
        ids = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.info["isso_seeding"] = {
            "how": "directly into Isso's SQLite database (rows as Comments.add writes them, "
            "schema by Isso's own code), one transaction",
            "seconds": round(time.perf_counter() - t0, 2),
        }
        print(
            f"Isso {versions['isso']}: seeded {sum(v['count'] for v in ids.values()):,} comments "
            f"directly into its SQLite database in {self.info['isso_seeding']['seconds']} s",
            flush=True,
        )
        env = {**os.environ, "ISSO_SETTINGS": str(cfg)}
        argv = [
            str(ISSO_VENV / "bin" / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "isso.run:application",
        ]
        first = self.threads[self.sizes[0]]
        ready = f"/?uri={urllib.parse.quote(first['uri'], safe='')}&limit=1"
        server = Server("isso", argv, env, port, ready, self.work / "isso.log")
        self.start(server)
        try:
            for size in self.sizes:
                self.isso_reads(server, size)
            for size in self.sizes:
                self.isso_posts(server, size)
        finally:
            self.stop(server)

    def isso_reads(self, server: Server, size: int) -> None:
        thread = self.threads[size]
        out = self.results[size]["isso"]
        uri = urllib.parse.quote(thread["uri"], safe="")
        top = isso_json_limit(thread)
        json_path = f"/?uri={uri}" + (f"&limit={top}" if top else "")
        client_path = f"/?uri={uri}&sort=oldest&offset=0&nested_limit={ISSO_NESTED_LIMIT}"
        print(f"Isso, {size:,} comments", flush=True)
        for key, path in (("json1000", json_path), ("client", client_path)):

            def check(path=path):
                data = json.loads(expect(server.port, "GET", path))
                replies = data["replies"]
                return len(replies) + sum(len(r.get("replies", [])) for r in replies)

            count = self.measure(check, f"Isso GET {path}")
            if count is None:
                continue
            with self.monitor.phase("isso", size, f"{key} latency", server.pid):
                lat = self.measure(
                    lambda path=path: latency(server.port, path, **self.slow_loop),
                    f"Isso GET {path}",
                )
            if lat is None:
                continue
            lat["comments"] = count
            out[f"{key}_uncached"] = lat
            out[f"{key}_cached"] = {**lat, "note": "Isso has no response cache: same measurement"}
            median = lat["median_ms"]
            with self.monitor.phase("isso", size, f"{key} rps8", server.pid):
                load = self.measure(
                    lambda path=path, median=median: rps8(
                        server.port, path, self.rps_seconds, median
                    ),
                    f"Isso 8 clients GET {path}",
                )
            if load:
                out[f"{key}_uncached_rps8"] = load
                out[f"{key}_cached_rps8"] = {**load, "note": "Isso has no response cache"}
            print(
                f"  {key:8} {count:5} comments, {lat['bytes'] / 1024:7.0f} KB: median "
                f"{lat['median_ms']:8.1f} ms (n={lat['n']}); 8 clients: "
                f"{load['rps'] if load else '-'} req/s",
                flush=True,
            )
        out["paths"] = {"json1000": json_path, "client": client_path}

    def isso_posts(self, server: Server, size: int) -> None:
        path = f"/new?uri={urllib.parse.quote(self.threads[size]['uri'], safe='')}"
        self.posting(
            "isso",
            server,
            size,
            path,
            lambda text: json.dumps({"text": text, "author": "Bench"}).encode(),
        )

    def posting(self, name: str, server: Server, size: int, path: str, payload) -> None:
        """Comments/s accepted (201) from 1 and from 4 concurrent keep-alive clients."""
        out = self.results[size][name]
        label = "Isso" if name == "isso" else "Parley"
        headers = {"Content-Type": "application/json"}
        warm = [payload(text) for text in post_bodies(4, -size)]
        if (
            self.measure(
                lambda: warm_posts(server.port, path, warm, headers) or True,
                f"{label} POST {path} (warm-up)",
            )
            is None
        ):
            return
        pool = 400 if self.quick else 1500
        for clients in (1, 4):
            bodies = [
                [payload(text) for text in post_bodies(pool, size * 10 + clients * 100 + k)]
                for k in range(clients)
            ]
            with self.monitor.phase(name, size, f"post x{clients}", server.pid):
                got = self.measure(
                    lambda clients=clients, bodies=bodies: run_clients(
                        server.port,
                        clients,
                        self.post_seconds,
                        method="POST",
                        paths=[path],
                        bodies=bodies,
                        headers=headers,
                        accept=(201,),
                    ),
                    f"{label} POST {path}",
                )
            if got:
                out[f"post_{clients}"] = got
                if got["first_bad"]:
                    self.problem(
                        f"{label} posting ({clients} clients): {got['bad']} not accepted; "
                        f"first: {got['first_bad']}"
                    )
                print(
                    f"{label}, {size:,} comments: posting from {clients} client(s): "
                    f"{got['per_s']}/s accepted ({got['ok']} in {got['seconds']} s, median "
                    f"{got['median_ms']} ms)",
                    flush=True,
                )

    # -- Parley ----------------------------------------------------------------------------------

    def parley_env(self, data_dir: Path, **extra: str) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PARLEY_") and k not in {"DATABASE_URL", "REDIS_URL"}
        }
        env.update(DJANGO_SETTINGS_MODULE="config.settings", PARLEY_DATA_DIR=str(data_dir), **extra)
        return env

    def run_parley(self) -> None:
        parley = PARLEY_BIN / "parley"
        missing = [
            p
            for p in (
                "parley/discussion/actions.py",
                "parley/publishing/actions.py",
                "parley/api/views.py",
            )
            if not (ROOT / p).exists()
        ]
        if missing or not parley.exists():
            raise RuntimeError(f"Parley is not there yet: missing {missing or [str(parley)]}")
        data = self.work / "parley-data"
        data.mkdir()
        env = self.parley_env(data, PARLEY_COMMENT_RATE="off")
        for cmd in (["migrate", "--noinput"], ["createcachetable"]):
            done = subprocess.run(
                [str(parley), *cmd], env=env, cwd=ROOT, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"parley {' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
        t0 = time.perf_counter()
        seeded = subprocess.run(
            [str(PARLEY_BIN / "python"), str(BENCH / "_thread_parley_seed.py"), str(self.content)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(
                "Seeding Parley through its actions failed:\n" + seeded.stderr[-3000:]
            )
        self.parley_threads = json.loads(seeded.stdout.strip().splitlines()[-1])
        dropped = self.parley_threads.pop("dropped_tasks", 0)
        seconds = round(time.perf_counter() - t0, 1)
        self.info["parley_seeding"] = {
            "how": "in-process through publishing.actions.create_post and "
            "discussion.actions.post_comment (batches of 500 in one transaction), every "
            "moderation signal on; comments screening held were approved by a moderator "
            "(set_comment_status) so replies to them could follow; the background tasks "
            "seeding queued were dropped",
            "seconds": seconds,
            "held_then_approved": sum(
                t.get("held_then_approved", 0) for t in self.parley_threads.values()
            ),
            "dropped_tasks": dropped,
            "per_thread": {
                s: {k: v for k, v in t.items() if k != "ids"}
                for s, t in self.parley_threads.items()
            },
        }
        for spec in self.parley_threads.values():
            if spec["published"] != spec["count"]:
                self.problem(
                    f"Parley published {spec['published']} of {spec['count']} seeded "
                    f"comments (the rest were held or rejected by screening)"
                )
        print(
            f"Parley: seeded {sum(t['count'] for t in self.parley_threads.values()):,} comments "
            f"through post_comment in {seconds} s "
            f"({self.info['parley_seeding']['held_then_approved']} held by screening and "
            f"approved; {dropped} seeding tasks dropped)",
            flush=True,
        )

        for mode, extra in (("uncached", {"PARLEY_THREAD_CACHE": "off"}), ("cached", {})):
            server = self.parley_server(data, f"parley-{mode}", **extra)
            self.start(server)
            try:
                for size in self.sizes:
                    self.parley_reads(server, size, mode)
            finally:
                self.stop(server)
        server = self.parley_server(data, "parley-posting", PARLEY_COMMENT_RATE="off")
        self.start(server)
        try:
            for size in self.sizes:
                self.parley_posts(server, size)
        finally:
            self.stop(server)

    def parley_server(self, data: Path, name: str, **extra: str) -> Server:
        port = free_port()
        first = self.parley_threads[self.threads[self.sizes[0]]["slug"]]
        argv = [
            str(PARLEY_BIN / "parley"),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            "2",
        ]
        return Server(
            name,
            argv,
            self.parley_env(data, **extra),
            port,
            f"/api/v1/threads/{first['thread_id']}",
            self.work / f"{name}.log",
        )

    def parley_reads(self, server: Server, size: int, mode: str) -> None:
        thread = self.threads[size]
        spec = self.parley_threads[thread["slug"]]
        out = self.results[size]["parley"]
        html_path = f"/posts/{thread['slug']}/"
        json_path = f"/api/v1/threads/{spec['thread_id']}/comments?limit={JSON_LIMIT}"
        print(f"Parley ({mode}), {size:,} comments", flush=True)
        html = self.measure(
            lambda: expect(server.port, "GET", html_path), f"Parley GET {html_path}"
        )
        if html is not None:
            for _ in range(3):  # warm both workers (their first request loads templates)
                self.measure(lambda: expect(server.port, "GET", html_path), "warm-up")
            with self.monitor.phase("parley", size, f"html {mode}", server.pid):
                lat = self.measure(
                    lambda: latency(
                        server.port, html_path, headers={"Accept": "text/html"}, **self.fast_loop
                    ),
                    f"Parley GET {html_path}",
                )
            if lat:
                out[f"html_{mode}"] = lat
                print(
                    f"  html     first page {lat['bytes'] / 1024:7.0f} KB: median "
                    f"{lat['median_ms']:7.2f} ms, p95 {lat['p95_ms']:7.2f} ms (n={lat['n']})",
                    flush=True,
                )
        body = self.measure(
            lambda: expect(server.port, "GET", json_path), f"Parley GET {json_path}"
        )
        if body is None:
            return
        try:
            count = len(json.loads(body)["comments"])
        except (ValueError, KeyError, TypeError) as exc:
            self.problem(f"Parley GET {json_path}: unexpected JSON ({exc}): {excerpt(body)}")
            return
        if count != min(size, JSON_LIMIT):
            self.problem(
                f"Parley GET {json_path}: {count} comments, expected {min(size, JSON_LIMIT)}"
            )
        for _ in range(3):
            self.measure(lambda: expect(server.port, "GET", json_path), "warm-up")
        with self.monitor.phase("parley", size, f"json {mode}", server.pid):
            lat = self.measure(
                lambda: latency(server.port, json_path, **self.fast_loop), f"Parley GET {json_path}"
            )
        if lat is None:
            return
        lat["comments"] = count
        out[f"json1000_{mode}"] = lat
        with self.monitor.phase("parley", size, f"json {mode} rps8", server.pid):
            load = self.measure(
                lambda: rps8(server.port, json_path, self.rps_seconds, lat["median_ms"]),
                f"Parley 8 clients GET {json_path}",
            )
        if load:
            out[f"json1000_{mode}_rps8"] = load
            if load.get("non_2xx") or load.get("bad"):
                failed = load.get("non_2xx") or load.get("bad")
                self.problem(f"Parley 8 clients GET {json_path}: {failed} answers were not 2xx")
        # Isso's client request has no separate Parley counterpart: request 2 is it.
        out[f"client_{mode}"] = {**lat, "note": "same request as json1000"}
        if load:
            out[f"client_{mode}_rps8"] = {**load, "note": "same request as json1000"}
        out["paths"] = {"html": html_path, "json1000": json_path, "client": json_path}
        print(
            f"  json     {count:5} comments, {lat['bytes'] / 1024:7.0f} KB: median "
            f"{lat['median_ms']:7.2f} ms (n={lat['n']}); 8 clients: "
            f"{load['rps'] if load else '-'} req/s",
            flush=True,
        )

    def parley_posts(self, server: Server, size: int) -> None:
        spec = self.parley_threads[self.threads[size]["slug"]]
        path = f"/api/v1/threads/{spec['thread_id']}/comments"
        self.posting(
            "parley",
            server,
            size,
            path,
            lambda text: json.dumps({"body": text, "name": "Bench"}, ensure_ascii=False).encode(),
        )

    # -- run and report --------------------------------------------------------------------------

    def run(self) -> int:
        self.info["started"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if self.args.wait_quiet:
            self.info["busy_before_start_pct"] = wait_for_quiet(self.args.wait_quiet)
        self.info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
        self.monitor.start()
        t0 = time.monotonic()
        try:
            for name in self.args.servers:
                try:
                    self.run_isso() if name == "isso" else self.run_parley()
                except (RuntimeError, BenchHTTPError, subprocess.SubprocessError, OSError) as exc:
                    self.problem(f"{name}: {exc}")
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

    def figures(self) -> dict:
        """Flat figures per size and server, and Parley/Isso ratios."""
        out: dict = {}
        for size in self.sizes:
            row: dict = {}
            for name in ("parley", "isso"):
                r = self.results[size][name]
                f: dict = {}
                for mode in ("uncached", "cached"):
                    if h := r.get(f"html_{mode}"):
                        f[f"html_{mode}_median_ms"] = h["median_ms"]
                        f[f"html_{mode}_p95_ms"] = h["p95_ms"]
                    for key in ("json1000", "client"):
                        if lat := r.get(f"{key}_{mode}"):
                            f[f"{key}_{mode}_median_ms"] = lat["median_ms"]
                            f[f"{key}_{mode}_p95_ms"] = lat["p95_ms"]
                        if load := r.get(f"{key}_{mode}_rps8"):
                            f[f"{key}_{mode}_rps8"] = load["rps"]
                for clients in (1, 4):
                    if p := r.get(f"post_{clients}"):
                        f[f"post_{clients}client{'s' if clients > 1 else ''}_per_s"] = p["per_s"]
                phases = [
                    p for p in self.monitor.phases if p["server"] == name and p["size"] == size
                ]
                peaks = [self.monitor.peak_mb({p["pid"]}, p["t0"], p["t1"]) for p in phases]
                peaks = [p for p in peaks if p is not None]
                if peaks:
                    f["peak_rss_mb"] = max(peaks)
                row[name] = f
            ratio = {}
            for key, value in row["parley"].items():
                other = row["isso"].get(key)
                if other:
                    ratio[key] = float(f"{value / other:.4g}")
            row["ratio_parley_over_isso"] = ratio
            row["detail"] = self.results[size]
            out[str(size)] = row
        return out

    def report(self) -> None:
        figures = self.figures()
        for name in ("parley", "isso"):
            pids = set(self.servers[name])
            self.server_peaks[name] = self.monitor.peak_mb(pids) if pids else None
        foreign = []
        for p in self.monitor.phases:
            f = self.monitor.foreign_cpu(p["t0"], p["t1"])
            if f is not None:
                foreign.append((f, p))
        busiest = max(foreign, key=lambda x: x[0]) if foreign else None
        mean_foreign = round(statistics.mean(f for f, _ in foreign), 1) if foreign else None

        rows = [
            ("1 HTML first page, median ms (cache off)", "html_uncached_median_ms", "lower"),
            ("1 HTML first page, p95 ms (cache off)", "html_uncached_p95_ms", "lower"),
            ("1 HTML first page, median ms (cache on)", "html_cached_median_ms", "lower"),
            ("1 HTML first page, p95 ms (cache on)", "html_cached_p95_ms", "lower"),
            (
                "2 <=1,000 comments JSON, median ms, uncached",
                "json1000_uncached_median_ms",
                "lower",
            ),
            ("2 <=1,000 comments JSON, median ms, cached", "json1000_cached_median_ms", "lower"),
            (
                "2 <=1,000 comments JSON, req/s 8 clients, uncached",
                "json1000_uncached_rps8",
                "higher",
            ),
            ("2 <=1,000 comments JSON, req/s 8 clients, cached", "json1000_cached_rps8", "higher"),
            ("3 Isso client's request, median ms, uncached", "client_uncached_median_ms", "lower"),
            ("3 Isso client's request, median ms, cached", "client_cached_median_ms", "lower"),
            (
                "3 Isso client's request, req/s 8 clients, uncached",
                "client_uncached_rps8",
                "higher",
            ),
            ("3 Isso client's request, req/s 8 clients, cached", "client_cached_rps8", "higher"),
            ("4 comments/s accepted, 1 client", "post_1client_per_s", "higher"),
            ("4 comments/s accepted, 4 clients", "post_4clients_per_s", "higher"),
            ("5 peak RSS of the server tree, MB (this size)", "peak_rss_mb", "lower"),
        ]

        def fmt(v) -> str:
            if v is None:
                return "-"
            return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}" if abs(v) < 10 else f"{v:,.1f}"

        def fmt_ratio(v) -> str:
            if v is None:
                return "-"
            return (f"{v:.2g}" if v < 0.1 else fmt(v)) + "x"

        print()
        print("=" * 96)
        print(
            f"Thread benchmark, {self.info['started']}, {os.cpu_count()} cores, "
            f"{'quick' if self.quick else 'full'} run, {self.info['seconds']} s; "
            "load generator: "
            + ("wrk -t2 -c8" if self.info["wrk"] else "Python processes (no wrk)")
        )
        for size in self.sizes:
            row = figures[str(size)]
            detail = self.results[size]
            pj = (
                detail["parley"].get("json1000_uncached")
                or detail["parley"].get("json1000_cached")
                or {}
            )
            ij = detail["isso"].get("json1000_uncached") or {}
            ic = detail["isso"].get("client_uncached") or {}
            print()
            print(
                f"Thread of {size:,} comments   (request 2: Parley {pj.get('comments', '-')} "
                f"comments {pj.get('bytes', 0) / 1024:.0f} KB, Isso {ij.get('comments', '-')} "
                f"comments {ij.get('bytes', 0) / 1024:.0f} KB; Isso client request: "
                f"{ic.get('comments', '-')} comments {ic.get('bytes', 0) / 1024:.0f} KB)"
            )
            print(f"  {'figure':54} {'Parley':>10} {'Isso':>10} {'Parley/Isso':>12}  better")
            for label, key, better in rows:
                p, i = row["parley"].get(key), row["isso"].get(key)
                ratio = row["ratio_parley_over_isso"].get(key)
                if p is None and i is None:
                    continue
                print(f"  {label:54} {fmt(p):>10} {fmt(i):>10} {fmt_ratio(ratio):>12}  {better}")
        print()
        print("  Isso serves no HTML page (its client renders the JSON in the browser) and has")
        print("  no response cache, so its 'cached' rows repeat its one measurement. Parley's")
        print("  request 3 is request 2. Posting: Parley with PARLEY_COMMENT_RATE=off, Isso with")
        print("  its guard off.")
        print(
            f"  Peak RSS over the whole run: Parley {fmt(self.server_peaks['parley'])} MB "
            f"(largest of its three server runs), Isso {fmt(self.server_peaks['isso'])} MB."
        )
        checks = self.check_targets(figures)
        print()
        print("Targets")
        for c in checks:
            verdict = "n/a " if c["pass"] is None else "PASS" if c["pass"] else "FAIL"
            print(f"  {verdict}  {c['what']}: {c['figure']}")
        print()
        worst = (
            (
                f", at most {busiest[0]}% ({busiest[1]['server']} {busiest[1]['size']} "
                f"{busiest[1]['label']})"
            )
            if busiest
            else ""
        )
        print(
            f"Load: load average {self.info['loadavg_at_start']} at start, "
            f"{self.info['loadavg_at_end']} at end; processes other than the bench used "
            f"{mean_foreign if mean_foreign is not None else '-'}% of the machine's CPU "
            f"(100% = all cores) on average during measurements{worst}"
        )
        if busiest and busiest[0] >= 10:
            print("  NOTE: other processes were busy during the run; figures may be low.")
        if self.problems:
            print()
            print("Problems")
            for p in self.problems:
                print(f"  - {p}")
        summary = {
            "bench": "thread",
            "date": self.info["started"],
            "cores": os.cpu_count(),
            "quick": self.quick,
            "seconds": self.info["seconds"],
            "sizes": figures,
            "peak_rss_mb": self.server_peaks,
            "targets": checks,
            "load": {
                "loadavg_start": self.info["loadavg_at_start"],
                "loadavg_end": self.info["loadavg_at_end"],
                "foreign_cpu_pct_mean": mean_foreign,
                "foreign_cpu_pct_max": busiest[0] if busiest else None,
                "per_phase": [
                    {
                        "server": p["server"],
                        "size": p["size"],
                        "phase": p["label"],
                        "foreign_cpu_pct": f,
                    }
                    for f, p in foreign
                ],
            },
            "setup": {k: v for k, v in self.info.items() if k not in {"started", "seconds"}},
            "problems": self.problems,
        }
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))

    def check_targets(self, figures: dict) -> list[dict]:
        def get(size: int, key: str):
            return figures.get(str(size), {}).get("parley", {}).get(key)

        big = [s for s in self.sizes if s >= JSON_LIMIT]
        checks = []
        for size in big:
            v = get(size, "json1000_uncached_median_ms")
            checks.append(
                {
                    "what": f"1,000-comment JSON uncached <= 30 ms median ({size:,} thread)",
                    "figure": v,
                    "pass": None if v is None else v <= 30,
                }
            )
            v = get(size, "json1000_cached_rps8")
            checks.append(
                {
                    "what": f">= 2,000 req/s at 8 clients cached ({size:,} thread)",
                    "figure": v,
                    "pass": None if v is None else v >= 2000,
                }
            )
        for mode in ("uncached", "cached"):
            v = get(10000, f"html_{mode}_median_ms")
            checks.append(
                {
                    "what": f"first HTML page of the 10,000-comment thread <= 50 ms median "
                    f"(cache {'off' if mode == 'uncached' else 'on'})",
                    "figure": v,
                    "pass": None if v is None else v <= 50,
                }
            )
        for size in self.sizes:
            v = get(size, "post_1client_per_s")
            checks.append(
                {
                    "what": f">= 500 comments/s posted from one client ({size:,} thread)",
                    "figure": v,
                    "pass": None if v is None else v >= 500,
                }
            )
        return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a thread of 100 comments (unless --sizes), shorter measurements",
    )
    parser.add_argument("--sizes", help="comma-separated thread sizes (default 100,1000,10000)")
    parser.add_argument("--servers", default="isso,parley", help="isso,parley (either alone)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    add_wait_quiet(parser)
    args = parser.parse_args()
    args.sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else [100]
        if args.quick
        else [100, 1000, 10000]
    )
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if not shutil.which("wrk"):
        print(
            "wrk not found: requests/s will come from a Python client (slower). Install it with "
            "`apt-get install -y wrk`.",
            flush=True,
        )
    bench = Bench(args)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        return bench.run()
    except KeyboardInterrupt:
        for server in list(bench.live):
            server.stop()
        bench.monitor.stop()
        if not args.keep:
            shutil.rmtree(bench.work, ignore_errors=True)
        print("Interrupted: servers stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
