"""How much the moderation that runs while a comment is posted slows posting.

Posts the same comments through `discussion.actions.post_comment` on a fresh SQLite database
(in a temporary folder) with the moderation signals off, then on (rules, near-duplicates and
spam; the classifier runs after commit, in the background worker, and is not part of posting),
alternating in rounds, one process pinned to one core, and prints the median time per
comment of each and the difference. The fingerprint table is filled with 5,000 earlier
comments first, so the near-duplicate scan reads as many rows as it ever does. The last line
printed is one JSON object with every figure.

    .venv/bin/python bench/moderation_posting.py [--comments 200] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="parley-bench-posting-")
os.environ["PARLEY_DATA_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["PARLEY_COMMENT_RATE"] = "off"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

WORDS = (
    "dam river flow treaty letter minister commission filling summer August Kastrel Velmora "
    "notice article annex schedule minutes press release briefing farmers wells drought"
).split()


def text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60))).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200, help="comments per setting")
    parser.add_argument("--quick", action="store_true", help="40 comments per setting")
    args = parser.parse_args()
    if args.quick:
        args.comments = 40
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    call_command("migrate", verbosity=0)
    from parley.accounts.models import User
    from parley.discussion.actions import Commenter, post_comment
    from parley.moderation.models import Fingerprint
    from parley.publishing.actions import create_post

    editor = User.objects.create_user("editor", "e@example.org", "x-pass-1234")
    thread = create_post(slug="bench", title="Bench", author=editor).thread
    rng = random.Random(7)
    Fingerprint.objects.bulk_create(
        Fingerprint(
            comment_id=10_000_000 + n,
            thread_id=thread.pk,
            author_key=f"ip:198.51.100.{n % 250}",
            simhash=rng.getrandbits(64) - 2**63,
            length=200,
        )
        for n in range(5000)
    )
    timings: dict[str, list[float]] = {"off": [], "on": []}
    signals = {"off": [], "on": ["rules", "duplicates", "spam"]}
    for round_no in range(args.comments // 20):
        for setting in ("off", "on") if round_no % 2 == 0 else ("on", "off"):
            with override_settings(PARLEY_MODERATION_SIGNALS=signals[setting]):
                for _ in range(20):
                    body = text(rng)
                    who = Commenter(name="Bench", ip=f"203.0.113.{rng.randint(1, 250)}")
                    started = time.perf_counter()
                    post_comment(thread, commenter=who, body=body)
                    timings[setting].append((time.perf_counter() - started) * 1000)
    off, on = statistics.median(timings["off"]), statistics.median(timings["on"])
    print(f"Posting one comment, median of {len(timings['off'])} each, one core:")
    print(f"  moderation signals off: {off:.2f} ms")
    print(f"  rules + near-duplicates (5,000 fingerprints) + spam: {on:.2f} ms")
    print(f"  moderation adds {on - off:.2f} ms at the median (target: under 50 ms)")
    print(
        json.dumps(
            {
                "bench": "moderation_posting",
                "comments_each": len(timings["off"]),
                "median_ms_off": round(off, 3),
                "median_ms_on": round(on, 3),
                "added_ms": round(on - off, 3),
                "p90_ms_on": round(statistics.quantiles(timings["on"], n=10)[-1], 3),
                "target_met": on - off < 50,
            }
        )
    )


if __name__ == "__main__":
    main()
