"""The widget's weight and its first render (issue 12).

1. Weight: embed.js and count.js as Parley serves them (`GET /embed.js`, `GET /count.js`),
   raw, compressed with gzip -9 and, when the `brotli` module is installed, brotli at its
   highest quality, beside the budgets of the peers issue 12 names (Remark42's widget about
   74 KB, Isso's 20 KB, gzipped) and Parley's own budget of 30 KB.
2. First render: Debian's Chromium (through Playwright) opens the example blog's article
   whose thread holds 50 comments (`parley serve --example-host`), N times; the widget marks
   `parley:answer` when the thread's JSON is parsed and `parley:render` after its first
   render, and the time between the two is reported (median and p95), with the time from
   the page's start to the render beside it.

Runs on a fresh SQLite database in a temporary folder: the example blog's site (as
`parley load_demo --example-host` makes it) and a thread of 50 comments in five languages
(bench/common/content.py, the shape of the thread benchmark's) on one of its articles,
posted through the same action as every comment. The last line printed is one JSON object.

    .venv/bin/python bench/embed.py             # 30 loads (make bench-embed)
    .venv/bin/python bench/embed.py --quick     # 3 loads, as the test suite runs it
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import content  # noqa: E402
from bench.common.browser import launch, require_chromium  # noqa: E402
from bench.common.client import free_port, pct  # noqa: E402
from bench.common.env import use_fresh_sqlite  # noqa: E402
from bench.common.machine import Monitor, add_wait_quiet, wait_for_quiet  # noqa: E402
from bench.common.servers import Server  # noqa: E402

PARLEY = str(Path(sys.executable).with_name("parley"))
ARTICLE = "lighthouse-reopens"  # the example blog's article the bench's thread is under
COMMENTS = 50
# Gzipped sizes of the widgets issue 12 compares Parley's with, in KB.
PEERS_KB = {"Remark42": 74, "Isso": 20}
BUDGET_KB = 30
FILES = ("embed.js", "count.js")
BUILT = ROOT / "parley" / "embed" / "static" / "parley"  # where the widget's build writes them

# The time between the widget's two marks, read once it says it is ready.
MARKS = """() => {
    const answer = performance.getEntriesByName('parley:answer')[0];
    const render = performance.getEntriesByName('parley:render')[0];
    if (!answer || !render) { return null; }
    return {
        answer_to_render: render.startTime - answer.startTime,
        start_to_render: render.startTime,
    };
}"""
# The text of the widget's shadow root (an open one, docs/embedding.md): its comments.
WIDGET_TEXT = """() => {
    const host = document.querySelector('[data-parley-thread]');
    return host && host.shadowRoot ? host.shadowRoot.textContent : '';
}"""


def seed(origins: list[str]) -> tuple[str, str]:
    """The example blog's site and a thread of COMMENTS comments under ARTICLE; returns the
    article's address and the first comment's opening words."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from parley.demo import host_site
    from parley.demo.loader import load_example_blog
    from parley.discussion.actions import Commenter, post_comment
    from parley.embed.actions import open_page

    site = load_example_blog(origins).site
    article = host_site.article(ARTICLE)
    assert article is not None
    url = f"{origins[0]}{article.path}"
    page, _made = open_page(
        site,
        origin=origins[0],
        client="bench",
        url=url,
        title=article.title,
        identifier=article.identifier,
    )
    thread = content.make_thread(COMMENTS)
    ids: list[int] = []
    for item in thread["comments"]:
        comment = post_comment(
            page.post.thread,
            commenter=Commenter(name=item["name"], email=item["email"]),
            body=item["body"],
            parent_id=ids[item["parent"]] if item["parent"] is not None else None,
            created_at=datetime.fromtimestamp(item["created"], tz=UTC),
        )
        ids.append(comment.pk)
    first = " ".join(thread["comments"][0]["body"].split()[:4])
    from django.db import connections

    connections.close_all()
    return url, first


def weight(parley: str) -> dict:
    """Each file's bytes as served and compressed; None for a file Parley does not serve."""
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        brotli = None
    sizes: dict = {}
    for name in FILES:
        try:
            with urllib.request.urlopen(f"{parley}/{name}", timeout=10) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            sizes[name] = {"status": error.code}
            continue
        sizes[name] = {
            "raw_bytes": len(body),
            "gzip9_bytes": len(gzip.compress(body, compresslevel=9, mtime=0)),
            "brotli_bytes": len(brotli.compress(body, quality=11)) if brotli else None,
        }
    return sizes


def first_renders(url: str, loads: int, expect: str) -> tuple[list[dict], list[str]]:
    """The widget's marks over `loads` loads of the article in Chromium; the problems seen."""
    from playwright.sync_api import sync_playwright

    samples: list[dict] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for load in range(loads):
            # A new context each time: no widget state kept between loads (the HTTP cache
            # too is the context's, so every load fetches embed.js and the thread anew).
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.on(
                "console",
                lambda m, errors=errors: m.type == "error" and errors.append(m.text),
            )
            page.on(
                "response",
                lambda r, errors=errors: r.status >= 400 and errors.append(f"{r.status} {r.url}"),
            )
            page.goto(url)
            page.locator("[data-parley-thread]").scroll_into_view_if_needed()
            page.wait_for_selector("[data-parley-thread][data-parley-state=ready]", timeout=30_000)
            marks = page.evaluate(MARKS)
            if errors:
                problems.append(f"load {load + 1}: the page logged errors: {errors}")
            if marks is None:
                problems.append(f"load {load + 1}: the widget set no parley:answer/render marks")
            elif load == 0 and expect not in " ".join(page.evaluate(WIDGET_TEXT).split()):
                problems.append(f"the widget does not show the first comment ({expect!r}...)")
            else:
                samples.append(marks)
            context.close()
        browser.close()
    return samples, problems


def summary(values: list[float]) -> dict:
    if not values:
        return {"median_ms": None, "p95_ms": None}
    return {
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(pct(values, 0.95), 1),
    }


def kb(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 loads (the test suite's run)")
    parser.add_argument("--loads", type=int, default=None, help="loads of the page (30)")
    add_wait_quiet(parser)
    args = parser.parse_args()
    loads = args.loads or (3 if args.quick else 30)
    require_chromium()

    folder = use_fresh_sqlite("parley-bench-embed-")
    port, blog_port = free_port(), free_port()
    parley = f"http://127.0.0.1:{port}"
    origins = [f"http://127.0.0.1:{blog_port}", f"http://localhost:{blog_port}"]
    started = time.monotonic()
    url, first_words = seed(origins)
    print(f"seeded {COMMENTS} comments under {url} in {time.monotonic() - started:.1f} s")

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    argv = [PARLEY, "serve", "--port", str(port), "--workers", "1", "--no-tasks"]
    server = Server(
        "parley",
        [*argv, "--example-host", str(blog_port)],
        env,
        port,
        "/",
        Path(folder) / "server.log",
    )
    figures: dict = {"comments": COMMENTS, "loads": loads, "budget_kb": BUDGET_KB}
    figures["peers_gzip_kb"] = PEERS_KB
    problems: list[str] = []
    monitor = Monitor(Path(folder))  # the machine's CPU, ours apart (server, Chromium)
    monitor.start()
    server.start()
    try:
        if args.wait_quiet:
            figures["busy_before_start_pct"] = wait_for_quiet(args.wait_quiet)
        sizes = weight(parley)
        figures["files"] = sizes
        missing = [name for name in FILES if "raw_bytes" not in sizes[name]]
        if missing:
            figures["missing"] = missing
            built = [name for name in missing if (BUILT / name).exists()]
            if built:
                problems.append(f"{', '.join(built)} are built but Parley does not serve them")
            else:
                print(f"This checkout has no {', '.join(missing)} yet: no widget to measure.")
        else:
            t0 = time.monotonic()
            samples, problems = first_renders(url, loads, first_words)
            t1 = time.monotonic()
            figures["answer_to_render"] = summary([s["answer_to_render"] for s in samples])
            figures["start_to_render"] = summary([s["start_to_render"] for s in samples])
    finally:
        server.stop()
        monitor.stop()
    if "answer_to_render" in figures:
        # Share of the whole machine (100 = every core) other processes used while timing.
        figures["others_cpu_pct"] = monitor.foreign_cpu(t0, t1)

    print()
    print(f"{'file':<10} {'raw':>10} {'gzip -9':>10} {'brotli':>10}")
    for name, size in figures["files"].items():
        if "raw_bytes" not in size:
            print(f"{name:<10} {'HTTP ' + str(size['status']):>10}")
            continue
        print(
            f"{name:<10} {kb(size['raw_bytes']):>10} {kb(size['gzip9_bytes']):>10} "
            f"{kb(size['brotli_bytes']):>10}"
        )
    peers = ", ".join(f"{name} ~{size} KB" for name, size in PEERS_KB.items())
    print(f"gzipped budgets: {peers}; Parley's {BUDGET_KB} KB")
    embed = figures["files"]["embed.js"]
    if "gzip9_bytes" in embed:
        figures["within_budget"] = embed["gzip9_bytes"] <= BUDGET_KB * 1024
        print(f"embed.js within Parley's budget: {'yes' if figures['within_budget'] else 'NO'}")
    if "answer_to_render" in figures:
        a, s = figures["answer_to_render"], figures["start_to_render"]
        print(
            f"first render of {COMMENTS} comments over {loads} loads: answer -> render "
            f"median {a['median_ms']} ms, p95 {a['p95_ms']} ms; page start -> render "
            f"median {s['median_ms']} ms, p95 {s['p95_ms']} ms "
            f"(other processes used {figures['others_cpu_pct']}% of the machine meanwhile)"
        )
    figures["problems"] = problems
    for problem in problems:
        print(f"problem: {problem}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
