"""Making translations: a comment, document or post translated with the current route and
stored as a Translation row.

Called by the background tasks (language.tasks) and by `parley translate`; what a reader
sees, and asking for what is missing, is language.translations. This module queues nothing:
an engine that is down leaves the row waiting for a retry, and the caller decides when.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parley.discussion import changes, quotes
from parley.discussion.models import Comment
from parley.language import engine, providers
from parley.language.engine import Route
from parley.language.models import Translation
from parley.language.providers.base import EngineError
from parley.lib import markdown
from parley.publishing import render as publishing_render
from parley.publishing.models import Post, SourceDocument

log = logging.getLogger(__name__)

Kind = Translation.Kind
State = Translation.State

# Tries against an engine that is down, with the wait before each retry.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)

# What translate_now returns for a translation it found made already (with keep_done).
KEPT = "kept"

MODELS: dict[str, type[Comment] | type[SourceDocument] | type[Post]] = {
    Kind.COMMENT: Comment,
    Kind.DOCUMENT: SourceDocument,
    Kind.POST: Post,
}


def digest(language: str, *texts: str) -> str:
    hashed = hashlib.sha256(language.encode())
    for text in texts:
        hashed.update(b"\x00" + text.encode())
    return hashed.hexdigest()


def source_of(kind: str, obj) -> tuple[str, str]:
    """The language an object is written in and the digest of what would be translated."""
    if kind == Kind.COMMENT:
        return obj.language, digest(obj.language, obj.body)
    if kind == Kind.DOCUMENT:
        language = obj.effective_language
        return language, digest(language, obj.title, obj.body)
    return obj.language, digest(obj.language, obj.title, obj.introduction)


def forget(kind: str, object_id: int) -> None:
    """Drop every translation of an object (it was edited or deleted)."""
    Translation.objects.filter(kind=kind, object_id=object_id).delete()


_MENTION_LINK = re.compile(r'<a href="(?P<url>[^"]+)" class="mention"[^>]*>@ ?(?P<name>[^<]+)</a>')


def comment_html(comment: Comment, route: Route) -> str:
    """A comment's body in the route's target language: its own words translated, quotes kept
    as quoted (they cite a source), mentions and links kept and still working."""
    targets = {m["name"]: m["url"] for m in _MENTION_LINK.finditer(comment.body_html)}
    mentions = markdown.Mentions(targets) if targets else None
    quote_blocks = iter(quotes.quote_blocks(comment.body_html))
    html = []
    for part in quotes.split(comment.body):
        if isinstance(part, quotes.QuoteRef):
            html.append(next(quote_blocks, ""))
        else:
            translated = engine.translate_markdown(part, route, mentions=list(targets))
            html.append(markdown.render(translated, mentions=mentions, breaks=True))
    return "\n".join(html)


def document_html(document: SourceDocument, route: Route) -> tuple[str, str]:
    """A document's title and passages translated; anchors and quote links stay the same."""
    transcript = document.kind == SourceDocument.Kind.TRANSCRIPT
    blocks = []
    for block in markdown.blocks(document.body):
        speaker = ""
        if transcript and (match := publishing_render.SPEAKER.match(block)):
            speaker, block = block[: match.end()], block[match.end() :]
        blocks.append(speaker + engine.translate_block(block, route))
    body = publishing_render.document_html(
        document.slug,
        "\n\n".join(blocks),
        transcript=transcript,
        post_url=document.post.get_absolute_url(),
    )
    return engine.translate_text(document.title, route), str(body)


def post_html(post: Post, route: Route) -> tuple[str, str]:
    introduction = engine.translate_markdown(post.introduction, route)
    return (
        engine.translate_text(post.title, route),
        publishing_render.introduction_html(introduction),
    )


def translate_now(
    kind: str, object_id: int, target: str, *, keep_done: bool = False, touch: bool = True
) -> str:
    """Translate one object into `target` and store it; returns the resulting state.

    With `keep_done` (the background tasks), a translation already made of the same text by
    the same engine and model is kept as it is ("kept"): a finished translation is never
    redone.
    With `touch`, the thread's cached pages are made anew at once; a task translating many
    comments does it once at the end instead (`touch_threads`). An engine that is down
    leaves the row waiting for a retry (state "retry"); the caller decides when to try again.
    """
    model = MODELS[kind]
    obj = model.objects.filter(pk=object_id).first()
    if obj is None or (isinstance(obj, Comment) and obj.status == Comment.Status.DELETED):
        forget(kind, object_id)
        return "gone"
    language, current_digest = source_of(kind, obj)
    if not language or language == target:
        return "original"
    provider = providers.current()
    if not provider.pairs_known():
        try:
            provider.refresh()
        except EngineError as exc:
            return _failed(kind, obj, target, language, current_digest, provider.name, exc, touch)
    route = engine.route(language, target, provider)
    if route is None:
        forget(kind, object_id)
        return "unavailable"
    if (
        keep_done
        and Translation.objects.filter(
            kind=kind,
            object_id=object_id,
            target=target,
            state=State.DONE,
            source_digest=current_digest,
            engine=route.engine,
            model_version=route.model_version,
        ).exists()
    ):
        return KEPT
    started = time.perf_counter()
    title = ""
    try:
        if isinstance(obj, Comment):
            html = comment_html(obj, route)
        elif isinstance(obj, SourceDocument):
            title, html = document_html(obj, route)
        else:
            title, html = post_html(obj, route)
    except EngineError as exc:
        return _failed(kind, obj, target, language, current_digest, route.engine, exc, touch)
    with transaction.atomic():
        Translation.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            target=target,
            defaults={
                "source_language": language,
                "source_digest": current_digest,
                "engine": route.engine,
                "model_version": route.model_version,
                "state": State.DONE,
                "title": title,
                "html": html,
                "error": "",
                "translated_at": timezone.now(),
                "seconds": time.perf_counter() - started,
            },
        )
        if touch:
            touch_threads(kind, [object_id])
    return State.DONE


def retry_delay(attempts: int) -> timedelta:
    """The wait before try number `attempts + 1` against an engine that was down."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _failed(
    kind, obj, target, language, current_digest, engine_name, exc: EngineError, touch: bool
) -> str:
    row, _created = Translation.objects.get_or_create(
        kind=kind,
        object_id=obj.pk,
        target=target,
        defaults={
            "source_language": language,
            "source_digest": current_digest,
            "engine": engine_name,
        },
    )
    row.attempts += 1
    row.error = exc.message
    retry = exc.retry and row.attempts <= len(RETRY_DELAYS)
    row.state = State.RETRY if retry else State.FAILED
    row.requested_at = timezone.now()
    row.save(update_fields=["attempts", "error", "state", "requested_at"])
    log.warning("Translation of %s %s into %s failed: %s", kind, obj.pk, target, exc.message)
    if touch and row.state == State.FAILED:
        touch_threads(kind, [obj.pk])
    return row.state


def touch_threads(kind: str, object_ids: list[int]) -> None:
    """Make cached pages that show these objects be rendered anew: one version bump per
    thread, however many of its comments changed."""
    if kind != Kind.COMMENT or not object_ids:
        return
    rows = Comment.objects.filter(pk__in=object_ids).values_list("pk", "thread_id", "status")
    found: dict[int, list[int]] = {}
    shown: dict[int, list[int]] = {}
    for pk, thread_id, status in rows:
        found.setdefault(thread_id, []).append(pk)
        if status == Comment.Status.PUBLISHED:
            shown.setdefault(thread_id, []).append(pk)
    # Readers hear of translations of published comments only; the others' are for moderators.
    what = {
        thread_id: (
            changes.What(changes.TRANSLATED, sorted(shown[thread_id]))
            if thread_id in shown
            else changes.What(changes.TRANSLATED, sorted(ids), staff_only=True)
        )
        for thread_id, ids in found.items()
    }
    with transaction.atomic():
        changes.threads_changed(what)
