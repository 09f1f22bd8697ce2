"""The only way views and the API fetch threads and comments.

Each function answers NotFound for what does not exist *or* what the viewer
may not see, so hidden comments cannot be discovered by their numbers.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from parley.discussion.models import Comment, Thread
from parley.lib.errors import NotFound

VISIBLE = (Comment.Status.PUBLISHED, Comment.Status.DELETED)


def visible_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(status__in=VISIBLE)


def access_thread(thread_id: int) -> Thread:
    try:
        return Thread.objects.select_related("post").get(pk=thread_id, post__is_published=True)
    except (Thread.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id}) from None


def access_thread_for_post(slug: str) -> Thread:
    try:
        return Thread.objects.select_related("post", "post__author").get(
            post__slug=slug, post__is_published=True
        )
    except Thread.DoesNotExist:
        raise NotFound(_("There is no post at this address.")) from None


def access_comment(comment_id: int) -> Comment:
    try:
        return (
            visible_comments()
            .select_related("thread", "thread__post", "author")
            .get(pk=comment_id, thread__post__is_published=True)
        )
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            _("There is no comment number %(id)s, or it was removed.") % {"id": comment_id}
        ) from None
