"""Search on a generated site: query times, index size, indexing and posting rates.

Builds a site of 50 posts (each with two source documents) and 100,000 comments in six
languages (English, Portuguese, Serbian Latin with and without its diacritics, Russian, German,
Spanish) from the sentences of bench/common/content.py with a seeded generator: a valid reply
tree per thread (30% top-level, replies up to eight levels deep), over four years, the
thread counts and versions set, and a stored translation (a `Translation` row, done) for one
comment in seven. The comments are written with bulk_create, so they reach the index only
through `parley reindex`, which is what figure 3 times. Then, on that site:

1. Query times over a fixed, seeded mix of the queries readers type (one common word, a rare
   word, two words, a quoted phrase, a query folded of its diacritics, a Cyrillic word, with
   the author, language and date filters, and one that finds nothing): through
   `parley.search.searching.search()` (what the page runs, excerpts included) in this process,
   through the `/search/` page (Django's test client: middleware, view, template), and, as a
   peer, the same queries answered the way a site without a full-text index answers them
   (`icontains` on the comments' bodies: LIKE on SQLite, UPPER(...) LIKE on PostgreSQL,
   newest 50).
2. The size of the search tables (SQLite's `dbstat`; PostgreSQL's `pg_total_relation_size`),
   and as a share of the comments table.
3. The rate of a full `parley reindex` (the management command) over the comments.
4. Posting through the reader's form (`POST /posts/<slug>/comments/`, the web view, every
   default moderation signal) on that site, in alternating blocks with the search index's
   recorder registered and not (`changes.unregister_recorder`), so that drift falls on both.

Targets (recorded, not enforced): search() p99 at most 30 ms on SQLite; posting at most 10%
slower with indexing on. Search results must link to real comments: a few are opened.

    .venv/bin/python bench/search.py                    # 100,000 comments, SQLite
    .venv/bin/python bench/search.py --quick            # 5,000 comments, fewer queries
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search.py --database     # on PostgreSQL (parley_bench_search)

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import content  # noqa: E402
from bench.common.client import pct  # noqa: E402
from bench.common.env import pin, use_fresh_sqlite  # noqa: E402
from bench.common.machine import add_wait_quiet, wait_for_quiet  # noqa: E402

SEED = 20261201
POSTS = 50
PG_DATABASE = "parley_bench_search"
TRANSLATED_SHARE = 1 / 7
START = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)
SPAN = timedelta(days=4 * 365)
P99_TARGET_MS = 30.0
POSTING_TARGET = 0.10

# The kinds of queries, each with the variants a seeded draw picks from: (q, filters).
KINDS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "common word": [
        ("ministry", {}),
        ("letter", {}),
        ("transcript", {}),
        ("pismo", {}),
        ("Ministerium", {}),
        ("dossier", {}),
    ],
    "rare word": [
        ("lighthouse", {}),
        ("palagruza", {}),
        ("telegrama", {}),
        ("Leuchtturmwärter", {}),
    ],
    "two words": [
        ("ministry annex", {}),
        ("votes sunday", {}),
        ("carta votação", {}),
        ("delegacija sastanak", {}),
        ("Tabelle Bericht", {}),
    ],
    "phrase": [
        ('"press release"', {}),
        ('"serious mistake"', {}),
        ('"comunicado de imprensa"', {}),
        ('"original source"', {}),
        ('"neu ausgezählt"', {}),
    ],
    "folded": [
        ("zeljko", {}),
        ("sao paulo", {}),
        ("djordje", {}),
        ("cacak", {}),
        ("saopstenje", {}),
    ],
    "cyrillic": [
        ("министерство", {}),
        ("стенограмма", {}),
        ("голоса", {}),
        ("желько", {}),
    ],
    "author filter": [
        ("minister", {"author": "Miloš Petrović"}),
        ("letter", {"author": "ana souza"}),
        ("dossier", {"author": "Željko Petrović"}),
        ("ministarstvo", {"author": "Jelena Jovanovic"}),
    ],
    "language filter": [
        ("ministerio", {"language": "es"}),
        ("carta", {"language": "pt"}),
        ("pismo", {"language": "sr"}),
        ("министр", {"language": "ru"}),
        ("Brief", {"language": "de"}),
    ],
    "date filter": [
        ("letter", {"since": "2023-03-01", "until": "2023-03-31"}),
        ("minister", {"since": "2025-01-01"}),
        ("zeljko", {"until": "2022-06-30"}),
        ("votes", {"since": "2024-06-01", "until": "2024-06-07"}),
    ],
    "nothing found": [
        ("xylograph", {}),
        ('"minister zeppelin"', {}),
        ("quixotic marmalade", {}),
    ],
}


def ms_stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 2),
        "p99": round(pct(values, 0.99), 2),
        "max": round(max(values), 2),
    }


# -- the database ----------------------------------------------------------------------------------


def choose_database(args) -> tuple[str, str]:
    """Point Django at a fresh database (before django.setup()): ("sqlite", temp folder) or
    ("postgresql", the server's URL with the bench's own database made anew)."""
    url = os.environ.get("DATABASE_URL", "")
    folder = use_fresh_sqlite("parley-bench-search-")  # data directory (and SQLite file)
    if not args.database:
        return "sqlite", folder
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database needs DATABASE_URL=postgres://user:password@host:port/db")
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    os.environ["DATABASE_URL"] = f"{base}/{PG_DATABASE}"
    os.environ.setdefault("PARLEY_SECRET_KEY", "only-for-the-search-benchmark")
    return "postgresql", folder


def drop_database(vendor: str) -> None:
    if vendor != "postgresql":
        return
    from django.db import connections

    connections.close_all()
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


# -- the site --------------------------------------------------------------------------------------


def seed(comments: int) -> dict:
    """50 posts with their documents, `comments` comments in trees under them, and stored
    translations for a share; nothing of the comments indexed yet."""
    from django.db import connection, transaction
    from django.utils import timezone

    from parley.discussion.models import Comment, Thread
    from parley.language.models import Translation
    from parley.language.translator import digest
    from parley.lib import markdown
    from parley.publishing.actions import add_document, create_post

    started = time.perf_counter()
    rng = random.Random(SEED)
    threads = []
    for k in range(POSTS):
        language = "en" if k % 3 else rng.choice(["pt", "sr", "de"])
        intro_pieces = [("s", rng.randrange(12)) for _ in range(3)]
        post = create_post(
            kind="dossier",
            slug=f"dossier-{k + 1}",
            title=f"Dossier {k + 1}: " + content.SEARCH_SENTENCES[language][k % 12][:60],
            introduction=content.search_text(language, intro_pieces),
            published_at=START - timedelta(days=POSTS - k),
        )
        for d, kind in enumerate(("letter", "transcript")):
            pieces = [("s", rng.randrange(12)) for _ in range(6)]
            body = content.search_text("en", pieces)
            if kind == "transcript":
                body = "\n\n".join(
                    f"{'Question' if i % 2 == 0 else 'Minister'}: {p}"
                    for i, p in enumerate(body.split("\n\n"))
                )
            add_document(
                post,
                kind=kind,
                slug=f"{kind}-{d + 1}",
                title=f"The {kind} of dossier {k + 1}",
                issuer="The Ministry",
                occurred_at=START - timedelta(days=POSTS - k + 1),
                timezone="Europe/Belgrade",
                language="en",
                body=body,
            )
        threads.append(Thread.objects.get(post=post))
    # Busier threads get more comments (Zipf-like), as on a real site.
    weights = [1 / (k + 1) ** 0.7 for k in range(POSTS)]
    authors = content.SEARCH_NAMES
    author_weights = [1 / (k + 1) ** 0.6 for k in range(len(authors))]
    per_thread: dict[int, list[tuple[int, int, int | None, int | None]]] = {
        t.pk: [] for t in threads
    }
    rows: list[Comment] = []
    translations: list[Translation] = []
    replies: dict[int, int] = {}
    subtree: dict[int, int] = {}
    step = SPAN / comments
    next_id = 1
    with transaction.atomic():
        for i in range(comments):
            thread = rng.choices(threads, weights=weights)[0]
            mine = per_thread[thread.pk]
            parent_id = root_id = None
            depth = 0
            if mine and rng.random() >= 0.30:
                pool = mine[-40:] if rng.random() < 0.7 else mine
                pk, depth_of, root_of, parent_of = rng.choice(pool)
                parent_id, depth, root_id = pk, depth_of + 1, root_of or pk
                if depth > 7:  # the deepest level is depth 7: a reply there answers its parent
                    parent_id, depth = parent_of, 7
            variant, pieces = content.search_comment(rng)
            language = "sr" if variant == "sr-plain" else variant
            body = content.search_text(variant, pieces)
            created = START + step * i + timedelta(seconds=rng.randint(0, 60))
            pk = next_id
            next_id += 1
            rows.append(
                Comment(
                    pk=pk,
                    thread_id=thread.pk,
                    parent_id=parent_id,
                    root_id=root_id,
                    depth=depth,
                    author_name=rng.choices(authors, weights=author_weights)[0],
                    body=body,
                    body_html=markdown.render(body, breaks=True),
                    status=Comment.Status.PUBLISHED,
                    language=language,
                    language_confidence=0.9,
                    created_at=created,
                )
            )
            mine.append((pk, depth, root_id, parent_id))
            if parent_id is not None:
                replies[parent_id] = replies.get(parent_id, 0) + 1
                subtree[root_id] = subtree.get(root_id, 0) + 1  # type: ignore[index]
            if rng.random() < TRANSLATED_SHARE:
                target = "pt" if language == "en" else "en"
                translated = content.search_text(target, pieces)
                translations.append(
                    Translation(
                        kind=Translation.Kind.COMMENT,
                        object_id=pk,
                        target=target,
                        source_language=language,
                        source_digest=digest(language, body),
                        engine="bench",
                        model_version="bench-1",
                        state=Translation.State.DONE,
                        html=markdown.render(translated, breaks=True),
                        translated_at=created + timedelta(minutes=5),
                    )
                )
            if len(rows) >= 2000:
                Comment.objects.bulk_create(rows)
                rows = []
        Comment.objects.bulk_create(rows)
        Translation.objects.bulk_create(translations, batch_size=2000)
        for parent, n in replies.items():
            Comment.objects.filter(pk=parent).update(reply_count=n)
        for root, n in subtree.items():
            Comment.objects.filter(pk=root).update(subtree_count=n)
        for thread in threads:
            Thread.objects.filter(pk=thread.pk).update(
                comment_count=len(per_thread[thread.pk]), version=1
            )
    if connection.vendor == "postgresql":  # the ids were given: the sequence follows them
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
                cursor.execute(sql)
    sizes = sorted((len(v), pk) for pk, v in per_thread.items())
    return {
        "posts": POSTS,
        "documents": 2 * POSTS,
        "comments": comments,
        "translations": len(translations),
        "largest_thread": sizes[-1][0],
        "largest_thread_id": sizes[-1][1],
        "smallest_thread": sizes[0][0],
        "seconds": round(time.perf_counter() - started, 1),
        "now": timezone.now().isoformat(timespec="seconds"),
    }


# -- figure 2: the index's size --------------------------------------------------------------------


def index_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('search_entry'), "
                "pg_indexes_size('search_entry'), "
                "pg_total_relation_size('discussion_comment')"
            )
            total, indexes, comments = cursor.fetchone()
            cursor.execute(
                "SELECT COALESCE(SUM(pg_relation_size(indexrelid)), 0) FROM pg_index "
                "JOIN pg_class c ON c.oid = indexrelid "
                "WHERE indrelid = 'search_entry'::regclass AND c.relname LIKE '%%vector%%'"
            )
            gin = int(cursor.fetchone()[0])
            return {
                "method": "pg_total_relation_size",
                "search_bytes": total,
                "full_text_index_bytes": gin,
                "entries_table_bytes": total - indexes,
                "comments_table_bytes": comments,
                "share_of_comments": round(total / comments, 2),
            }
        cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        sizes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN ('search_entry', 'discussion_comment')"
        )
        owners = dict(cursor.fetchall())
    fts = sum(v for k, v in sizes.items() if k.startswith("search_fts"))
    entries = sum(
        v for k, v in sizes.items() if k == "search_entry" or owners.get(k) == "search_entry"
    )
    comments = sum(
        v
        for k, v in sizes.items()
        if k == "discussion_comment" or owners.get(k) == "discussion_comment"
    )
    return {
        "method": "dbstat",
        "search_bytes": fts + entries,
        "full_text_index_bytes": fts,
        "entries_table_bytes": entries,
        "comments_table_bytes": comments,
        "share_of_comments": round((fts + entries) / comments, 2),
    }


# -- figure 3: reindex -----------------------------------------------------------------------------


def reindex() -> dict:
    from django.core.management import call_command

    from parley.search.models import Entry

    out = io.StringIO()
    started = time.perf_counter()
    cpu = time.process_time()
    call_command("reindex", stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    entries = Entry.objects.count()
    comment_entries = Entry.objects.filter(source=Entry.Source.COMMENT).count()
    comments = Entry.objects.filter(source=Entry.Source.COMMENT, is_original=True).count()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "entries": entries,
        "comment_entries": comment_entries,
        "comments": comments,
        "entries_per_s": round(entries / seconds),
        "comments_per_s": round(comments / seconds),
        "said": out.getvalue().strip(),
    }


# -- figure 1: queries -----------------------------------------------------------------------------


def query_mix(per_kind: int) -> list[tuple[str, str, dict[str, str]]]:
    rng = random.Random(SEED + 1)
    mix = [
        (kind, *rng.choice(variants)) for kind, variants in KINDS.items() for _ in range(per_kind)
    ]
    rng.shuffle(mix)
    return mix


def like_scan(q: str, filters: dict[str, str]) -> int:
    """The comments a site without a full-text index finds: every word (or quoted phrase) as
    a case-insensitive substring of the body, the filters as plain conditions, newest 50."""
    import shlex

    from django.utils import timezone

    from parley.discussion.models import Comment
    from parley.search.searching import filters_from

    checked = filters_from(**filters)
    found = Comment.objects.filter(
        status=Comment.Status.PUBLISHED,
        thread__post__is_published=True,
        thread__post__published_at__lte=timezone.now(),
    )
    for term in shlex.split(q):
        found = found.filter(body__icontains=term)
    if filters.get("author"):
        found = found.filter(author_name__iexact=filters["author"])
    if checked.language:
        found = found.filter(language=checked.language)
    if checked.since:
        found = found.filter(created_at__gte=checked.since)
    if checked.until:
        found = found.filter(created_at__lt=checked.until)
    rows = found.order_by("-created_at").values_list(
        "pk", "body", "author_name", "created_at", "thread__post__slug"
    )[:50]
    return len(list(rows))


def measure_queries(per_kind: int, problems: list[str]) -> dict:
    from django.test import Client
    from django.urls import reverse

    from parley.search import searching

    mix = query_mix(per_kind)
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("search")
    found: dict[tuple[str, str], int] = {}
    like_found: dict[tuple[str, str], int] = {}
    links: list[str] = []

    def run_search(q: str, filters: dict[str, str]) -> int:
        results = searching.search(q, searching.filters_from(**filters))
        if len(links) < 6:
            links.extend(m.url for g in results.groups for m in g.matches if "/c/" in m.url)
        return results.count

    # Warm up: each variant once through each path (caches, templates, SQLite pages).
    for variants in KINDS.values():
        for q, filters in variants:
            run_search(q, filters)
            client.get(url, {"q": q, **filters})
            like_scan(q, filters)
    times: dict[str, dict[str, list[float]]] = {"search": {}, "page": {}, "like": {}}
    for kind, q, filters in mix:
        key = (q, json.dumps(filters, sort_keys=True))
        started = time.perf_counter()
        n = run_search(q, filters)
        times["search"].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        found[key] = n
        started = time.perf_counter()
        response = client.get(url, {"q": q, **filters})
        times["page"].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            problems.append(f"/search/?q={q} answered {response.status_code}")
        started = time.perf_counter()
        like_found[key] = like_scan(q, filters)
        times["like"].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    per_kind_out = {}
    for kind, variants in KINDS.items():
        keys = [(q, json.dumps(f, sort_keys=True)) for q, f in variants]
        index_n = [found[k] for k in keys if k in found]
        like_n = [like_found[k] for k in keys if k in like_found]
        per_kind_out[kind] = {
            "search_ms": ms_stats(times["search"].get(kind, [])),
            "page_ms": ms_stats(times["page"].get(kind, [])),
            "like_ms": ms_stats(times["like"].get(kind, [])),
            "found": round(statistics.mean(index_n), 1) if index_n else 0,
            "like_found": round(statistics.mean(like_n), 1) if like_n else 0,
        }
        if kind == "nothing found" and any(index_n):
            problems.append(f"the queries that should find nothing found {index_n}")
        if kind != "nothing found" and not any(index_n):
            problems.append(f"no {kind} query found anything")
    overall = {
        path: ms_stats([t for values in by_kind.values() for t in values])
        for path, by_kind in times.items()
    }
    # The results link to real comments: the permalink answers 302 to a page that answers 200.
    checked = []
    for link in links[:5]:
        first = client.get(link)
        second = client.get(first["Location"]) if first.status_code == 302 else first
        checked.append({"url": link, "status": first.status_code, "page": second.status_code})
        if first.status_code != 302 or second.status_code != 200:
            problems.append(f"{link} answered {first.status_code}, then {second.status_code}")
    if not checked:
        problems.append("no search result linked to a comment")
    return {"queries": len(mix), "kinds": per_kind_out, "overall": overall, "links": checked}


# -- figure 4: posting with indexing on and off ----------------------------------------------------


def measure_posting(slug: str, blocks: int, per_block: int, problems: list[str]) -> dict:
    from django.test import Client
    from django.urls import reverse

    from parley.discussion import changes
    from parley.discussion.models import Comment
    from parley.search import indexing
    from parley.search.models import Entry

    url = reverse("post-comment", args=[slug])
    bodies = iter(content.post_bodies(20 + 2 * blocks * per_block, 41))
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")

    def post() -> float:
        client.cookies.clear()  # each post a new guest's: no growing cookies
        started = time.perf_counter()
        response = client.post(url, {"name": "Bench Reader", "body": next(bodies)})
        took = time.perf_counter() - started
        if response.status_code != 302:
            problems.append(f"POST {url} answered {response.status_code}")
        return took

    for _ in range(20):  # warm-up, indexing on
        post()
    wall: dict[str, float] = {"on": 0.0, "off": 0.0}
    cpu: dict[str, float] = {"on": 0.0, "off": 0.0}
    each: dict[str, list[float]] = {"on": [], "off": []}
    first_id = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        for block in range(2 * blocks):
            mode = "on" if block % 2 == 0 else "off"
            if mode == "off":
                changes.unregister_recorder(indexing.record)
            else:
                changes.register_recorder(indexing.record)
            cpu_started = time.process_time()
            for _ in range(per_block):
                took = post()
                wall[mode] += took
                each[mode].append(took * 1000)
            cpu[mode] += time.process_time() - cpu_started
    finally:
        changes.register_recorder(indexing.record)
    posted = Comment.objects.filter(pk__gt=first_id)
    published = posted.filter(status=Comment.Status.PUBLISHED).count()
    indexed = Entry.objects.filter(
        source=Entry.Source.COMMENT, object_id__gt=first_id, is_original=True
    ).count()
    n = blocks * per_block
    rates = {mode: n / wall[mode] for mode in wall}
    cpu_rates = {mode: n / cpu[mode] for mode in cpu}
    return {
        "blocks_each": blocks,
        "posts_each": n,
        "published": published,
        "held": posted.count() - published,
        "indexed_while_on": indexed,
        "on_per_s": round(rates["on"], 1),
        "off_per_s": round(rates["off"], 1),
        "on_median_ms": round(statistics.median(each["on"]), 2),
        "off_median_ms": round(statistics.median(each["off"]), 2),
        "slower_with_index": round(1 - rates["on"] / rates["off"], 3),
        "on_cpu_per_s": round(cpu_rates["on"], 1),
        "off_cpu_per_s": round(cpu_rates["off"], 1),
        "slower_with_index_cpu": round(1 - cpu_rates["on"] / cpu_rates["off"], 3),
    }


# -- the report ------------------------------------------------------------------------------------


def report(figures: dict) -> None:
    site, q, size, rx, posting = (
        figures["site"],
        figures["queries"],
        figures["index_size"],
        figures["reindex"],
        figures["posting"],
    )
    print(
        f"Search on {figures['database']}: {site['comments']:,} comments under {site['posts']} "
        f"posts ({site['translations']:,} stored translations; largest thread "
        f"{site['largest_thread']:,}), load average {figures['load_before']} before, "
        f"{figures['load_after']} after"
    )
    print()
    print(f"1. Query times, ms ({q['queries']} queries of {len(KINDS)} kinds; found: mean results)")
    head = f"  {'kind':16} {'search() p50/p99':>17} {'page p50/p99':>15} {'LIKE p50/p99':>15}"
    print(head + f" {'found':>6} {'LIKE':>5}")
    rows = [*q["kinds"].items(), ("overall", {**q["overall"], "found": "", "like_found": ""})]
    for kind, row in rows:
        s = row.get("search_ms", row.get("search"))
        p = row.get("page_ms", row.get("page"))
        like = row.get("like_ms", row.get("like"))
        print(
            f"  {kind:16} {s['p50']:8.1f}/{s['p99']:<8.1f} {p['p50']:7.1f}/{p['p99']:<7.1f} "
            f"{like['p50']:7.1f}/{like['p99']:<7.1f} {row['found']!s:>6} {row['like_found']!s:>5}"
        )
    holds = figures["targets"]["search_p99_ms_at_most_30"]
    whose = "" if figures["database"] == "sqlite" else " (a target for SQLite)"
    print(
        f"  target search() p99 <= {P99_TARGET_MS:.0f} ms{whose}: {'holds' if holds else 'MISSED'}"
    )
    print()
    print(
        f"2. Index size: {size['search_bytes'] / 1e6:.1f} MB ({size['method']}: full-text index "
        f"{size['full_text_index_bytes'] / 1e6:.1f} MB, entries table "
        f"{size['entries_table_bytes'] / 1e6:.1f} MB), {size['share_of_comments']:.2f}x the "
        f"comments table ({size['comments_table_bytes'] / 1e6:.1f} MB)"
    )
    print(
        f"3. Reindex: {rx['entries']:,} entries ({rx['comments']:,} comments) in "
        f"{rx['seconds']:.1f} s: {rx['entries_per_s']:,} entries/s, "
        f"{rx['comments_per_s']:,} comments/s"
    )
    print(
        f"4. Posting through the form, {posting['posts_each']} posts each way in "
        f"{posting['blocks_each']} alternating blocks: {posting['on_per_s']}/s with indexing on, "
        f"{posting['off_per_s']}/s off ({100 * posting['slower_with_index']:.1f}% slower; by CPU "
        f"time {100 * posting['slower_with_index_cpu']:.1f}%); {posting['held']} held"
    )
    holds = figures["targets"]["posting_at_most_10pct_slower"]
    print(f"  target at most 10% slower: {'holds' if holds else 'MISSED'}")
    if figures["problems"]:
        print("Problems:", *figures["problems"], sep="\n  ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 comments, fewer queries")
    parser.add_argument("--comments", type=int, help="comments on the site (100,000)")
    parser.add_argument(
        "--database",
        action="store_true",
        help=f"run on the PostgreSQL server of DATABASE_URL (a fresh database {PG_DATABASE})",
    )
    add_wait_quiet(parser)
    args = parser.parse_args()
    count = args.comments or (5_000 if args.quick else 100_000)
    if count < 100:
        parser.error("--comments must be at least 100")
    vendor, folder = choose_database(args)
    os.environ["PARLEY_COMMENT_RATE"] = "off"
    import django

    django.setup()
    from django.core.management import call_command

    pinned = pin()
    problems: list[str] = []
    figures: dict = {"bench": "search", "database": vendor, "quick": args.quick}
    try:
        if args.wait_quiet:
            figures["busy_before_start_pct"] = wait_for_quiet(args.wait_quiet)
        figures["load_before"] = round(os.getloadavg()[0], 1)
        figures["started_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
        call_command("migrate", verbosity=0)
        figures["site"] = site = seed(count)
        figures["reindex"] = reindex()
        figures["index_size"] = index_size()
        figures["queries"] = measure_queries(3 if args.quick else 30, problems)
        blocks, per_block = (2, 10) if args.quick else (40, 10)
        from parley.discussion.models import Thread

        slug = Thread.objects.get(pk=site["largest_thread_id"]).post.slug
        figures["posting"] = measure_posting(slug, blocks, per_block, problems)
        figures["load_after"] = round(os.getloadavg()[0], 1)
        figures["pinned"] = pinned
        figures["targets"] = {
            "search_p99_ms_at_most_30": figures["queries"]["overall"]["search"]["p99"]
            <= P99_TARGET_MS,
            "posting_at_most_10pct_slower": figures["posting"]["slower_with_index"]
            <= POSTING_TARGET,
        }
        figures["problems"] = problems
        report(figures)
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    finally:
        drop_database(vendor)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
