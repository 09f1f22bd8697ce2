"""The word list the classifier counts: how entries match, and what the counts do to a score."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parley.moderation import learning, lexicon

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "data" / "moderation-eval"


def test_every_section_has_entries_and_a_version():
    assert lexicon.names() == [
        "profanity",
        "insult",
        "slur",
        "dehumanising",
        "conspiracy",
        "threat",
    ]
    assert lexicon.version().startswith("lexicon ") and len(lexicon.version()) == 20
    assert lexicon.features(["", "x"]).shape == (2, 6)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("You IDIOTS never read anything", "insult"),  # case and inflection (idiot*)
        ("Ты просто дебилка", "insult"),  # Cyrillic inflection (дебил*)
        ("Du bist ein Vollidiot", "insult"),
        ("Glupa si kao noć, Jelena", "insult"),  # diacritics folded
        ("They believe in the great   replacement", "conspiracy"),  # a phrase, any spacing
        ("Leiam os Protocolos dos Sábios de Sião", "conspiracy"),
        ("We know where you live.", "threat"),
        ("Wir wissen, wo du wohnst.", "threat"),  # the comma German puts there
        ("Знаем, где ты живёшь.", "threat"),  # ё folded to е
        ("Znamo gde živiš i doći ćemo po tebe.", "threat"),
    ],
)
def test_entries_match_whole_words_inflections_and_phrases(text, section):
    assert lexicon.counts(text)[section] >= 1, lexicon.counts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Procitao sam sva tri dokumenta, i to dva puta.",  # Serbian "twice", not Portuguese
        "I'll pick it up after the invasion of the north was over.",
        "The Niger delta and Nigeria's budget",
        "The lump sum was paid in the mist of the morning",
        "Hell erleuchtet war der Saal",  # German "bright"
        "The rent you pay depends on where you live.",  # no one knows it or comes
        "Kommt darauf an, wo du wohnst.",
    ],
)
def test_words_that_mean_something_else_are_not_counted(text):
    assert sum(lexicon.counts(text).values()) == 0, lexicon.counts(text)


@pytest.mark.django_db
def test_crude_words_raise_the_score_of_the_same_comment():
    learning.train()
    clean = "The minister has not read the letter, and so the whole argument falls apart."
    crude = "The minister is a fucking moron who has not read the letter. The argument is shit."
    before, after = (learning.needs_review(learning.scores(t)) for t in (clean, crude))
    assert after > before + 0.2, (before, after)
    assert after >= learning.REVIEW_SCORE > before
    probs = learning.scores(crude)
    assert max(probs, key=lambda label: probs[label]) == "insult"


POLITE = "Thanks for posting the documents. The letter is clear about the hour."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "threat",
    [
        "We know where you live, and we will come for you tonight with a knife.",
        "Wir wissen, wo du wohnst, und wir kriegen dich heute Nacht.",
        "Мы знаем, где ты живёшь, и скоро придём к тебе.",
    ],
)
def test_a_threat_after_polite_sentences_is_queued_as_a_threat(threat):
    learning.train()
    polite = learning.needs_review(learning.scores(POLITE))
    probs = learning.scores(f"{POLITE} {threat}")
    assert learning.needs_review(probs) >= learning.REVIEW_SCORE > polite, (polite, probs)
    assert max(probs, key=lambda label: probs[label]) == "threat"


def test_no_shipped_text_comes_from_the_public_sets():
    if not PUBLIC.is_dir():
        if os.environ.get("CI") == "true":  # CI has a copy of shared/ beside the clone
            pytest.fail(f"the public sets are missing: {PUBLIC}")
        pytest.skip(f"the public sets are not beside the repository ({PUBLIC})")
    squash = lambda text: " ".join(text.casefold().split())  # noqa: E731
    public = set()
    for path in PUBLIC.glob("*.jsonl"):
        with open(path, encoding="utf-8") as fh:
            public |= {squash(json.loads(line)["text"]) for line in fh if line.strip()}
    for name in ("train.jsonl", "eval.jsonl"):
        shared = [
            row["text"]
            for row in learning.load_jsonl(learning.DATA / name)
            if squash(row["text"]) in public
        ]
        assert not shared, f"{name}: {shared[:3]}"
