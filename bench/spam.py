"""Spam benchmark: how well the inline spam signal holds link spam from first-time guests.

    .venv/bin/python bench/spam.py              # every figure, then one JSON line
    .venv/bin/python bench/spam.py --json-only  # print only the JSON line

The set is bench/data/spam.jsonl: spam and hard-negative civil comments with links, phone
numbers and sales words, in English, Portuguese, Serbian/Croatian/Bosnian (Latin, mostly
without diacritics), Russian, German and Spanish, written for this benchmark apart from the
signal's phrase lists (parley/moderation/signals/spam/), with invented domains under
example.* and phone numbers from fictional ranges. It is never used by the signal or its tests.

Each comment is rendered from Markdown as the site renders it and scored by the spam signal
as a first-time guest's (a fresh temporary SQLite database, migrated first, so no commenter
has a history): held or not.

- precision: of the held comments, the share that are spam;
- recall: of the spam comments, the share held;
per language and overall; every mistake is listed. The signal's time per comment (median
and 90th percentile, one process pinned to one core) is measured on the same set, with the
database queries (first-time check, earlier holds) and without (the evidence alone).

Where the public moderation evaluation sets are present (../shared/data/moderation-eval/,
or PARLEY_MODERATION_EVAL), the share of their comments (none of them link spam; links
replaced by https://example.org/link) held by the signal is reported too: only counts, never
their text. The last line printed is one JSON object with every figure (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import onecore  # noqa: E402
from bench.common.env import django_on_sqlite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "spam.jsonl"
PACKAGES = ("Django", "markdown-it-py")
REPEAT = 20  # timing: the set this many times
QUICK_REPEAT = 2  # with --quick

QUIET = False


def say(line: str = "") -> None:
    if not QUIET:
        print(line, flush=True)


def eval_dir() -> Path | None:
    candidates = [os.environ.get("PARLEY_MODERATION_EVAL", "")]
    candidates += [str(parent / "shared" / "data" / "moderation-eval") for parent in ROOT.parents]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def run(database: Path, *, quick: bool = False) -> int:
    cpu, clock, info = onecore.start(PACKAGES)
    django_on_sqlite(database)
    from django.utils import timezone

    from parley.discussion.models import Comment
    from parley.lib import markdown
    from parley.moderation.screening import subject_of
    from parley.moderation.signals.base import Settings, Subject
    from parley.moderation.signals.spam import SpamSignal, evidence

    signal = SpamSignal()
    settings = Settings()

    def subject(n: int, row: dict) -> Subject:
        comment = Comment(
            pk=None,
            thread_id=1,
            author_name=f"Guest {n}",
            author_email=row.get("email", ""),
            author_website=row.get("website", ""),
            ip_address=f"198.51.100.{n % 250 + 1}",
            body=row["body"],
            body_html=markdown.render(row["body"]),
            language=row.get("lang", ""),
            created_at=timezone.now(),
        )
        return subject_of(comment, "guest")

    def held(item: Subject) -> tuple[bool, list[str]]:
        """Whether the signal holds it, and its evidence with the score in front."""
        results = signal.score(item, settings)
        score, why, _reachable = evidence(item)
        return any(r.hold for r in results), [f"{score:.1f}", *why]

    say(f"Spam benchmark, {info['started']}")
    say(f"CPU: {info['cpu']}, {info['cores']} cores; {info['pinning']}")
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    subjects = [subject(n, row) for n, row in enumerate(rows)]
    by_language: dict[str, dict[str, int]] = {}
    by_part: dict[str, dict[str, int]] = {}
    mistakes = []
    for row, item in zip(rows, subjects, strict=True):
        is_spam = row["label"] == "spam"
        was_held, why = held(item)
        for key, table in ((row["lang"], by_language), (f"part {row['part']}", by_part)):
            counts = table.setdefault(key, {"comments": 0, "spam": 0, "held": 0, "tp": 0})
            counts["comments"] += 1
            counts["spam"] += is_spam
            counts["held"] += was_held
            counts["tp"] += is_spam and was_held
        if is_spam != was_held:
            kind = "missed spam" if is_spam else "held civil"
            mistakes.append({"kind": kind, "lang": row["lang"], "body": row["body"], "why": why})

    def figures(counts: dict[str, int]) -> dict:
        return {
            **counts,
            "precision": ratio(counts["tp"], counts["held"]),
            "recall": ratio(counts["tp"], counts["spam"]),
        }

    total = {
        key: sum(c[key] for c in by_language.values()) for key in ("comments", "spam", "held", "tp")
    }
    metrics = {lang: figures(counts) for lang, counts in sorted(by_language.items())}
    metrics |= {part: figures(counts) for part, counts in sorted(by_part.items())}
    metrics["all"] = figures(total)
    say()
    say("| language | comments | spam | held | precision | recall |")
    say("|---|---:|---:|---:|---:|---:|")
    for lang, m in metrics.items():
        say(
            f"| {lang} | {m['comments']} | {m['spam']} | {m['held']} | {m['precision']} | "
            f"{m['recall']} |"
        )
    say()
    for mistake in mistakes:
        body = json.dumps(mistake["body"], ensure_ascii=False)
        say(f"{mistake['kind']} ({mistake['lang']}): {body}")
        say(f"    evidence {'; '.join(mistake['why'])}")

    # Time per comment, the set again and again.
    before = clock.sample()
    times, content = [], []
    for _ in range(QUICK_REPEAT if quick else REPEAT):
        for item in subjects:
            started = time.perf_counter()
            evidence(item)
            middle = time.perf_counter()
            signal.score(item, settings)
            content.append((middle - started) * 1000)
            times.append((time.perf_counter() - middle) * 1000)
    after = clock.sample()
    times.sort()
    content.sort()
    speed = {
        "evidence_median_ms": round(statistics.median(content), 4),
        "evidence_p90_ms": round(content[int(len(content) * 0.9)], 4),
        "calls": len(times),
        "median_ms": round(statistics.median(times), 4),
        "p90_ms": round(times[int(len(times) * 0.9)], 4),
        "max_ms": round(times[-1], 4),
        "others_pct": clock.foreign_pct(before, after),
    }
    say()
    say(
        f"Evidence alone (no database): median {speed['evidence_median_ms']} ms, "
        f"90th percentile {speed['evidence_p90_ms']} ms"
    )
    say(
        f"Time per comment: median {speed['median_ms']} ms, 90th percentile {speed['p90_ms']} ms, "
        f"max {speed['max_ms']} ms ({speed['calls']} calls); other processes used "
        f"{speed['others_pct']}% of the core meanwhile"
    )

    public = None
    if (folder := eval_dir()) is not None:
        public = {}
        for path in sorted(folder.glob("*.jsonl")):
            items = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            count = sum(
                held(subject(n, {"body": item["text"], "lang": item.get("lang", "")}))[0]
                for n, item in enumerate(items)
            )
            public[path.stem] = {
                "comments": len(items),
                "held": count,
                "share": ratio(count, len(items)),
            }
            say(f"Public set {path.name}: {count} of {len(items)} held")
    elif os.environ.get("CI", "").lower() == "true":
        raise SystemExit(
            "The public moderation evaluation sets are missing (../shared/data/moderation-eval/ "
            "beside the repository, or PARLEY_MODERATION_EVAL): CI must measure them."
        )
    else:
        say("Public evaluation sets not found: skipped.")

    summary = {
        "benchmark": "spam",
        "set": str(DATA.relative_to(ROOT)),
        "evaluation": metrics,
        "mistakes": mistakes,
        "speed": speed,
        "public_sets_held": public,
        "setup": {k: v for k, v in info.items() if k != "started"},
        "started": info["started"],
    }
    print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")), flush=True)
    return 0


def main() -> int:
    global QUIET
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    parser.add_argument(
        "--quick", action="store_true", help=f"time the set {QUICK_REPEAT} times, not {REPEAT}"
    )
    args = parser.parse_args()
    QUIET = args.json_only
    with tempfile.TemporaryDirectory(prefix="parley-bench-spam-") as folder:
        return run(Path(folder) / "bench.sqlite3", quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())
