"""Moderators' regular expressions run with a time limit, and slow ones are refused when saved.

The limits are CPU time counted by the `regex` package, so a busy machine does not change
what these tests see; none of them measures time itself.
"""

from __future__ import annotations

import logging

import pytest
from django.utils import timezone

from parley.discussion.models import Comment
from parley.lib.errors import Invalid
from parley.moderation import wordlists
from parley.moderation.models import Screening, WordList

NESTED = "/(a+)+$/"  # exponential on "aaaa…!" in a backtracking engine
# As slow, but no repetition inside a repetition: only running it shows it.
STALLING = "/(a|aa)+$/"
LONG_A = "a" * 3000 + "!"


@pytest.fixture(autouse=True)
def _fresh_lists():
    wordlists.forget()
    yield
    wordlists.forget()


def stored_directly(entries: str, kind: str = WordList.Kind.BANNED) -> None:
    """A list written to the table some other way than save() (an import, an old version),
    so none of save()'s checks ran on it."""
    WordList.objects.create(language="", kind=kind, entries=entries)
    wordlists.forget()


def test_a_repeated_repetition_is_refused_when_saved(ana):
    with pytest.raises(Invalid, match=r"^Line 1: “/\(a\+\)\+\$/” repeats a repetition"):
        wordlists.save("", "banned", NESTED, by=ana)
    assert not WordList.objects.exists()


@pytest.mark.parametrize("entry", ["/(a|a)+$/", "/(a|aa)+$/", "/(?:i|i)+diot$/"])
def test_overlapping_alternatives_that_stall_are_refused_when_saved(ana, entry):
    """No repetition inside a repetition, so only trying them shows they stall."""
    with pytest.raises(Invalid) as caught:
        wordlists.save("", "banned", f"idiot\n{entry}", by=ana)
    assert caught.value.message.startswith(f"Line 2: “{entry}” takes too long to search")
    assert "fewer nested or overlapping repetitions" in caught.value.message
    assert not WordList.objects.exists()


@pytest.mark.parametrize("entry", ["/x+y/", "/sc[a4]m+er/", "/\\bf+r+e+e\\b/", "/(?:buy|get) now/"])
def test_ordinary_patterns_save_and_match(ana, entry):
    wordlists.save("", "banned", entry, by=ana)
    banned, _suspect = wordlists.patterns("en")
    assert len(banned) == 1
    text = {"/x+y/": "xxxy", "/sc[a4]m+er/": "a sc4mmer", "/\\bf+r+e+e\\b/": "ffree stuff"}
    sample = text.get(entry, "get now")
    assert list(wordlists.finditer(banned, sample))


@pytest.mark.django_db
def test_a_stalling_pattern_stored_elsewhere_finds_nothing_and_logs_once(caplog):
    from parley.moderation.signals.base import Settings, Subject
    from parley.moderation.signals.rules import RulesSignal

    stored_directly(f"{STALLING}\nidiot")
    caplog.set_level(logging.WARNING, logger="parley.moderation.wordlists")

    def score(text: str):
        subject = Subject(
            text=text,
            body=text,
            language="en",
            thread_id=1,
            comment_id=None,
            author_key="user:7",
            author_trust="verified",
            links=0,
            created_at=timezone.now(),
        )
        return RulesSignal().score(subject, Settings())

    for _ in range(2):  # returns, and the pattern that ran out holds nothing
        (result,) = score(LONG_A)
        assert not result.hold and result.kinds == ("repeated",)
    warnings = [r for r in caplog.records if "ran out of its" in r.getMessage()]
    assert len(warnings) == 1
    assert "/(a|aa)+$/" in warnings[0].getMessage()
    # The word entry of the same list still works, in a comment the pattern also searches.
    (held,) = score("You idiot " + LONG_A)
    assert held.hold and held.reasons[0] == "banned word “idiot”"


@pytest.mark.django_db
def test_a_nested_repetition_stored_elsewhere_is_skipped_when_loaded(caplog):
    stored_directly(f"{NESTED}\nidiot")
    caplog.set_level(logging.WARNING, logger="parley.moderation.wordlists")
    banned, _suspect = wordlists.patterns("en")
    assert [m.group() for m in wordlists.finditer(banned, "idiot " + LONG_A)] == ["idiot"]
    assert any("repeats a repetition" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_patterns_share_a_budget_per_comment(caplog):
    slow = [f"/(a|aa)+{letter}?$/" for letter in "bcdefghijk"]  # ten that each run out
    stored_directly("\n".join(slow))
    caplog.set_level(logging.WARNING, logger="parley.moderation.wordlists")
    banned, _suspect = wordlists.patterns("en")
    assert list(wordlists.finditer(banned, LONG_A)) == []
    messages = [r.getMessage() for r in caplog.records]
    ran_out = [m for m in messages if "ran out of its" in m]
    skipped = [m for m in messages if "was not searched" in m]
    # At most TEXT_SECONDS / PATTERN_SECONDS of them ran; the rest were not tried at all.
    assert 1 <= len(ran_out) <= round(wordlists.TEXT_SECONDS / wordlists.PATTERN_SECONDS) + 1
    assert len(ran_out) + len(skipped) == len(slow)


@pytest.mark.django_db
def test_posting_goes_on_when_a_pattern_stalls(thread, post_as, caplog):
    stored_directly(STALLING)
    caplog.set_level(logging.WARNING, logger="parley.moderation.wordlists")
    comment = post_as(thread, "Guest", LONG_A)
    assert comment.status == Comment.Status.PUBLISHED
    screening = Screening.objects.get(comment=comment)
    assert not screening.held
    assert "banned" not in screening.reasons
    again = post_as(thread, "Guest", LONG_A.replace("!", "?"))
    assert again.status == Comment.Status.PUBLISHED
    assert sum("ran out of its" in r.getMessage() for r in caplog.records) == 1
