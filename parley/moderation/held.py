"""What the author of a held comment is told about it, beside the comment itself.

The author sees their held comment in place, marked as awaiting review, unless they are
shadow-banned: then they see it as everyone else would, unmarked, and are not told. A
comment held as a repeat of another (the duplicates signal stores the earlier comment's id
with its scores) names that comment, so its author finds what they posted before; the
earlier comment is named only to a viewer who may see it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from parley.discussion.access import Viewer
from parley.discussion.models import Comment
from parley.moderation.models import Screening


@dataclass(frozen=True)
class Held:
    marked: bool  # False: the author is shadow-banned, and the comment is shown unmarked
    repeats: Comment | None = None  # the earlier comment it repeats, if the viewer may see it
    repeats_own: bool = False  # that earlier comment is the viewer's own


UNMARKED = Held(marked=False)
MARKED = Held(marked=True)


def earlier_id(scores: dict) -> int | None:
    """The earlier comment a holding signal named ("posted twice: same as #812")."""
    for result in scores.values():
        if isinstance(result, dict) and result.get("hold") and result.get("earlier_id"):
            earlier = result["earlier_id"]
            return earlier if isinstance(earlier, int) else None
    return None


def for_author(comment_ids: Collection[int], viewer: Viewer) -> dict[int, Held]:
    """What to show the viewer beside each of their held comments; two queries at most."""
    if not comment_ids:
        return {}
    rows = Screening.objects.filter(comment_id__in=comment_ids).values_list(
        "comment_id", "shadow", "scores"
    )
    shadowed: set[int] = set()
    named: dict[int, int] = {}  # held comment → the earlier comment it repeats
    for comment_id, shadow, scores in rows:
        if shadow:
            shadowed.add(comment_id)
        elif (named_id := earlier_id(scores or {})) is not None:
            named[comment_id] = named_id
    earlier_comments = {
        c.pk: c
        for c in Comment.objects.filter(pk__in=set(named.values())).only(
            "pk", "thread_id", "author_id", "status", "created_at"
        )
    }
    out: dict[int, Held] = {}
    for comment_id in comment_ids:
        if comment_id in shadowed:
            out[comment_id] = UNMARKED
            continue
        earlier = earlier_comments.get(named.get(comment_id, 0))
        if earlier is None or earlier.is_deleted or not viewer.may_see(earlier):
            out[comment_id] = MARKED
        else:
            out[comment_id] = Held(marked=True, repeats=earlier, repeats_own=viewer.wrote(earlier))
    return out
