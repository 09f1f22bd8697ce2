"""The duplicates signal: SimHash prints of comments, and what counts as posting one again."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from parley.discussion.models import Comment
from parley.moderation import wordlists
from parley.moderation.models import Fingerprint, Screening
from parley.moderation.signals import load
from parley.moderation.signals.base import Result, Settings, Subject
from parley.moderation.signals.duplicates import (
    DuplicatesSignal,
    distance,
    fingerprint,
    normalise,
    signed,
)
from tests.moderation.conftest import post_form

DUPLICATES = DuplicatesSignal()

LETTER = (
    "The harbour master's letter is dated the fourth of March, and it says plainly that the "
    "ferry to the island was cancelled because of the storm, not because of the strike."
)
# About 200 words. Three differing bits of 64 is strict: a word or two changed in a text this
# long often stays within them (the edits below do), in a short comment it seldom does.
ACCOUNT = (
    "I grew up on the island and I remember that winter well. The ferry stopped running in "
    "the second week of February, and for nine days nothing came across except the post boat, "
    "which my uncle skippered because the regular captain was ill. People said it was the "
    "strike, but the dock workers had gone back to work on the first of the month, and the "
    "harbour log that the archive put online shows the crossings cancelled one by one with "
    "the same note: wind from the north-east, force eight, sea state rough. My mother kept a "
    "diary and she wrote about the bread running out at the shop and the school closing "
    "because the teacher lived on the mainland. When the ferry came back the first thing it "
    "carried was flour and the second was the doctor. I think the minister's statement a "
    "month later mixed up two different winters, because the strike everyone remembers was "
    "in the autumn of the year before, when the boats were tied up for almost three weeks "
    "and the fishermen brought supplies in their own boats. Whoever wrote the summary in "
    "this dossier should look at both years side by side."
)


def subject(
    text: str,
    *,
    thread: int = 1,
    author: str = "user:7",
    at: datetime | None = None,
    comment_id: int | None = None,
) -> Subject:
    return Subject(
        text=text,
        body=text,
        language="en",
        thread_id=thread,
        comment_id=comment_id,
        author_key=author,
        author_trust="verified",
        links=0,
        created_at=at or timezone.now(),
    )


def stored(comment_id: int, text: str, **fields) -> None:
    """A comment that was posted earlier, as screening remembers it."""
    DUPLICATES.remember(subject(text, **fields), comment_id)


def duplicates(text: str, **fields) -> list[Result]:
    return DUPLICATES.score(subject(text, **fields), Settings())


def only(results: list[Result]) -> Result:
    assert len(results) == 1
    assert results[0].signal == "duplicates"
    assert results[0].hold
    return results[0]


def test_the_signal_loads_by_its_folder_name():
    signal = load("duplicates")
    assert isinstance(signal, DuplicatesSignal)
    assert signal.inline


# -- prints -------------------------------------------------------------------------------------


def test_normalising_folds_case_diacritics_punctuation_and_spaces():
    assert normalise("Olá,   MUNDO!\n— Šta je_ovo?") == "ola mundo sta je ovo"


def test_short_texts_have_no_print():
    assert fingerprint("Thanks, very well said indeed!") is None  # five words
    assert fingerprint("Thanks, that was very well said!") is not None


def test_prints_are_stored_as_signed_64_bit_integers():
    assert signed(2**64 - 1) == -1
    assert signed(2**63) == -(2**63)
    assert signed(2**63 - 1) == 2**63 - 1
    assert distance(signed(2**64 - 1), 0) == 64
    assert distance(signed(2**63), 2**63) == 0
    assert distance(-1, 2**64 - 2) == 1


@pytest.mark.django_db
def test_remember_stores_one_print_per_comment():
    print_ = fingerprint(LETTER)
    assert print_ is not None
    stored(812, LETTER, thread=3, author="email:ana@example.org")
    edited = subject(LETTER, thread=3, author="email:ana@example.org", comment_id=812)
    DUPLICATES.remember(edited, 812)  # an edit replaces the print
    row = Fingerprint.objects.get()
    assert (row.comment_id, row.thread_id, row.author_key) == (812, 3, "email:ana@example.org")
    assert row.simhash == signed(print_.simhash)
    assert -(2**63) <= row.simhash < 2**63
    assert row.length == len(normalise(LETTER))


@pytest.mark.django_db
def test_a_new_comments_print_is_one_insert(django_assert_num_queries):
    with django_assert_num_queries(1):
        stored(812, LETTER)
    assert Fingerprint.objects.get().comment_id == 812


@pytest.mark.django_db
def test_a_short_comment_is_neither_stored_nor_matched():
    stored(1, "Well said, thanks!")
    assert not Fingerprint.objects.exists()
    assert duplicates("Well said, thanks!", author="user:8") == []


# -- matches ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_text_by_someone_else_is_a_duplicate():
    stored(812, LETTER, author="user:1")
    result = only(duplicates(LETTER, author="user:2"))
    assert (result.score, result.reasons) == (1.0, ["duplicate of #812"])
    assert result.earlier_id == 812


@pytest.mark.django_db
def test_case_punctuation_and_diacritics_do_not_hide_a_duplicate():
    stored(812, LETTER, author="user:1")
    shouted = LETTER.upper().replace(",", "").replace("ferry", "férry") + "!!!"
    assert only(duplicates(shouted, author="user:2")).reasons == ["duplicate of #812"]


@pytest.mark.django_db
def test_a_few_words_changed_is_a_near_duplicate():
    stored(812, ACCOUNT, author="user:1")
    edited = ACCOUNT.replace("my uncle", "my cousin").replace("same note", "same entry")
    result = only(duplicates(edited, author="user:2"))
    assert (result.score, result.reasons) == (0.8, ["near-duplicate of #812"])


@pytest.mark.django_db
def test_different_texts_do_not_match():
    stored(812, LETTER, author="user:1")
    stored(813, ACCOUNT, author="user:1")
    other = (
        "The harbour master wrote to the ministry in March about the new timetable, and the "
        "letter asks for a second ferry on weekdays because of the school."
    )
    assert duplicates(other, author="user:2") == []
    assert duplicates(ACCOUNT[: len(ACCOUNT) // 2], author="user:2") == []  # far shorter


@pytest.mark.django_db
def test_the_same_commenter_in_another_discussion():
    stored(812, LETTER, thread=1, author="user:7")
    result = only(duplicates(LETTER, thread=2, author="user:7"))
    assert result.reasons == ["duplicate of #812 by the same commenter in another discussion"]
    stored(813, ACCOUNT, thread=1, author="user:1")
    edited = ACCOUNT.replace("the doctor", "the vet")
    assert only(duplicates(edited, thread=2, author="user:2")).reasons == [
        "near-duplicate of #813 in another discussion"
    ]


@pytest.mark.django_db
def test_the_same_commenter_twice_within_a_minute_in_one_thread_posted_twice():
    now = timezone.now()
    stored(812, LETTER, author="user:7", at=now - timedelta(seconds=20))
    result = only(duplicates(LETTER, author="user:7", at=now))
    assert (result.score, result.reasons) == (1.0, ["posted twice: same as #812"])
    assert result.earlier_id == 812


@pytest.mark.django_db
def test_the_same_commenter_again_later_is_a_duplicate_by_the_same_commenter():
    now = timezone.now()
    stored(812, LETTER, author="user:7", at=now - timedelta(minutes=5))
    assert only(duplicates(LETTER, author="user:7", at=now)).reasons == [
        "duplicate of #812 by the same commenter"
    ]


@pytest.mark.django_db
def test_the_newest_closest_print_is_named():
    now = timezone.now()
    stored(700, LETTER, author="user:1", at=now - timedelta(days=2))
    stored(701, LETTER, author="user:2", at=now - timedelta(days=1))
    result = only(duplicates(LETTER, author="user:3"))
    assert (result.reasons, result.earlier_id) == (["duplicate of #701"], 701)


@pytest.mark.django_db
def test_a_stored_comment_is_not_its_own_duplicate():
    stored(812, LETTER)
    assert duplicates(LETTER, comment_id=812) == []


@pytest.mark.django_db
def test_posting_twice_through_the_form_holds_the_second(client, thread, no_rate_limit, settings):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    wordlists.forget()
    post_form(client, LETTER)
    post_form(client, LETTER)
    first, second = Comment.objects.order_by("pk")
    assert (first.status, second.status) == ("published", "pending")
    screening = Screening.objects.get(comment=second)
    assert screening.summary == f"held: posted twice: same as #{first.pk}"
    assert screening.scores["duplicates"]["earlier_id"] == first.pk
    assert Fingerprint.objects.filter(comment_id__in=[first.pk, second.pk]).count() == 2


# -- speed --------------------------------------------------------------------------------------


def _noise(count: int, *, before: datetime) -> None:
    """`count` prints of other comments, all newer than `before`."""
    rng = random.Random(20260304)
    Fingerprint.objects.bulk_create(
        Fingerprint(
            comment_id=10_000 + i,
            thread_id=rng.randrange(1, 200),
            author_key=f"user:{rng.randrange(1, 500)}",
            simhash=signed(rng.getrandbits(64)),
            length=rng.randrange(100, 2000),
            created_at=before + timedelta(seconds=i + 1),
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_score_compares_with_5000_prints_fast(django_assert_num_queries):
    now = timezone.now()
    stored(812, LETTER, author="user:1", at=now - timedelta(days=1))
    _noise(4999, before=now - timedelta(days=1))  # 812 is the oldest of the last 5,000
    DUPLICATES.score(subject(ACCOUNT), Settings())  # warm up
    with django_assert_num_queries(1):  # nothing matches: one query
        started = time.perf_counter()
        assert DUPLICATES.score(subject(ACCOUNT, author="user:2"), Settings()) == []
        elapsed = time.perf_counter() - started
    assert elapsed < 0.2
    with django_assert_num_queries(2):  # a match: and one to say whose and where it is
        started = time.perf_counter()
        result = DUPLICATES.score(subject(LETTER, author="user:2"), Settings())
        elapsed = time.perf_counter() - started
    assert only(result).reasons == ["duplicate of #812"]
    assert elapsed < 0.2


@pytest.mark.django_db
def test_prints_older_than_the_last_5000_are_not_compared():
    now = timezone.now()
    stored(812, LETTER, author="user:1", at=now - timedelta(days=1))
    _noise(5000, before=now - timedelta(days=1))
    assert duplicates(LETTER, author="user:2") == []
