#!/usr/bin/env python3
"""Validate the demo content in parley/demo/data/ (standard library only).

    python3 parley/demo/check_data.py [DATA_DIR]

Checks dossier.json and discussion.json against the rules the demo loader relies on
(structure, ordering, quotes, mentions, links, languages, depth) and exits with status 1
and a message naming the first violation. On success it prints a short summary.

Every comment carries "moderation": what a careful moderator of a real analysis publication
(Guardian or Ars Technica community standards) would do with it. Heated, sarcastic, sweary and
rude-about-governments comments stay; personal attacks on other commenters, slurs,
dehumanising talk about groups, threats, doxxing, spam and duplicates go. The value is one of

    "keep"                                         it stays up
    {"keep": true, "note": "why it stays"}         it stays up, though it reads rough
    {"remove": "<label>", "note": "why it goes"}   a moderator would remove it

where <label> is one of the classifier's labels (REMOVE_LABELS below). The field is the
demo's reference judgement for benchmarks and tests; the loader does not read it, so it never
decides anything on the site.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DATA_DIR = Path(__file__).resolve().parent / "data"

ALLOWED_DOMAINS = ("example.org", "example.com", "example.net")
DOC_KINDS = {"letter", "press_release", "statement", "transcript", "other"}
REQUIRED_KINDS = {"letter", "press_release", "transcript"}
MIN_PARAGRAPHS = {"letter": 6, "press_release": 5, "transcript": 12}
LANGS = {"en", "pt", "sr", "ru", "de", "es", "fr", "it", "uk", "pl"}
MIN_PER_LANG = {"pt": 25, "sr": 25, "ru": 25, "de": 10}
CYRILLIC_LANGS = {"ru", "uk"}
REMOVE_LABELS = ("insult", "harassment", "threat", "hate", "spam", "offtopic", "duplicate")
NOTE_LEN = (10, 300)

MIN_COMMENTS = 220
MIN_AUTHORS = 35
MIN_ACCOUNTS = 4  # besides "editor"
MIN_QUOTING = 30
MIN_MENTIONING = 25
MIN_LINKING = 15
MIN_DEEP_BRANCHES = 3  # distinct top-level threads reaching DEEP_LEVEL
DEEP_LEVEL = 6
MIN_MAX_DEPTH = 12  # a top-level comment has depth 1
EXCERPT_LEN = (20, 200)
SPAN_MINUTES = (3 * 1440, 5 * 1440)  # "over about four days"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^c([1-9][0-9]*)$")
ACCOUNT_RE = re.compile(r"^[a-z0-9_]{2,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@([^@\s]+)$")
URL_RE = re.compile(r"https?://[^\s<>()\[\]]+")
MD_LINK_RE = re.compile(r"\[[^\]\n]+\]\((https?://[^)\s]+)\)")
LABEL_RE = re.compile(r"^([^:\n]{1,40}): (\S.*)$", re.S)
MARKER_RE = re.compile(r"^(?:>\s?|[-*+]\s+|\d+[.)]\s+)")
CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
SERBIAN_DIACRITICS = set("čćšžđČĆŠŽĐ")


class Invalid(Exception):
    pass


def fail(msg: str) -> None:
    raise Invalid(msg)


# ---------------------------------------------------------------- helpers


def paragraphs(md: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", md.strip()) if p.strip()]


def plain_line(line: str) -> str:
    s = line.strip()
    while True:
        m = MARKER_RE.match(s)
        if not m:
            break
        s = s[m.end() :]
    for ch in "*_`":
        s = s.replace(ch, "")
    return s


def plain_lines(md: str) -> list[tuple[str, str]]:
    """(raw line, plain line) for every non-empty line of a Markdown body."""
    return [(ln, plain_line(ln)) for ln in md.splitlines() if ln.strip()]


def check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        fail(f"{where}: malformed URL {url!r}")
    if not any(host == d or host.endswith("." + d) for d in ALLOWED_DOMAINS):
        fail(f"{where}: URL {url!r} is not on {', '.join(ALLOWED_DOMAINS)}")


def parse_iso(value: str, where: str, aware: bool) -> datetime:
    if not isinstance(value, str):
        fail(f"{where}: expected an ISO 8601 string, got {value!r}")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{where}: {value!r} is not ISO 8601")
    if aware and dt.tzinfo is None:
        fail(f"{where}: {value!r} must carry a UTC offset")
    if not aware and dt.tzinfo is not None:
        fail(f"{where}: {value!r} must be a local (naive) time; the zone goes in 'timezone'")
    return dt


def require(obj: dict, field: str, where: str, kind=str):
    if field not in obj:
        fail(f"{where}: missing field {field!r}")
    value = obj[field]
    if kind is str and (not isinstance(value, str) or not value.strip()):
        fail(f"{where}: {field!r} must be a non-empty string")
    if kind is not str and not isinstance(value, kind):
        fail(f"{where}: {field!r} has the wrong type ({type(value).__name__})")
    return value


def check_excerpt(excerpt, body: str, where: str, transcript: bool = False) -> None:
    if not isinstance(excerpt, str):
        fail(f"{where}: excerpt must be a string")
    lo, hi = EXCERPT_LEN
    if not lo <= len(excerpt) <= hi:
        fail(f"{where}: excerpt is {len(excerpt)} characters, must be {lo}-{hi}: {excerpt!r}")
    if "\n" in excerpt or "\r" in excerpt:
        fail(f"{where}: excerpt contains a line break: {excerpt!r}")
    if any(ch in excerpt for ch in "*_`") or "](" in excerpt:
        fail(f"{where}: excerpt contains Markdown markup: {excerpt!r}")
    if excerpt != excerpt.strip():
        fail(f"{where}: excerpt has leading or trailing whitespace: {excerpt!r}")
    for raw, plain in plain_lines(body):
        if transcript:
            m = LABEL_RE.match(plain)
            if m:
                plain = m.group(2)
        if excerpt in plain and excerpt in raw:
            return
    fail(
        f"{where}: excerpt is not an exact substring of one line of the quoted text"
        f"{' (speaker labels excluded)' if transcript else ''}: {excerpt!r}"
    )


# ---------------------------------------------------------------- dossier


def check_dossier(path: Path) -> dict:
    where = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"{where}: cannot read JSON: {exc}")
    if not isinstance(data, dict) or set(data) != {"post", "documents"}:
        fail(f"{where}: top level must be an object with exactly 'post' and 'documents'")

    post = data["post"]
    if not isinstance(post, dict):
        fail(f"{where}: 'post' must be an object")
    for f in ("slug", "title", "introduction", "published_at"):
        require(post, f, f"{where} post")
    if "author_name" in post:
        require(post, "author_name", f"{where} post")
    if not SLUG_RE.match(post["slug"]):
        fail(f"{where} post: bad slug {post['slug']!r}")
    published = parse_iso(post["published_at"], f"{where} post.published_at", aware=True)
    prose = [p for p in paragraphs(post["introduction"]) if not MARKER_RE.match(p.lstrip())]
    if not 2 <= len(prose) <= 4:
        fail(f"{where} post: introduction has {len(prose)} prose paragraphs, expected 2-4")

    docs = data["documents"]
    if not isinstance(docs, list) or len(docs) != 3:
        fail(f"{where}: expected exactly three documents")
    slugs, kinds, moments = set(), [], []
    for i, doc in enumerate(docs):
        w = f"{where} documents[{i}]"
        if not isinstance(doc, dict):
            fail(f"{w}: must be an object")
        for f in (
            "slug",
            "kind",
            "title",
            "issuer",
            "place",
            "occurred_at",
            "timezone",
            "source_url",
            "language",
            "body",
        ):
            require(doc, f, w)
        w = f"{where} document {doc['slug']!r}"
        if not SLUG_RE.match(doc["slug"]):
            fail(f"{w}: bad slug")
        if doc["slug"] in slugs:
            fail(f"{w}: duplicate slug")
        slugs.add(doc["slug"])
        if doc["kind"] not in DOC_KINDS:
            fail(f"{w}: unknown kind {doc['kind']!r}")
        kinds.append(doc["kind"])
        if doc["language"] not in LANGS:
            fail(f"{w}: unknown language {doc['language']!r}")
        check_url(doc["source_url"], w)
        local = parse_iso(doc["occurred_at"], f"{w} occurred_at", aware=False)
        try:
            zone = ZoneInfo(doc["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"{w}: {doc['timezone']!r} is not an IANA time zone")
        moment = local.replace(tzinfo=zone)
        if moment >= published:
            fail(f"{w}: occurred_at is not before the post's published_at")
        moments.append(moment)
        paras = paragraphs(doc["body"])
        need = MIN_PARAGRAPHS.get(doc["kind"], 1)
        if len(paras) < need:
            fail(f"{w}: body has {len(paras)} paragraphs, expected at least {need}")
        if doc["kind"] == "transcript":
            for n, p in enumerate(paras, 1):
                if "\n" in p.strip():
                    fail(f"{w}: turn {n} spans several lines; one turn per paragraph")
                if not LABEL_RE.match(p.strip()):
                    fail(
                        f"{w}: turn {n} does not start with 'Speaker: ' (label up to 40 chars): {p[:60]!r}"
                    )
    if len(set(kinds)) != 3 or not REQUIRED_KINDS <= set(kinds):
        fail(
            f"{where}: documents must be one letter, one press_release and one transcript, got {kinds}"
        )
    if moments == sorted(moments):
        fail(
            f"{where}: documents are listed in chronological order; list them out of order "
            "so the page's date sort is visible"
        )
    return {d["slug"]: d for d in docs}


# ---------------------------------------------------------------- discussion


def check_moderation(value, where: str) -> str | None:
    """The label a moderator would remove the comment under, or None when it stays."""
    shapes = '"keep", {"keep": true, "note": ...} or {"remove": label, "note": ...}'
    if value == "missing":
        fail(f"{where}: missing field 'moderation' ({shapes})")
    if value == "keep":
        return None
    if not isinstance(value, dict) or set(value) not in ({"keep", "note"}, {"remove", "note"}):
        fail(f"{where}: 'moderation' must be {shapes}, got {value!r}")
    note = value["note"]
    lo, hi = NOTE_LEN
    if not isinstance(note, str) or not lo <= len(note.strip()) <= hi:
        fail(f"{where}: moderation note must be a sentence of {lo}-{hi} characters")
    if "keep" in value:
        if value["keep"] is not True:
            fail(f"{where}: moderation 'keep' must be true, got {value['keep']!r}")
        return None
    if value["remove"] not in REMOVE_LABELS:
        fail(
            f"{where}: unknown moderation label {value['remove']!r};"
            f" use one of {', '.join(REMOVE_LABELS)}"
        )
    return value["remove"]


def check_discussion(path: Path, docs: dict) -> dict:
    where = path.name
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"{where}: cannot read JSON: {exc}")
    if not isinstance(rows, list):
        fail(f"{where}: top level must be a list of comments")
    if len(rows) < MIN_COMMENTS:
        fail(f"{where}: {len(rows)} comments, need at least {MIN_COMMENTS}")

    allowed = {
        "key",
        "parent",
        "author",
        "email",
        "website",
        "account",
        "minutes_after",
        "lang",
        "quotes",
        "body",
        "moderation",
    }
    by_key: dict[str, dict] = {}
    depth: dict[str, int] = {}
    root_of: dict[str, str] = {}
    authors_so_far: list[str] = []
    account_of: dict[str, str | None] = {}
    author_of_account: dict[str, str] = {}
    langs: Counter[str] = Counter()
    removals: Counter[str] = Counter()
    quoting = comment_quotes = doc_quotes = 0
    mentioning = linking = 0
    bare_urls = md_links = 0
    last_minutes = 0

    for i, c in enumerate(rows):
        w = f"{where}[{i}]"
        if not isinstance(c, dict):
            fail(f"{w}: must be an object")
        extra = set(c) - allowed
        if extra:
            fail(f"{w}: unknown fields {sorted(extra)}")
        key = require(c, "key", w)
        w = f"{where} comment {key}"
        m = KEY_RE.match(key)
        if not m or int(m.group(1)) != i + 1:
            fail(f"{w}: keys must run c1..cN in list order (expected c{i + 1})")

        # tree and time
        parent = c.get("parent", "missing")
        if parent == "missing":
            fail(f"{w}: missing field 'parent' (use null for a top-level comment)")
        minutes = require(c, "minutes_after", w, int)
        if isinstance(minutes, bool) or minutes <= last_minutes:
            fail(
                f"{w}: minutes_after {minutes} must be greater than the previous comment's ({last_minutes})"
            )
        last_minutes = minutes
        if parent is None:
            depth[key], root_of[key] = 1, key
        else:
            if parent not in by_key:
                fail(f"{w}: parent {parent!r} is not an earlier comment")
            if by_key[parent]["minutes_after"] >= minutes:
                fail(f"{w}: posted before its parent {parent}")
            depth[key], root_of[key] = depth[parent] + 1, root_of[parent]

        # author, account, contact
        author = require(c, "author", w)
        if len(author) > 80 or author != author.strip():
            fail(f"{w}: bad author name {author!r}")
        account = c.get("account")
        if account is not None:
            if not isinstance(account, str) or not ACCOUNT_RE.match(account):
                fail(f"{w}: account must be a lowercase ASCII username, got {account!r}")
            if author_of_account.setdefault(account, author) != author:
                fail(f"{w}: account {account!r} is used by two authors")
        if account_of.setdefault(author, account) != account:
            fail(f"{w}: {author!r} appears both with and without account (or with two)")
        if "email" in c:
            em = EMAIL_RE.match(c["email"] or "")
            if not em:
                fail(f"{w}: malformed email {c['email']!r}")
            else:
                check_url("https://" + em.group(1), f"{w} email")
        if "website" in c:
            check_url(c["website"], f"{w} website")

        # language
        lang = require(c, "lang", w)
        if lang not in LANGS:
            fail(f"{w}: unknown lang {lang!r}")
        langs[lang] += 1
        body = require(c, "body", w)
        letters = [ch for ch in body if ch.isalpha()]
        cyr = sum(1 for ch in letters if CYRILLIC_RE.match(ch))
        if lang in CYRILLIC_LANGS:
            if not letters or cyr / len(letters) < 0.6:
                fail(f"{w}: lang {lang} but the body is not mostly Cyrillic")
        elif cyr:
            fail(f"{w}: lang {lang} but the body contains Cyrillic letters")
        if lang == "sr" and SERBIAN_DIACRITICS & set(body):
            fail(
                f"{w}: Serbian comments are typed without diacritics (found {sorted(SERBIAN_DIACRITICS & set(body))})"
            )

        # quotes
        quotes = c.get("quotes")
        if quotes is not None:
            if not isinstance(quotes, list) or not quotes:
                fail(f"{w}: 'quotes' must be a non-empty list when present")
            quoting += 1
            for n, q in enumerate(quotes):
                qw = f"{w} quote {n + 1}"
                if not isinstance(q, dict) or "excerpt" not in q or len(q) != 2:
                    fail(f"{qw}: must be {{'comment'|'document': ..., 'excerpt': ...}}")
                if "comment" in q:
                    target = q["comment"]
                    if target not in by_key:
                        fail(f"{qw}: {target!r} is not an earlier comment")
                    check_excerpt(q["excerpt"], by_key[target]["body"], f"{qw} (of {target})")
                    comment_quotes += 1
                elif "document" in q:
                    doc = docs.get(q["document"])
                    if doc is None:
                        fail(f"{qw}: unknown document {q['document']!r}")
                        continue
                    check_excerpt(
                        q["excerpt"],
                        doc["body"],
                        f"{qw} (of {q['document']})",
                        transcript=doc["kind"] == "transcript",
                    )
                    doc_quotes += 1
                else:
                    fail(f"{qw}: needs 'comment' or 'document'")

        # mentions: "@Full Name" of someone who commented earlier (the site links a mention
        # only when the words after "@" are an author's whole display name)
        found = False
        names = sorted(set(authors_so_far), key=len, reverse=True)
        for mm in re.finditer(r"(?<![\w@./])@", body):
            rest = body[mm.end() :]
            hit = next(
                (
                    n
                    for n in names
                    if rest.startswith(n) and (len(rest) == len(n) or not rest[len(n)].isalnum())
                ),
                None,
            )
            if hit is None:
                fail(f"{w}: mention @{rest[:25]!r}... is not the full name of an earlier author")
            found = True
        mentioning += found

        # links
        urls = URL_RE.findall(body)
        for url in urls:
            check_url(url.rstrip(".,;:!?'\""), w)
        md = MD_LINK_RE.findall(body)
        md_links += len(md)
        bare_urls += len(urls) - len(md)
        linking += bool(urls)

        # the reference moderation judgement
        removed = check_moderation(c.get("moderation", "missing"), w)
        if removed:
            removals[removed] += 1
            if removed == "duplicate" and not any(
                o["author"] == author and o["body"] == body for o in by_key.values()
            ):
                fail(f"{w}: marked duplicate, but no earlier comment by {author!r} has this body")

        by_key[key] = c
        authors_so_far.append(author)

    # ---- aggregate rules
    span = rows[-1]["minutes_after"] - rows[0]["minutes_after"]
    if not SPAN_MINUTES[0] <= span <= SPAN_MINUTES[1]:
        fail(f"{where}: the discussion spans {span} minutes; expected about four days")
    for lang, need in MIN_PER_LANG.items():
        if langs[lang] < need:
            fail(f"{where}: {langs[lang]} comments in {lang}, need at least {need}")
    if langs["en"] * 2 < len(rows):
        fail(f"{where}: English should be the majority ({langs['en']} of {len(rows)})")
    others = [lg for lg in LANGS - set(MIN_PER_LANG) - {"en"} if langs[lg]]
    if len(others) < 3:
        fail(f"{where}: add a few comments in other languages (es, fr, it, uk, pl)")
    authors = set(authors_so_far)
    if len(authors) < MIN_AUTHORS:
        fail(f"{where}: {len(authors)} distinct authors, need at least {MIN_AUTHORS}")
    accounts = {a for a in author_of_account if a != "editor"}
    if len(accounts) < MIN_ACCOUNTS:
        fail(f"{where}: {len(accounts)} registered accounts besides 'editor', need {MIN_ACCOUNTS}")
    if "editor" not in author_of_account:
        fail(f"{where}: no comment by the account 'editor'")
    if quoting < MIN_QUOTING:
        fail(f"{where}: {quoting} comments carry quotes, need at least {MIN_QUOTING}")
    total_q = comment_quotes + doc_quotes
    if min(comment_quotes, doc_quotes) < 0.35 * total_q:
        fail(
            f"{where}: quotes should mix comments ({comment_quotes}) and documents ({doc_quotes}) about evenly"
        )
    if mentioning < MIN_MENTIONING:
        fail(f"{where}: {mentioning} comments mention someone, need at least {MIN_MENTIONING}")
    if linking < MIN_LINKING:
        fail(f"{where}: {linking} comments contain links, need at least {MIN_LINKING}")
    if not md_links or not bare_urls:
        fail(f"{where}: need both bare URLs ({bare_urls}) and Markdown links ({md_links})")
    max_depth = max(depth.values())
    if max_depth < MIN_MAX_DEPTH:
        fail(f"{where}: deepest reply chain has {max_depth} levels, need {MIN_MAX_DEPTH}")
    deep_roots = {root_of[k] for k, d in depth.items() if d >= DEEP_LEVEL}
    if len(deep_roots) < MIN_DEEP_BRANCHES:
        fail(
            f"{where}: only {len(deep_roots)} threads reach {DEEP_LEVEL} levels, need {MIN_DEEP_BRANCHES}"
        )

    # a guest posting the same comment twice, a minute apart
    dup = any(
        a.get("account") is None
        and a["author"] == b["author"]
        and a["body"] == b["body"]
        and b["minutes_after"] - a["minutes_after"] == 1
        for a, b in zip(rows, rows[1:], strict=False)
    )
    if not dup:
        fail(f"{where}: no guest comment posted twice a minute apart")
    # signatures: a last paragraph that is a short line signed with a dash
    signed = sum(
        1
        for c in rows
        if (lp := paragraphs(c["body"])[-1])
        and len(paragraphs(c["body"])) > 1
        and len(lp) <= 80
        and "—" in lp
    )
    if signed < 5:
        fail(f"{where}: only {signed} comments end with a signature line")
    long_ones = sum(1 for c in rows if len(paragraphs(c["body"])) >= 3)
    short_ones = sum(1 for c in rows if len(c["body"]) <= 40)
    if long_ones < 8 or short_ones < 15:
        fail(f"{where}: need a mix of long ({long_ones}) and short ({short_ones}) comments")
    bodies = "\n".join(c["body"] for c in rows)
    for label, pattern in (
        ("a Markdown list", r"(?m)^(?:- |\d+\. )"),
        ("a blockquote", r"(?m)^> "),
        ("emphasis", r"(?<!\*)\*[^*\s][^*\n]*\*(?!\*)"),
    ):
        if not re.search(pattern, bodies):
            fail(f"{where}: no comment uses {label}")

    return {
        "comments": len(rows),
        "languages": dict(langs.most_common()),
        "authors": len(authors),
        "accounts": sorted(author_of_account),
        "comments with quotes": quoting,
        "quotes of comments": comment_quotes,
        "quotes of documents": doc_quotes,
        "comments with mentions": mentioning,
        "comments with links": linking,
        "max depth": max_depth,
        "threads reaching depth 6": len(deep_roots),
        "span (minutes)": span,
        "a moderator would remove": dict(removals.most_common()),
    }


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else DATA_DIR
    try:
        docs = check_dossier(data_dir / "dossier.json")
        summary = check_discussion(data_dir / "discussion.json", docs)
    except Invalid as exc:
        print(f"check_data: FAIL: {exc}", file=sys.stderr)
        return 1
    print("check_data: OK")
    for k, v in summary.items():
        print(f"  {k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
