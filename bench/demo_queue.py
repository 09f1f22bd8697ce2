"""The demo thread's moderation queue: how much of it waits for a moderator, and why.

    .venv/bin/python bench/demo_queue.py              # the full report
    .venv/bin/python bench/demo_queue.py --json-only  # print only the JSON line
    .venv/bin/python bench/demo_queue.py --quick      # the same: the demo thread is small

Django runs on a temporary SQLite database and data directory (DATABASE_URL,
PARLEY_DATA_DIR), migrated first and removed at the end. parley.demo.review.screen_demo()
trains the shipped classifier (`parley train_moderation`), loads the demo (`parley
load_demo`: rules and near-duplicates run while each comment is posted) and runs the
background scoring of every comment to completion, in posting order, as the worker would.
Each comment is then compared with what a careful moderator would do with it (the
"moderation" field of parley/demo/data/discussion.json).

It prints:
 1. the share of comments waiting for review (held, or published and to review or flagged),
    against the target (at most 15 %);
 2. every comment a moderator would remove that is not waiting (nor held or rejected);
 3. every comment a moderator would keep that waits, with its reasons, grouped by the
    signal that queued it (words, links, repeated characters, shouting, duplicates,
    translations, classifier, flags, policy); a comment queued by two signals is listed
    under each;
 4. one JSON object with every figure, last (docs/benchmarks.md reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# Before the embedding engine is imported: its native code reads it when it loads. One
# thread is also the fastest on a shared machine (several threads contend for the cores).
os.environ["OMP_NUM_THREADS"] = "1"

ROOT = Path(__file__).resolve().parent.parent
QUIET = False


def say(text: str = "") -> None:
    if not QUIET:
        print(text, flush=True)


def run(folder: Path) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PARLEY_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from parley.demo import review

    started = time.perf_counter()
    outcomes = review.screen_demo()
    seconds = time.perf_counter() - started
    stored = [o for o in outcomes if o.comment_id is not None]
    waiting = [o for o in stored if o.waiting]
    share = len(waiting) / len(stored)
    texts = {
        row["key"]: row["body"]
        for row in json.loads((review.DATA / "discussion.json").read_text(encoding="utf-8"))
    }

    def line(o) -> str:
        text = " ".join(texts[o.key].split())
        return f"  {o.key:>5} #{o.comment_id} [{o.status}] {text[:90]}"

    say(
        f"Demo thread: {len(outcomes)} comments in discussion.json, {len(stored)} stored; "
        f"screened in {seconds:.1f} s"
    )
    say(
        f"Waiting for review: {len(waiting)} of {len(stored)} = {100 * share:.1f} % "
        f"(target: at most {100 * review.QUEUE_TARGET:.0f} %): "
        f"{'met' if share <= review.QUEUE_TARGET else 'NOT met'}"
    )
    removals = [o for o in outcomes if o.remove]
    missed = [o for o in removals if not o.caught]
    say()
    say(f"A moderator would remove {len(removals)}; not waiting: {len(missed)}")
    for o in removals:
        mark = "caught" if o.caught else "MISSED"
        say(f"  {mark:6} {o.key:>5} {o.remove:9} {o.summary or '-'}")
        say(f"         {o.note}")
    kept = [o for o in waiting if not o.remove]
    by_signal: dict[str, list] = {name: [] for name in review.SIGNALS}
    for o in kept:
        for name in o.signals or ["unknown"]:
            by_signal.setdefault(name, []).append(o)
    say()
    say(f"Kept by a moderator but waiting: {len(kept)}")
    for name, items in by_signal.items():
        if not items:
            continue
        say(f" {name}: {len(items)}")
        for o in items:
            say(line(o))
            say(f"         {o.summary}")
    # What is left for the model: the lowest classifier score among the comments a moderator
    # would remove for what they say (not the double post, which the duplicates signal holds),
    # and how many comments a moderator would keep score as high or higher.
    said = [o.needs_review for o in removals if o.remove != "duplicate" and o.needs_review]
    floor = min(said) if said else None
    above = [
        o for o in stored if not o.remove and floor is not None and (o.needs_review or 0) >= floor
    ]
    say()
    if floor is not None:
        say(
            f"Lowest classifier score of a comment a moderator would remove: {floor:.2f}; "
            f"comments a moderator would keep scoring that or more: {len(above)} "
            f"({100 * (len(above) + len(removals)) / len(stored):.1f} % of the thread "
            "would wait with a review score there)"
        )
    alone = Counter(o.signals[0] for o in kept if len(o.signals) == 1)
    return {
        "comments": len(outcomes),
        "stored": len(stored),
        "waiting": len(waiting),
        "waiting_pct": round(100 * share, 1),
        "target_pct": round(100 * review.QUEUE_TARGET, 1),
        "target_met": share <= review.QUEUE_TARGET,
        "would_remove": len(removals),
        "would_remove_missed": [o.key for o in missed],
        "keep_waiting": len(kept),
        "keep_waiting_by_signal": {k: len(v) for k, v in by_signal.items() if v},
        "keep_waiting_by_that_signal_alone": dict(alone),
        "keep_waiting_keys": {k: [o.key for o in v] for k, v in by_signal.items() if v},
        "lowest_removal_score": floor,
        "keep_at_or_above_it": len(above),
        "seconds": round(seconds, 1),
    }


def main() -> int:
    global QUIET
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the same run (the demo thread is small; accepted so every bench has a quick mode)",
    )
    args = parser.parse_args()
    QUIET = args.json_only
    with tempfile.TemporaryDirectory(prefix="parley-bench-demo-queue-") as folder:
        figures = run(Path(folder))
    say()
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
