"""The queue's order, as one rule: named comments, and which of each pair needs a human first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.moderation.queue import Priority, priority_of

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def scored(group: str, score: float, *, hold: bool = False) -> dict:
    """Stored scores of a comment the classifier held or questioned for `group`."""
    return {
        group: {"score": score, "reasons": [f"{group} {score:.2f}"], "hold": hold, "review": True}
    }


def rules(*kinds: str, score: float = 0.3, hold: bool = False) -> dict:
    return {
        "rules": {
            "score": score,
            "reasons": list(kinds),
            "hold": hold,
            "review": not hold,
            "kinds": list(kinds),
        }
    }


def comment(
    scores: dict | None = None,
    *,
    status: str = "published",
    depth: int = 0,
    replies: int = 0,
    thread_comments: int = 40,
    hours: float = 1.0,
    flags: tuple[str, ...] = (),
) -> Priority:
    return priority_of(
        status=status,
        depth=depth,
        replies=replies,
        thread_comments=thread_comments,
        created_at=NOW - timedelta(hours=hours),
        scores=scores,
        flag_reasons=list(flags),
        now=NOW,
    )


# Named comments of a heated thread.
SHOWN_THREAT = comment(scored("threat", 0.85))
HELD_THREAT = comment(scored("threat", 0.95, hold=True), status="pending")
SHOWN_HATE = comment(scored("hate", 0.85))
SHOWN_INSULT = comment(scored("abuse", 0.93))
BANNED_WORD = comment(rules("banned", score=1.0, hold=True), status="pending")
SHOWN_SPAM = comment(scored("spam", 0.97))
LINK_SPAM = comment(rules("links", score=1.0, hold=True), status="pending")
SUSPECT_WORD = comment(rules("suspect"))
SURE_SUSPECT = comment(rules("suspect", "suspect", "suspect", score=1.0))
FAINT_THREAT = comment(scored("threat", 0.66))  # just past the review bar (0.63)
UNSURE = comment(  # past the bar with every category together, none named alone
    {
        "threat": {"score": 0.18, "reasons": ["needs review 0.72"], "hold": False, "review": True},
        "abuse": {"score": 0.18, "reasons": [], "hold": False, "review": False},
        "hate": {"score": 0.18, "reasons": [], "hold": False, "review": False},
        "spam": {"score": 0.18, "reasons": [], "hold": False, "review": False},
    }
)
POSTED_TWICE = comment(
    {"duplicates": {"score": 1.0, "reasons": ["posted twice"], "hold": True, "review": False}},
    status="pending",
)
NEW_COMMENTER = comment(None, status="pending")
FIRST = comment(scored("abuse", 0.31), depth=0, thread_comments=265, hours=0.5)
DEEP_QUIET_REPLY = comment(scored("abuse", 0.31), depth=4, thread_comments=3, hours=0.5)


@pytest.mark.parametrize(
    "first, then, why",
    [
        (SHOWN_THREAT, SHOWN_INSULT, "a threat before an insult, even a surer one"),
        (SHOWN_HATE, SHOWN_INSULT, "hate before an insult"),
        (SHOWN_INSULT, SHOWN_SPAM, "an insult before spam"),
        (BANNED_WORD, LINK_SPAM, "a banned word is an insult: before spam, both held"),
        (SHOWN_SPAM, BANNED_WORD, "sure spam readers see now before a banned word nobody sees"),
        (SHOWN_INSULT, FAINT_THREAT, "a sure insult before a threat the model barely names"),
        (FAINT_THREAT, SURE_SUSPECT, "a threat the model names before any suspect word"),
        (SHOWN_SPAM, SUSPECT_WORD, "spam before a suspect word"),
        (LINK_SPAM, SUSPECT_WORD, "too many links look like spam"),
        (SUSPECT_WORD, POSTED_TWICE, "a suspect word before a double post nobody sees"),
        (SHOWN_SPAM, UNSURE, "spam before what the model cannot name"),
        (UNSURE, POSTED_TWICE, "what the model asks about, shown, before a double post"),
        (POSTED_TWICE, NEW_COMMENTER, "anything found before a comment held only by policy"),
        (SHOWN_THREAT, HELD_THREAT, "a threat readers see now before a surer one nobody sees"),
        (SHOWN_SPAM, LINK_SPAM, "spam shown now before held link spam"),
        (FIRST, DEEP_QUIET_REPLY, "top-level on a busy post before a deep reply on a quiet one"),
    ],
)
def test_which_comes_first(first: Priority, then: Priority, why: str):
    assert first.key > then.key, why


def test_severity_weighs_more_than_confidence_at_equal_confidence():
    for sure in (0.3, 0.6, 0.9):
        keys = [comment(scored(group, sure)).key for group in ("threat", "abuse", "spam")]
        assert keys == sorted(keys, reverse=True) and len(set(keys)) == 3


def test_the_models_confidence_orders_one_kind():
    assert comment(scored("abuse", 0.9)).key > comment(scored("abuse", 0.4)).key


def test_readers_flags_count_and_their_reason_is_a_severity():
    one = comment(flags=("threat",))
    three = comment(flags=("threat", "threat", "threat"))
    assert one.kind == "threat" and one.flags == 1 and one.confidence == 0.5
    assert three.key > one.key > SHOWN_INSULT.key  # one reader's threat report first
    assert comment(flags=("offtopic",)).key < SHOWN_SPAM.key


def test_replies_and_freshness_raise_a_comment():
    assert comment(scored("abuse", 0.5), replies=6).key > comment(scored("abuse", 0.5)).key
    fresh = comment(scored("abuse", 0.5), hours=0.2)
    assert fresh.key > comment(scored("abuse", 0.5), hours=30).key


def test_a_model_unsure_of_the_category_is_not_a_threat():
    # As sure as the score is past the review bar: (0.72 - 0.63) / (1 - 0.63).
    assert UNSURE.kind == "unsure" and UNSURE.confidence == pytest.approx(0.09 / 0.37)
    assert UNSURE.parts()[0] == "the model is unsure"


def test_a_group_below_the_reason_level_does_not_count():
    scores = scored("abuse", 0.4)
    scores["threat"] = {"score": 0.05, "reasons": [], "hold": False, "review": False}
    assert comment(scores).kind == "abuse"
    scores["threat"]["score"] = 0.25  # named among the reasons: it counts
    assert comment(scores).kind == "threat"


def test_the_parts_say_why_in_words():
    parts = comment(scored("threat", 0.71), replies=2, thread_comments=265).parts()
    assert parts == [
        "a threat",
        "shown to readers",
        "top-level",
        "2 replies",
        "265 comments on the post",
    ]
    held = comment(
        rules("links", score=1.0, hold=True), status="pending", depth=2, flags=("spam",)
    ).parts()
    assert held[:4] == ["many links", "flagged by 1 reader", "hidden until decided", "a reply"]
