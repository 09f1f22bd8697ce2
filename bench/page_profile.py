"""Where the time of one cached page goes: the demo dossier's page, read again and again.

Loads the demo dossier (`parley load_demo`) into a fresh SQLite database in a temporary
folder, reads its page (GET /posts/<slug>/) once to fill the caches, then reads it again
through Django's full request stack in this process, as a guest whose language is English
and as one whose language is Portuguese (so the documents' translation states are looked
up). Prints the median time per request without the profiler, the process's CPU time per
request, the SQL statements of one request, and the functions that took the most time under
cProfile. The last line printed is one JSON object with every figure.

    .venv/bin/python bench/page_profile.py            # 400 requests per reader
    .venv/bin/python bench/page_profile.py --quick    # 100 requests per reader
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
from bench.common.env import pin, use_fresh_sqlite  # noqa: E402

TMP = use_fresh_sqlite("parley-bench-page-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def measure(client: Client, path: str, count: int, top: int) -> dict:
    def read() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")

    for _ in range(10):
        read()
    plain = []
    cpu_started = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        read()
        plain.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / count
    statements: list[str] = []

    def note(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        read()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        read()
    profiler.disable()
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda kv: -kv[1][3])[:top]
    return {
        "median_ms": round(statistics.median(plain), 3),
        "cpu_ms_per_request": round(cpu_ms, 3),
        "statements": [sql[:110] for sql in statements],
        "top": [
            f"{ct * 1000 / count:7.3f} ms cum {tt * 1000 / count:7.3f} ms own  "
            f"{filename.split('/site-packages/')[-1].replace(str(ROOT) + '/', '')}:{line}({name})"
            for (filename, line, name), (_cc, _nc, tt, ct, _callers) in rows
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 requests instead of 400")
    parser.add_argument("--top", type=int, default=15, help="functions to list")
    args = parser.parse_args()
    pinned = pin()
    count = 100 if args.quick else 400
    try:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
        from parley.publishing.models import Post

        post = next(p for p in Post.objects.all() if p.is_dossier)
        path = post.get_absolute_url()
        figures = {}
        for language in ("en", "pt"):
            client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
            found = measure(client, path, count, args.top)
            figures[language] = found
            print(
                f"GET {path} as a reader of {language!r}, {count} requests, "
                f"{'pinned to one core' if pinned else 'not pinned'}:"
            )
            print(f"  median {found['median_ms']:.2f} ms, no profiler")
            print(f"  {found['cpu_ms_per_request']:.2f} ms of this process's CPU per request")
            print(f"  {len(found['statements'])} SQL statements:")
            for sql in found["statements"]:
                print(f"    {sql}")
            print("  most time (cumulative, under cProfile):")
            for row in found["top"]:
                print(f"    {row}")
        print(json.dumps({"bench": "page_profile", "requests": count, "pinned": pinned, **figures}))
        return 0
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
