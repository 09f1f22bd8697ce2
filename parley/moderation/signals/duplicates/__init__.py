"""Duplicates: the same or nearly the same text posted again, found by SimHash.

A comment's own words are normalised (folded as word lists fold them, punctuation and
whitespace squashed), cut into overlapping three-word shingles, and reduced to a 64-bit
SimHash: texts that share most shingles get hashes a few bits apart. remember() stores the
hash in a Fingerprint; score() compares a new comment with the last RECENT fingerprints in
one indexed query, and reads more of those that match in a second (nothing is cached
between requests).

A match is at most MAX_DISTANCE bits apart, with lengths within MIN_LENGTH_RATIO of each
other. It holds the comment: score 1.0 for the same text, 0.8 for a near one, with the
reason "duplicate of #812" or "near-duplicate of #812", and "by the same commenter" or "in
another discussion" where that is so. The same commenter posting it twice in one thread
within DOUBLE_POST is a double post: "posted twice: same as #812". The earlier comment's id
goes with the result (`earlier_id`, stored with the scores), so its author can be shown the
comment they repeated. Texts of fewer than MIN_WORDS words are never duplicates.

Only comments still there count: a deleted comment's print goes with it, and the prints of
comments left as "deleted" placeholders or removed by a moderator (rejected, spam) are
passed over, so posting the same words again after deleting a comment is not a repeat. An
edit replaces the print with the new words' (or drops it, when they are too short).

Three bits of 64 is strict: it finds copies with a word or two changed in a long comment,
not rewordings of a short one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db import connection

from parley.discussion.models import Comment
from parley.moderation.models import Fingerprint
from parley.moderation.signals.base import Result, Settings, Signal, Subject
from parley.moderation.wordlists import fold

RECENT = 5000
# Bits of 64 two texts may differ by: unrelated comments were never closer than 16 bits in
# 20,000 pairs measured, while one or two words changed in 40+ words stay within 8.
MAX_DISTANCE = 8
MIN_LENGTH_RATIO = 0.8
MIN_WORDS = 6
DOUBLE_POST = timedelta(minutes=1)

# Comments whose print no longer counts: no reader sees them, nor does their author.
GONE = (Comment.Status.DELETED, Comment.Status.REJECTED)

_WORD = re.compile(r"[^\W_]+")
_BITS = 64
_MASK = (1 << _BITS) - 1


@dataclass(frozen=True)
class Print:
    """A text's SimHash (unsigned) and the length of its normalised form."""

    simhash: int
    length: int


def normalise(text: str) -> str:
    """Folded words, one space between them: "Olá, MUNDO!" → "ola mundo"."""
    return " ".join(_WORD.findall(fold(text)))


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest())


def simhash(features: set[str]) -> int:
    """The 64-bit SimHash of a set of features, each weighing the same."""
    hashes = [_hash(feature) for feature in features]
    if not hashes:
        return 0
    # Bit j of every hash, as a column of "0"s and "1"s: count the "1"s in C, not in Python.
    bits = "".join(format(h, "064b") for h in hashes)
    half = len(hashes) / 2
    majority = "".join("1" if bits[j::_BITS].count("1") > half else "0" for j in range(_BITS))
    return int(majority, 2)


@functools.lru_cache(maxsize=64)  # score() and remember() ask for the same text's print
def fingerprint(text: str) -> Print | None:
    """The text's print, or None for a text too short to compare."""
    normal = normalise(text)
    words = normal.split(" ")
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    return Print(simhash=simhash(shingles), length=len(normal))


def signed(value: int) -> int:
    """An unsigned 64-bit value as the signed one a BigIntegerField stores."""
    return value - (1 << _BITS) if value >> (_BITS - 1) else value


def distance(a: int, b: int) -> int:
    """Bits that differ between two 64-bit hashes, signed or not."""
    return ((a ^ b) & _MASK).bit_count()


class _Match(NamedTuple):
    comment_id: int
    thread_id: int
    author_key: str
    bits: int
    identical: bool
    recent: bool  # stored within DOUBLE_POST before the comment


def _recent(leave_out: int | None) -> list[tuple[int, int, int]]:
    """(comment id, simhash, length) of the last RECENT prints but `leave_out`'s, newest
    first: written out, since it runs on every post and the ORM took longer to build the
    query than the database to answer it."""
    table = connection.ops.quote_name(Fingerprint._meta.db_table)
    where, params = ("WHERE comment_id <> %s", [leave_out]) if leave_out is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT comment_id, simhash, length FROM {table} {where}"  # noqa: S608  (no input)
            " ORDER BY created_at DESC LIMIT %s",
            [*params, RECENT],
        )
        return cursor.fetchall()


class DuplicatesSignal(Signal):
    name = "duplicates"
    inline = True

    def _matches(self, subject: Subject, mine: Print) -> list[_Match]:
        """Recent fingerprints close to `mine`, newest first.

        One indexed statement reads only the hashes and lengths of the last RECENT comments:
        reading the rest of 5,000 rows would take longer than comparing them. The thread,
        commenter and time of the few that match take a second query, by their ids, which
        passes over the comments that are GONE."""
        close: dict[int, tuple[int, bool]] = {}  # comment id → (bits, identical)
        for comment_id, value, length in _recent(subject.comment_id):
            bits = ((value ^ mine.simhash) & _MASK).bit_count()
            if bits > MAX_DISTANCE:
                continue
            if min(length, mine.length) < MIN_LENGTH_RATIO * max(length, mine.length):
                continue
            close[comment_id] = (bits, bits == 0 and length == mine.length)
        if not close:
            return []
        since = subject.created_at - DOUBLE_POST
        details = (
            Fingerprint.objects.filter(comment_id__in=close)
            .exclude(comment_id__in=Comment.objects.filter(pk__in=close, status__in=GONE))
            .order_by("-created_at")
        )
        return [
            _Match(comment_id, thread_id, author_key, *close[comment_id], created_at >= since)
            for comment_id, thread_id, author_key, created_at in details.values_list(
                "comment_id", "thread_id", "author_key", "created_at"
            )
        ]

    def score(self, subject: Subject, settings: Settings) -> list[Result]:
        mine = fingerprint(subject.text)
        if mine is None:
            return []
        matches = self._matches(subject, mine)
        if not matches:
            return []
        for match in matches:
            if (
                match.recent
                and match.author_key == subject.author_key
                and match.thread_id == subject.thread_id
            ):
                score = 1.0 if match.identical else 0.8
                reason = f"posted twice: same as #{match.comment_id}"
                return [Result(self.name, score, [reason], hold=True, earlier_id=match.comment_id)]
        best = min(matches, key=lambda match: match.bits)  # the newest of the closest
        reason = f"{'duplicate' if best.identical else 'near-duplicate'} of #{best.comment_id}"
        if best.author_key == subject.author_key:
            reason += " by the same commenter"
        if best.thread_id != subject.thread_id:
            reason += " in another discussion"
        score = 1.0 if best.identical else 0.8
        return [Result(self.name, score, [reason], hold=True, earlier_id=best.comment_id)]

    def remember(self, subject: Subject, comment_id: int) -> None:
        mine = fingerprint(subject.text)
        if mine is None:
            if subject.comment_id is not None:  # edited into words too short to compare
                Fingerprint.objects.filter(comment_id=comment_id).delete()
            return
        values = {
            "thread_id": subject.thread_id,
            "author_key": subject.author_key[:300],
            "simhash": signed(mine.simhash),
            "length": mine.length,
            "created_at": subject.created_at,
        }
        if subject.comment_id is None:  # a new comment has no print yet: one INSERT
            Fingerprint.objects.create(comment_id=comment_id, **values)
            return
        Fingerprint.objects.update_or_create(comment_id=comment_id, defaults=values)
