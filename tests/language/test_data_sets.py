"""The language evaluation data sets: labelled comments for detection, reference
translations for machine translation. Checks their shape, not any model."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import parley.language

DATA = Path(parley.language.__file__).parent / "data"

DETECTION_KEYS = {"lang", "text"}
DETECTION_LANGUAGES = {"en", "pt", "es", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "hbs"}
MIN_PER_LANGUAGE = 21
SHORT_WORDS = 3  # "three words or fewer" (words as str.split counts them)
MIN_LONG_PER_LANGUAGE = 12

TRANSLATION_KEYS = {"source_lang", "target_lang", "source", "reference"}
DIRECTIONS = {("pt", "en"), ("en", "pt")}
MIN_PER_DIRECTION = 60
PARAGRAPH_CHARS = range(280, 341)  # "a 300-character comment"
MIN_PARAGRAPHS_PER_DIRECTION = 6


def _load(name: str, keys: set[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, object) for every line, after checking each line's shape."""
    path = DATA / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise AssertionError(f"{where} is not valid JSON: {error}") from None
        assert isinstance(row, dict), f"{where} is not a JSON object"
        assert set(row) == keys, f"{where} has keys {sorted(row)}, expected {sorted(keys)}"
        for key in sorted(keys):
            value = row[key]
            assert isinstance(value, str), f"{where}: {key!r} is not a string"
            assert value.strip(), f"{where}: {key!r} is blank"
        rows.append((number, row))
    assert rows, f"{name} is empty"
    return rows


def _detection() -> list[tuple[int, dict[str, str]]]:
    return _load("detection.jsonl", DETECTION_KEYS)


def _translation() -> list[tuple[int, dict[str, str]]]:
    return _load("translation.jsonl", TRANSLATION_KEYS)


def test_detection_lines_are_objects_with_the_listed_keys():
    _detection()


def test_detection_has_exactly_the_twelve_languages():
    found = {row["lang"] for _, row in _detection()}
    assert not found - DETECTION_LANGUAGES, (
        f"unexpected languages: {sorted(found - DETECTION_LANGUAGES)}"
    )
    assert not DETECTION_LANGUAGES - found, (
        f"missing languages: {sorted(DETECTION_LANGUAGES - found)}"
    )


def test_detection_has_enough_short_and_long_texts_per_language():
    words: dict[str, list[int]] = defaultdict(list)
    for _, row in _detection():
        words[row["lang"]].append(len(row["text"].split()))
    for lang in sorted(DETECTION_LANGUAGES):
        counts = words[lang]
        short = sum(1 for n in counts if n <= SHORT_WORDS)
        long = len(counts) - short
        assert len(counts) >= MIN_PER_LANGUAGE, (
            f"{lang}: {len(counts)} texts, expected at least {MIN_PER_LANGUAGE}"
        )
        assert short * 3 >= len(counts), (
            f"{lang}: {short} of {len(counts)} texts have {SHORT_WORDS} words or fewer,"
            " expected at least a third"
        )
        assert long >= MIN_LONG_PER_LANGUAGE, (
            f"{lang}: {long} texts of four words or more, expected at least {MIN_LONG_PER_LANGUAGE}"
        )


def test_detection_texts_are_not_repeated():
    first_seen: dict[str, int] = {}
    for number, row in _detection():
        text = row["text"]
        assert text not in first_seen, (
            f"detection.jsonl line {number} ({row['lang']}) repeats line {first_seen[text]}:"
            f" {text!r}"
        )
        first_seen[text] = number


def test_translation_lines_are_objects_with_the_listed_keys():
    _translation()


def test_translation_directions_and_sizes():
    rows = _translation()
    for number, row in rows:
        direction = (row["source_lang"], row["target_lang"])
        assert direction in DIRECTIONS, (
            f"translation.jsonl line {number}: unexpected direction {direction[0]}->{direction[1]}"
        )
    per_direction = Counter((row["source_lang"], row["target_lang"]) for _, row in rows)
    paragraphs = Counter(
        (row["source_lang"], row["target_lang"])
        for _, row in rows
        if len(row["source"]) in PARAGRAPH_CHARS
    )
    for source_lang, target_lang in sorted(DIRECTIONS):
        name = f"{source_lang}->{target_lang}"
        count = per_direction[(source_lang, target_lang)]
        assert count >= MIN_PER_DIRECTION, (
            f"{name}: {count} items, expected at least {MIN_PER_DIRECTION}"
        )
        count = paragraphs[(source_lang, target_lang)]
        assert count >= MIN_PARAGRAPHS_PER_DIRECTION, (
            f"{name}: {count} sources of {PARAGRAPH_CHARS.start}-{PARAGRAPH_CHARS.stop - 1}"
            f" characters, expected at least {MIN_PARAGRAPHS_PER_DIRECTION}"
        )


def test_translation_sources_are_unique_and_differ_from_their_references():
    first_seen: dict[str, int] = {}
    for number, row in _translation():
        source = row["source"]
        assert source not in first_seen, (
            f"translation.jsonl line {number} repeats the source of line {first_seen[source]}"
        )
        first_seen[source] = number
        assert source.strip() != row["reference"].strip(), (
            f"translation.jsonl line {number}: the reference is the source unchanged"
        )
