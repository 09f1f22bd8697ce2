"""Changes to posts and their documents. The admin, the demo loader and the API call these."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parley.accounts.models import User
from parley.publishing import render
from parley.publishing.models import Post, SourceDocument


@transaction.atomic
def create_post(
    *,
    kind: str = Post.Kind.ARTICLE,
    slug: str,
    title: str,
    introduction: str = "",
    author: User | None = None,
    published_at: datetime | None = None,
) -> Post:
    """A published post with its (open) discussion thread."""
    from parley.discussion.actions import open_thread

    post = Post(
        kind=kind,
        slug=slug,
        title=title,
        introduction=introduction,
        author=author,
        published_at=published_at or timezone.now(),
    )
    post.full_clean()
    post.introduction_html = render.introduction_html(introduction)
    post.save()
    open_thread(post)
    return post


def save_post(post: Post) -> Post:
    """Save an edited post, re-rendering its introduction."""
    from parley.discussion.actions import open_thread
    from parley.discussion.models import Thread

    with transaction.atomic():
        post.introduction_html = render.introduction_html(post.introduction)
        post.save()
        thread = open_thread(post)
        # The author's badge and the title appear in cached thread pages.
        Thread.objects.filter(pk=thread.pk).update(version=F("version") + 1)
    return post


def save_document(document: SourceDocument) -> SourceDocument:
    """Save a new or edited document, re-rendering its passages."""
    document.full_clean()
    document.body_html = render.document_html(
        document.slug,
        document.body,
        transcript=document.kind == SourceDocument.Kind.TRANSCRIPT,
        post_url=document.post.get_absolute_url(),
    )
    document.save()
    return document


def add_document(post: Post, **fields: object) -> SourceDocument:
    return save_document(SourceDocument(post=post, **fields))
