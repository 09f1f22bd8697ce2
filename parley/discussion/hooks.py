"""Where other apps attach to posting and editing: screeners and annotators.

The moderation app registers its screeners and the language app its annotator when they
start (their apps.py); discussion.actions calls them on every comment posted or edited,
before it takes the write lock, so their reads and their work never hold other writers up.
"""

from __future__ import annotations

from collections.abc import Callable

from parley.discussion.models import Comment

# Called with the unsaved comment (its body and body_html set, annotated), before the write
# lock is taken; a screener may set comment.status (the moderation app registers its policy
# here), refuse the comment by raising an ActionError, and return a callable run with the
# comment once it is saved, inside the transaction that saves it.
Screener = Callable[[Comment], Callable[[Comment], None] | None]
_screeners: list[Screener] = []


def register_screener(screener: Screener) -> None:
    if screener not in _screeners:
        _screeners.append(screener)


# The same for an edit: called with a copy of the stored comment carrying its new body, before
# the write lock is taken; it may set comment.status (hold it). Should the comment's status
# change before the lock is taken, the edit screeners run again under the lock, on what is
# stored then.
_edit_screeners: list[Screener] = []


def register_edit_screener(screener: Screener) -> None:
    if screener not in _edit_screeners:
        _edit_screeners.append(screener)


# Called with a comment whose body (and body_html) was just set, before it is saved, when it
# is posted and when it is edited; an annotator sets derived fields listed in ANNOTATED
# (the language app detects the language here).
Annotator = Callable[[Comment], None]
_annotators: list[Annotator] = []
ANNOTATED = ["language", "language_confidence"]


def register_annotator(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)


def annotate(comment: Comment) -> None:
    for annotator in _annotators:
        annotator(comment)


def screen(comment: Comment) -> list[Callable[[Comment], None]]:
    """Run the post screeners on an unsaved comment; what to run once it is saved."""
    return [after for screener in _screeners if (after := screener(comment))]


def screen_edit(comment: Comment) -> list[Callable[[Comment], None]]:
    """Run the edit screeners on a comment carrying its new body; what to run once saved."""
    return [after for screener in _edit_screeners if (after := screener(comment))]


# Called with the ids of published comments an edit has just held; answers those whose hold
# only moderators may hear of (the moderation app answers its shadow-banned authors' comments:
# they are shown to their author as if nothing were wrong, and to no one else).
Concealer = Callable[[list[int]], set[int]]
_concealers: list[Concealer] = []


def register_concealer(concealer: Concealer) -> None:
    if concealer not in _concealers:
        _concealers.append(concealer)


def concealed(comment_ids: list[int]) -> set[int]:
    """The comments among these whose changes are told to moderators only."""
    found: set[int] = set()
    for concealer in _concealers:
        found |= concealer(comment_ids)
    return found
