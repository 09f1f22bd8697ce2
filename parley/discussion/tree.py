"""Rebuild the reply tree of a page of comments, ready to render without recursion.

Nesting stops at a fixed depth: deeper replies line up under the last indented
level and say whom they answer. A reply whose parent is on another page does
the same. The result is a flat list in depth-first order, each item saying how
many reply containers to open or close after it, so templates loop once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from parley.discussion.models import Comment


@dataclass
class Node:
    comment: Comment
    level: int  # indentation level on the page, 0 .. max_indent
    # True when the comment it hangs under on the page is not its parent (the
    # parent is deeper than the indentation allows, or on another page).
    detached: bool
    opens: bool = False  # the next items are its replies
    closes: int = 0  # reply containers to close after this item

    @property
    def close_range(self) -> range:
        return range(self.closes)


def build(comments: list[Comment], *, max_indent: int) -> list[Node]:
    on_page = {c.pk for c in comments}
    children: dict[int, list[Comment]] = defaultdict(list)
    tops: list[Comment] = []
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in on_page:
            children[comment.parent_id].append(comment)
        else:
            tops.append(comment)

    nodes: list[Node] = []
    # Depth-first without recursion: threads can be thousands of levels deep.
    stack: list[tuple[Comment, int, bool]] = [
        (c, 0, c.parent_id is not None) for c in reversed(tops)
    ]
    while stack:
        comment, level, detached = stack.pop()
        nodes.append(Node(comment=comment, level=level, detached=detached))
        kids = children.get(comment.pk, ())
        child_level = min(level + 1, max_indent)
        for kid in reversed(kids):
            stack.append((kid, child_level, child_level == level))

    for index, node in enumerate(nodes):
        following = nodes[index + 1].level if index + 1 < len(nodes) else 0
        node.opens = following > node.level
        node.closes = 0 if node.opens else node.level - following
    return nodes
