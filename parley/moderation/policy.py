"""The policy in force for a thread: its post's own, else the site's."""

from __future__ import annotations

from parley.moderation.models import Policy


def site() -> Policy:
    found = Policy.objects.filter(post__isnull=True).first()
    if found is None:
        found = Policy.objects.create()
    return found


def for_post(post_id: int) -> Policy:
    return Policy.objects.filter(post_id=post_id).first() or site()
