"""Changes to posts and their documents. The admin, the demo loader and the API call these."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import User
from parley.publishing import render
from parley.publishing.models import Post, SourceDocument
from parley.publishing.signals import post_saved


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
    """A published post; the discussion app opens its thread (signals.post_saved)."""
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
    post_saved.send(sender=Post, post=post, created=True)
    return post


def save_post(post: Post) -> Post:
    """Save an edited post, re-rendering its introduction."""
    with transaction.atomic():
        post.introduction_html = render.introduction_html(post.introduction)
        post.save()
        post_saved.send(sender=Post, post=post, created=False)
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
