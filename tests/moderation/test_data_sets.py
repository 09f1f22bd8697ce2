"""The moderation training and evaluation sets: well-formed, complete and kept apart."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "parley" / "moderation" / "data"
LANGUAGES = {"en", "pt", "hbs", "ru", "de", "es"}
CATEGORIES = {"civil", "offtopic", "insult", "harassment", "threat", "hate", "spam"}
KEYS = {"lang", "category", "text"}
PER_CELL = {"train.jsonl": 15, "eval.jsonl": 8}


def squash(text: str) -> str:
    """The form two texts are compared in: casefolded, runs of whitespace made one space."""
    return " ".join(text.casefold().split())


def load(name: str) -> list[tuple[int, dict]]:
    """(line number, record) for every line of a data file; fails on the first bad line."""
    path = DATA / name
    assert path.is_file(), f"{path} is missing"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            pytest.fail(f"{where}: not valid JSON ({error})")
        assert isinstance(record, dict), f"{where}: a JSON object expected, got {type(record)}"
        rows.append((number, record))
    return rows


@pytest.fixture(scope="module", params=sorted(PER_CELL))
def data_set(request):
    return request.param, load(request.param)


def test_every_line_has_exactly_the_three_keys_and_a_text(data_set):
    name, rows = data_set
    assert rows, f"{name} is empty"
    for number, record in rows:
        where = f"{name}:{number}"
        assert set(record) == KEYS, f"{where}: keys {sorted(record)}, expected {sorted(KEYS)}"
        for key in KEYS:
            assert isinstance(record[key], str), f"{where}: {key!r} is not a string"
        assert record["text"].strip(), f"{where}: blank text"


def test_only_the_known_languages_and_categories(data_set):
    name, rows = data_set
    for number, record in rows:
        where = f"{name}:{number}"
        assert record.get("lang") in LANGUAGES, f"{where}: unknown lang {record.get('lang')!r}"
        assert record.get("category") in CATEGORIES, (
            f"{where}: unknown category {record.get('category')!r}"
        )


def test_each_language_and_category_has_the_exact_count(data_set):
    name, rows = data_set
    counts = Counter((record.get("lang"), record.get("category")) for _, record in rows)
    expected = PER_CELL[name]
    wrong = [
        f"({lang}, {category}): {counts[lang, category]}"
        for lang in sorted(LANGUAGES)
        for category in sorted(CATEGORIES)
        if counts[lang, category] != expected
    ]
    assert not wrong, f"{name}: cells without exactly {expected} texts: {', '.join(wrong)}"
    assert len(rows) == expected * len(LANGUAGES) * len(CATEGORIES), (
        f"{name}: {len(rows)} lines, expected {expected * len(LANGUAGES) * len(CATEGORIES)}"
    )


def test_no_text_appears_twice_in_a_file(data_set):
    name, rows = data_set
    first_seen: dict[str, int] = {}
    duplicates = []
    for number, record in rows:
        key = squash(str(record.get("text", "")))
        if key in first_seen:
            duplicates.append(f"{name}:{number} repeats {name}:{first_seen[key]}")
        else:
            first_seen[key] = number
    assert not duplicates, "duplicate texts: " + "; ".join(duplicates)


def test_no_text_is_shared_between_training_and_evaluation():
    train = {squash(str(r.get("text", ""))): n for n, r in load("train.jsonl")}
    shared = [
        f"eval.jsonl:{number} is train.jsonl:{train[key]}"
        for number, record in load("eval.jsonl")
        if (key := squash(str(record.get("text", "")))) in train
    ]
    assert not shared, "texts in both sets: " + "; ".join(shared)
