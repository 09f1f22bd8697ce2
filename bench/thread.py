"""Thread benchmark: Parley against Isso 0.14 on the same threads, over real HTTP.

    .venv/bin/python bench/thread.py            # full run: threads of 100, 1,000, 10,000 comments
    .venv/bin/python bench/thread.py --quick    # smoke run: 100 and 1,000, shorter measurements
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
import contextlib
import datetime as dt
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
ISSO_VENV = ROOT / ".bench" / "isso-venv"
# The Python Isso's environment is made with: ISSO_PYTHON, else pyenv's 3.11 where present
# (the version Isso 0.14 was released for), else the one running the bench.
ISSO_BASE_PYTHON = os.environ.get("ISSO_PYTHON") or next(
    (str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.11*/bin/python"))), sys.executable
)
PARLEY_BIN = ROOT / ".venv" / "bin"
SEED = 20240201
HOST = "127.0.0.1"
JSON_LIMIT = 1000
ISSO_NESTED_LIMIT = 5  # the embed's default max-comments-nested
TARGETS = {
    "json1000_uncached_median_ms": 30.0,  # at most
    "json1000_cached_rps8": 2000.0,  # at least
    "html_10000_median_ms": 50.0,  # at most
    "post_1client_per_s": 500.0,  # at least
}

# --------------------------------------------------------------------------------------------
# Content: deterministic threads (seeded random).
# --------------------------------------------------------------------------------------------

SENTENCES = {
    "en": [
        "The letter is dated the 1st of February, but the press release quotes it a day earlier.",
        "Read the transcript again: the minister never said the talks were over, only paused.",
        "I do not see how anyone can read the third paragraph as a commitment to anything.",
        "This is exactly the wording lawyers write when they want to keep every option open.",
        "Can someone post the original PDF? The version on the ministry's site was edited.",
        "You are confusing the statement of the 2nd with the interview from the week before.",
        "Honestly, the timeline in the introduction is the most useful thing on this page.",
        "The question about sanctions was asked twice and answered zero times.",
        "My reading is simpler: they needed a headline for the evening news and got one.",
        "If the dates are right, the letter was sent before the meeting it claims to summarise.",
        "Nobody here has explained why the second document has no signature at all.",
        "Translation matters here; the original verb is much softer than 'demand'.",
        "I have followed this story for years and this is the first time the numbers add up.",
        "That is a fair point, although it ignores what the spokesman said at 8:15 that morning.",
    ],
    "pt": [
        "A carta tem data de 1 de fevereiro, mas o comunicado cita-a um dia antes.",
        "Leiam a transcrição outra vez: ninguém disse que as negociações tinham acabado.",
        "Não percebo como alguém lê o terceiro parágrafo como um compromisso.",
        "É exatamente o tipo de linguagem que os advogados usam para não se comprometerem.",
        "Alguém tem o PDF original? A versão no site do ministério foi alterada.",
        "Você está a confundir a declaração do dia 2 com a entrevista da semana anterior.",
        "A cronologia da introdução é, sinceramente, a parte mais útil desta página.",
        "A pergunta sobre as sanções foi feita duas vezes e nunca teve resposta.",
        "Se as datas estão certas, a carta foi enviada antes da reunião que resume.",
        "Concordo em parte, mas isso ignora o que o porta-voz disse naquela manhã.",
        "A tradução faz diferença: o verbo original é bem mais brando do que 'exigir'.",
    ],
    "sr": [
        "Pismo je datirano 1. februara, ali ga saopstenje citira dan ranije.",
        "Procitajte ponovo transkript: ministar nije rekao da su pregovori zavrseni.",
        "Ne vidim kako iko moze treci pasus da shvati kao obavezu bilo cega.",
        "To je bas onaj jezik koji advokati pisu kad zele da sve ostave otvoreno.",
        "Moze li neko da postavi originalni PDF? Verzija na sajtu ministarstva je izmenjena.",
        "Mesas izjavu od 2. februara sa intervjuom od prethodne nedelje.",
        "Iskreno, hronologija u uvodu je najkorisniji deo ove stranice.",
        "Pitanje o sankcijama postavljeno je dva puta i nijednom nije odgovoreno.",
        "Ako su datumi tacni, pismo je poslato pre sastanka koji navodno sazima.",
        "Prevod je ovde bitan; originalni glagol je mnogo blazi od 'zahtevati'.",
        "Niko ovde nije objasnio zašto drugi dokument uopšte nema potpis.",
    ],
    "ru": [
        "Письмо датировано первым февраля, но в пресс-релизе его цитируют на день раньше.",
        "Перечитайте стенограмму: министр не говорил, что переговоры закончены.",
        "Не понимаю, как третий абзац можно прочитать как какое-то обязательство.",
        "Это именно тот язык, которым юристы пишут, когда хотят оставить все варианты.",
        "Может кто-нибудь выложить оригинал PDF? Версию на сайте министерства поправили.",
        "Вы путаете заявление от второго числа с интервью неделей раньше.",
        "Хронология во введении, честно говоря, самое полезное на этой странице.",
        "Вопрос о санкциях задали дважды и ни разу на него не ответили.",
        "Если даты верны, письмо отправили до встречи, которую оно якобы подытоживает.",
        "Перевод здесь важен: исходный глагол гораздо мягче, чем «требовать».",
    ],
    "de": [
        "Der Brief ist vom 1. Februar, die Pressemitteilung zitiert ihn aber einen Tag früher.",
        "Lesen Sie das Protokoll noch einmal: Von einem Abbruch der Gespräche war nie die Rede.",
        "Ich verstehe nicht, wie man den dritten Absatz als Zusage lesen kann.",
        "Genau so formulieren Juristen, wenn sie sich alle Optionen offenhalten wollen.",
        "Hat jemand das Original-PDF? Die Fassung auf der Seite des Ministeriums wurde geändert.",
        "Sie verwechseln die Erklärung vom 2. mit dem Interview der Vorwoche.",
        "Die Chronologie in der Einleitung ist ehrlich gesagt das Nützlichste auf dieser Seite.",
        "Die Frage nach den Sanktionen wurde zweimal gestellt und keinmal beantwortet.",
        "Wenn die Daten stimmen, wurde der Brief vor dem Treffen verschickt, das er zusammenfasst.",
        "Die Übersetzung ist hier wichtig: Das Verb im Original ist viel weicher als „fordern“.",
    ],
}
LANG_WEIGHTS = {"en": 40, "pt": 15, "sr": 15, "ru": 15, "de": 15}
LINKS = [
    "https://example.org/files/letter-2022-02-01.pdf",
    "https://example.org/files/press-release-2022-02-02.pdf",
    "https://video.example.net/watch?v=Q4x8pT2",
    "https://news.example.com/2022/02/02/statement-full-text/",
    "https://archive.example.org/web/20220203/ministry.example.gov/transcript",
]
NAMES = [
    "John Carter",
    "Ana Souza",
    "Miloš Petrović",
    "Дмитрий Волков",
    "Jürgen Weber",
    "Emily Hart",
    "João Pereira",
    "Jelena Jovanovic",
    "Наталья Иванова",
    "Katrin Müller",
    "Marko",
    "Olga",
    "Pedro Alves",
    "Vuk Stankovic",
    "Lena Fischer",
    "Tom O'Neill",
    "Rafaela Lima",
    "Sergei K.",
    "Aleksandar Nikolić",
    "Grace Okafor",
    "Beatriz Costa",
    "Stefan Braun",
    "Ivana",
    "Mike R.",
    "Светлана",
    "Nenad Djordjevic",
    "Helga Schmidt",
    "Carlos Mendes",
    "Dragan",
    "Sarah Klein",
    "Андрей",
    "Luísa Rocha",
    "Paul W.",
    "Milica Ilic",
    "Friedrich",
    "Zoran Lukić",
    "Maria Helena",
    "Kevin",
    "Anja Horvat",
    "Old Reader",
]


def _author_table(rng: random.Random) -> list[dict]:
    authors = []
    for k, name in enumerate(NAMES):
        slug = re.sub(r"[^a-z]+", ".", name.lower()).strip(".") or f"reader{k}"
        authors.append(
            {
                "name": name,
                "email": f"{slug}{k}@example.org" if rng.random() < 0.4 else "",
                "website": (
                    f"https://{slug.replace('.', '')}{k}.example.net" if rng.random() < 0.15 else ""
                ),
                "ip": f"10.0.{k // 200}.{k % 200 + 1}",
            }
        )
    return authors


def make_body(rng: random.Random, *, mention: str | None = None) -> str:
    lang = rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
    target = rng.randint(100, 800)
    paragraphs: list[str] = []
    current: list[str] = []
    length = 0
    if mention:
        current.append(f"@{mention}")
        length += len(mention) + 2
    per_paragraph = rng.randint(2, 4)
    while length < target:
        sentence = rng.choice(SENTENCES[lang])
        if rng.random() < 0.06:
            sentence = f"*{sentence}*"
        current.append(sentence)
        length += len(sentence) + 1
        if len(current) >= per_paragraph:
            paragraphs.append(" ".join(current))
            current, per_paragraph = [], rng.randint(2, 4)
            length += 1
    if current:
        paragraphs.append(" ".join(current))
    roll = rng.random()
    if roll < 0.06:
        paragraphs.append(f"Source: {rng.choice(LINKS)}")
    elif roll < 0.10:
        paragraphs.append(f"See [the original]({rng.choice(LINKS)}).")
    body = "\n\n".join(paragraphs)
    while len(body) > 800:  # drop whole sentences from the end, then words
        cut = max(body.rfind(". ", 0, 800), body.rfind("\n\n", 0, 800))
        body = body[: cut + 1] if cut >= 100 else body[:799].rsplit(" ", 1)[0]
    return body.strip()


def make_thread(size: int) -> dict:
    """`size` comments: ~30% top-level, replies up to 8 levels deep, oldest first."""
    rng = random.Random(SEED + size)
    authors = _author_table(random.Random(SEED))
    weights = [1 / (k + 1) ** 0.8 for k in range(len(authors))]
    created = dt.datetime(2022, 2, 1, 8, 0, tzinfo=dt.UTC).timestamp()
    comments: list[dict] = []
    for i in range(size):
        created += rng.randint(5, 240 if size >= 1000 else 900)
        author = authors[rng.choices(range(len(authors)), weights=weights)[0]]
        parent = None
        if i > 0 and rng.random() >= 0.30:
            pool = range(max(0, i - 40), i) if rng.random() < 0.7 else range(i)
            parent = rng.choice(pool)
            while comments[parent]["depth"] >= 7:  # deepest level is depth 7 (8 levels)
                parent = comments[parent]["parent"]
        mention = None
        if parent is not None and rng.random() < 0.12:
            mention = comments[parent]["name"]
        elif i > 5 and rng.random() < 0.03:
            mention = comments[rng.randrange(i)]["name"]
        comments.append(
            {
                "parent": parent,
                "root": i if parent is None else comments[parent]["root"],
                "depth": 0 if parent is None else comments[parent]["depth"] + 1,
                "name": author["name"],
                "email": author["email"],
                "website": author["website"],
                "ip": author["ip"],
                "created": float(created),
                "body": make_body(rng, mention=mention),
            }
        )
    slug = f"bench-thread-{size}"
    return {
        "size": size,
        "slug": slug,
        "uri": f"/posts/{slug}/",
        "title": f"Bench dossier with {size:,} comments",
        "introduction": "A letter, a press release and a transcript, and the argument under them.",
        "comments": comments,
    }


def isso_json_limit(thread: dict, limit: int = JSON_LIMIT) -> int | None:
    """Isso's `limit` for an answer of at most `limit` comments (None: the whole thread fits).

    Isso 0.14's GET /?uri=...&limit=K answers the first K top-level comments and, without
    nested_limit, at most K replies under each (the same limit is reused for the replies).
    """
    if len(thread["comments"]) <= limit:
        return None
    replies: dict[int, int] = {}
    for c in thread["comments"]:
        replies[c["root"]] = replies.get(c["root"], 0) + (c["parent"] is not None)
    roots = sorted(replies)  # in creation order

    def answered(k: int) -> int:
        return k + sum(min(replies[r], k) for r in roots[:k])

    best = 1
    for k in range(1, len(roots) + 1):
        if answered(k) > limit:
            break
        best = k
    return best


def post_bodies(count: int, salt: int) -> list[str]:
    rng = random.Random(SEED * 7 + salt)
    return [make_body(rng) for _ in range(count)]


# --------------------------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------------------------


class BenchHTTPError(Exception):
    """A server answered something other than what the benchmark expects."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def excerpt(body: bytes, n: int = 300) -> str:
    return body[:n].decode("utf-8", "replace").replace("\n", " ")


def fetch(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 120,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def expect(port: int, method: str, path: str, status: int = 200, **kw) -> bytes:
    got, body = fetch(port, method, path, **kw)
    if got != status:
        raise BenchHTTPError(f"{method} {path} -> {got} (expected {status}): {excerpt(body)}")
    return body


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def latency(
    port: int, path: str, *, max_n: int, max_s: float, min_n: int, headers: dict | None = None
) -> dict:
    """Sequential GETs over one keep-alive connection (reopened if the server closes it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=180)
    samples: list[float] = []
    size = 0
    started = time.perf_counter()
    try:
        while len(samples) < max_n and (
            len(samples) < min_n or time.perf_counter() - started < max_s
        ):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            samples.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise BenchHTTPError(f"GET {path} -> {resp.status}: {excerpt(body)}")
            size = len(body)
    finally:
        conn.close()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(pct(samples, 0.95), 2),
        "min_ms": round(min(samples), 2),
        "n": len(samples),
        "bytes": size,
    }


# --------------------------------------------------------------------------------------------
# Load: wrk, or a Python multi-process keep-alive client; posting clients.
# --------------------------------------------------------------------------------------------


def _load_worker(
    queue,
    port: int,
    method: str,
    paths: list[str],
    bodies: list[bytes] | None,
    headers: dict,
    accept: tuple[int, ...],
    start_at: float,
    duration: float,
    count: int | None = None,
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    ok = bad = i = 0
    first_bad = None
    lat: list[float] = []
    while time.monotonic() < start_at:
        time.sleep(0.001)
    end = start_at + duration
    while time.monotonic() < end and (count is None or i < count):
        body = bodies[i % len(bodies)] if bodies else None
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            bad += 1
            first_bad = first_bad or f"{method} {path} -> {type(exc).__name__}: {exc}"
            conn.close()
            continue
        lat.append((time.perf_counter() - t0) * 1000)
        if resp.status in accept:
            ok += 1
        else:
            bad += 1
            if first_bad is None:
                first_bad = f"{method} {path} -> {resp.status}: {excerpt(data)}"
    conn.close()
    queue.put(
        {"ok": ok, "bad": bad, "first_bad": first_bad, "finished": time.monotonic(), "lat": lat}
    )


def warm_posts(port: int, path: str, bodies: list[bytes], headers: dict, n: int = 4) -> None:
    """A few posts on fresh connections first: a worker's first POST loads what it needs."""
    for body in bodies[:n]:
        expect(port, "POST", path, status=201, body=body, headers=headers)


def run_clients(
    port: int,
    clients: int,
    duration: float,
    *,
    method: str = "GET",
    paths: list[str],
    bodies: list[list[bytes]] | None = None,
    headers: dict | None = None,
    accept: tuple[int, ...] = (200,),
    count: int | None = None,
) -> dict:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.3
    procs = [
        ctx.Process(
            target=_load_worker,
            args=(
                queue,
                port,
                method,
                paths,
                bodies[k] if bodies else None,
                headers or {},
                accept,
                start_at,
                duration,
                count,
            ),
        )
        for k in range(clients)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=duration + 300) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    ok = sum(r["ok"] for r in results)
    bad = sum(r["bad"] for r in results)
    span = max(r["finished"] for r in results) - start_at
    lat = [x for r in results for x in r["lat"]]
    first_bad = next((r["first_bad"] for r in results if r["first_bad"]), None)
    return {
        "per_s": round(ok / span, 2),
        "ok": ok,
        "bad": bad,
        "seconds": round(span, 2),
        "median_ms": round(statistics.median(lat), 2) if lat else None,
        "first_bad": first_bad,
        "tool": "python",
    }


def _wrk_number(text: str, pattern: str) -> float | None:
    match = re.search(pattern, text)
    return float(match.group(1)) if match else None


BURST_OVER_S = 20.0  # longer than this for a few rounds of 8 requests: measure one round instead


def rps8(port: int, path: str, duration: float, median_ms: float | None = None) -> dict:
    """Requests/s from 8 concurrent keep-alive clients for `duration` seconds.

    Where one request takes so long that a few rounds of 8 would not fit in BURST_OVER_S,
    8 clients send one request each at the same moment instead: 8 / time until all are answered.
    """
    if median_ms is not None and 12 * median_ms / 1000 > BURST_OVER_S:
        out = run_clients(port, 8, 600, paths=[path], count=1)
        out["rps"] = round(out.pop("ok") / out["seconds"], 2)
        out["tool"] = "8 concurrent requests, one each (python)"
        return out
    duration = max(duration, min(BURST_OVER_S, 12 * (median_ms or 0) / 1000))
    wrk = shutil.which("wrk")
    if wrk is None:
        out = run_clients(port, 8, duration, paths=[path])
        out["rps"] = out.pop("per_s")
        return out
    proc = subprocess.run(
        [
            wrk,
            "-t2",
            "-c8",
            f"-d{int(math.ceil(duration))}s",
            "--timeout",
            "60s",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    text = proc.stdout + proc.stderr
    rps = _wrk_number(text, r"Requests/sec:\s*([\d.]+)")
    total = _wrk_number(text, r"(\d+) requests in")
    non2xx = int(_wrk_number(text, r"Non-2xx or 3xx responses:\s*(\d+)") or 0)
    errors = re.search(r"Socket errors:.*", text)
    if rps is None:
        raise BenchHTTPError(f"wrk failed on GET {path}: {text.strip()[:300]}")
    return {
        "rps": round(rps, 1),
        "requests": int(total or 0),
        "non_2xx": non2xx,
        "socket_errors": errors.group(0) if errors else None,
        "tool": "wrk -t2 -c8",
    }


# --------------------------------------------------------------------------------------------
# Memory and CPU sampling (a separate process, so it never holds the measuring loop's GIL).
# --------------------------------------------------------------------------------------------

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    return out


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _jiffies(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    except (OSError, IndexError, ValueError):
        return 0


def _machine_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        values = [int(x) for x in fh.readline().split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - values[3] - values[4] - values[7], total  # busy: not idle, iowait or steal


def sampler_main(root: int, out_path: str) -> None:
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    with open(out_path, "w") as out:
        while not stop and os.path.exists(f"/proc/{root}"):
            busy, total = _machine_jiffies()
            ours = 0
            rss: dict[int, int] = {}
            for child in _children(root):
                tree = _tree(child)
                rss[child] = sum(_rss_kb(p) for p in tree)
                ours += sum(_jiffies(p) for p in tree)
            ours += _jiffies(root)
            out.write(
                json.dumps(
                    {"t": time.monotonic(), "busy": busy, "total": total, "ours": ours, "rss": rss}
                )
                + "\n"
            )
            out.flush()
            time.sleep(0.1)


def wait_for_quiet(limit_s: float, threshold: float = 15.0, window_s: float = 5.0) -> float:
    """Wait (up to limit_s) until other processes use under `threshold`% of the machine's CPU."""
    deadline = time.monotonic() + limit_s
    while True:
        busy0, total0 = _machine_jiffies()
        time.sleep(window_s)
        busy1, total1 = _machine_jiffies()
        used = (busy1 - busy0) * 100 / max(1, total1 - total0)
        if used < threshold or time.monotonic() >= deadline:
            return round(used, 1)
        print(
            f"  the machine is {used:.0f}% busy with other work; waiting for it to quieten ...",
            flush=True,
        )


class Monitor:
    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "samples.jsonl"
        self.proc: subprocess.Popen | None = None
        self.phases: list[dict] = []
        self.samples: list[dict] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--_sample", str(os.getpid()), str(self.path)]
        )

    @contextlib.contextmanager
    def phase(self, server: str, size: int | None, label: str, pid: int):
        entry = {"server": server, "size": size, "label": label, "pid": pid, "t0": time.monotonic()}
        try:
            yield entry
        finally:
            entry["t1"] = time.monotonic()
            self.phases.append(entry)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            if self.proc.poll() is None:
                self.proc.kill()
        if self.path.exists():
            with open(self.path) as fh:
                for line in fh:
                    with contextlib.suppress(ValueError):
                        self.samples.append(json.loads(line))

    def peak_mb(self, pids: set[int], t0: float = 0, t1: float = math.inf) -> float | None:
        peak = [
            s["rss"].get(str(pid), 0) for s in self.samples if t0 <= s["t"] <= t1 for pid in pids
        ]
        return round(max(peak) / 1024, 1) if peak and max(peak) else None

    def foreign_cpu(self, t0: float, t1: float) -> float | None:
        """Share of the machine's CPU (100 = every core busy) used by processes not ours."""
        inside = [s for s in self.samples if t0 <= s["t"] <= t1]
        if len(inside) < 2:
            return None
        a, b = inside[0], inside[-1]
        total = b["total"] - a["total"]
        if total <= 0:
            return None
        return round(max(0.0, (b["busy"] - a["busy"]) - (b["ours"] - a["ours"])) * 100 / total, 1)


# --------------------------------------------------------------------------------------------
# Servers.
# --------------------------------------------------------------------------------------------


class Server:
    def __init__(
        self, name: str, argv: list[str], env: dict, port: int, ready_path: str, log: Path
    ) -> None:
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.ready_path, self.log_path = ready_path, log
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 120) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before "
                    f"answering:\n{self.log_tail()}"
                )
            try:
                status, body = fetch(self.port, "GET", self.ready_path, timeout=30)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchHTTPError(f"{self.name}: GET {self.ready_path} -> {status}: {excerpt(body)}")
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # workers left behind by a master that died first
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def ensure_isso_venv() -> tuple[Path, dict]:
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        print(f"Installing Isso and gunicorn into {ISSO_VENV.relative_to(ROOT)} ...", flush=True)
        if not python.exists():
            base = (
                ISSO_BASE_PYTHON if os.path.exists(ISSO_BASE_PYTHON) else shutil.which("python3.11")
            )
            if base is None:
                raise RuntimeError(
                    f"Isso needs Python 3.11 for its venv: {ISSO_BASE_PYTHON} is "
                    "missing and no python3.11 is on PATH"
                )
            subprocess.run([base, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "isso>=0.14,<0.15", "gunicorn"],
            check=True,
        )
    version = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m;print(m.version('isso'), m.version('gunicorn'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return python, {"isso": version[0], "gunicorn": version[1]}


ISSO_CFG = """\
[general]
dbpath = {db}
host = http://{host}:{port}/
max-age = 15m
notify = stdout
reply-notifications = false
gravatar = false
latest-enabled = false

[admin]
enabled = false

[moderation]
enabled = false

[server]
listen = http://{host}:{port}/

[guard]
# off: no per-address rate limit, no limit on direct replies, replies to self allowed
enabled = false
ratelimit = 1000000
direct-reply = 1000000
reply-to-self = true
require-author = false
require-email = false
"""


# --------------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------------


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
            "max_n": 300 if not self.quick else 100,
            "max_s": 4.0 if not self.quick else 2.0,
            "min_n": 20,
        }
        self.slow_loop = {"max_n": 30, "max_s": 6.0 if not self.quick else 3.0, "min_n": 3}
        self.rps_seconds = 5.0 if not self.quick else 3.0
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
        pool = 600 if self.quick else 1500
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
        seconds = round(time.perf_counter() - t0, 1)
        self.info["parley_seeding"] = {
            "how": "in-process through publishing.actions.create_post and "
            "discussion.actions.post_comment (batches of 500 in one transaction)",
            "seconds": seconds,
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
            f"through post_comment in {seconds} s",
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
    if len(sys.argv) == 4 and sys.argv[1] == "--_sample":
        sampler_main(int(sys.argv[2]), sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="threads of 100 and 1,000 comments, shorter measurements",
    )
    parser.add_argument("--sizes", help="comma-separated thread sizes (default 100,1000,10000)")
    parser.add_argument("--servers", default="isso,parley", help="isso,parley (either alone)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to SECONDS for other processes to leave the CPU (under 15%% busy)",
    )
    args = parser.parse_args()
    args.sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else [100, 1000]
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
