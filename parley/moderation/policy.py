"""The policy in force for a thread: its post's own, else the site's."""

from __future__ import annotations

from django.db.models import Q

from parley.moderation.models import Policy


def site() -> Policy:
    found = Policy.objects.filter(post__isnull=True).first()
    if found is None:
        found = Policy.objects.create()
    return found


def for_post(post_id: int) -> Policy:
    """The post's policy, else the site's; one query (read on every post, so never cached:
    a policy changed by one server process applies to the next comment in every other)."""
    rows = list(Policy.objects.filter(Q(post_id=post_id) | Q(post__isnull=True))[:2])
    for row in rows:
        if row.post_id is not None:
            return row
    return rows[0] if rows else site()
