"""The one interface of automatic moderation signals; the policy combines their results.

A signal looks at a comment (a Subject) and says how suspect it is (0..1), why in words a
moderator reads in the queue, and whether that alone should hold the comment for review.
Fast signals (rules, near-duplicates) run while the comment is posted; slow ones (the learned
classifier) run in a background task right after, on the committed comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Subject:
    """What signals look at: a comment being posted, or one already stored."""

    text: str  # the commenter's own words, plain text (no quotes of others)
    body: str  # the Markdown source as written
    language: str  # detected language code, "" when unknown
    thread_id: int
    comment_id: int | None  # None while it is being posted
    author_key: str  # "user:12", "email:ana@example.org" or "ip:203.0.113.9"
    author_trust: str  # "guest", "verified", "trusted" or "staff"
    links: int  # links in the comment's own words
    created_at: datetime
    urls: tuple[str, ...] = ()  # where those links go, in order
    website: str = ""  # the website the commenter signed with
    ip: str = ""  # the address the comment came from, "" when unknown


@dataclass(frozen=True)
class Result:
    signal: str  # "rules", "duplicates", "abuse", "spam"...
    score: float  # 0 (nothing suspect) .. 1
    reasons: list[str] = field(default_factory=list)  # "4 links", "near-duplicate of #812"
    hold: bool = False  # this alone holds (hides) the comment until a moderator decides
    review: bool = False  # this alone puts the comment in the queue; it stays published
    earlier_id: int | None = None  # the earlier comment a reason names ("same as #812")
    # What kind of reason each of `reasons` is, where one signal finds several kinds (the
    # queue's filters read these, never the words): "banned", "suspect", "links"...
    kinds: tuple[str, ...] = ()
    # Words of the comment the moderator should see marked ("idiot"), as written.
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The policy's numbers a signal may need."""

    max_links: int = 3
    review_score: float = 0.63  # Policy.review_score's default
    hold_score: float | None = None  # None: the classifier never hides a comment by itself


class Signal:
    """Base class of signals; one subclass per folder in moderation/signals/."""

    name: str = ""
    #: True: fast enough to run inside the posting transaction (well under a millisecond).
    inline: bool = True

    def score(self, subject: Subject, settings: Settings) -> list[Result]:
        raise NotImplementedError

    def remember(self, subject: Subject, comment_id: int) -> None:  # noqa: B027  (optional)
        """Called once the comment is stored (same transaction): keep what later checks need."""
