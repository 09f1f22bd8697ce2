"""What each reader sees of a comment, document or post in their language, and making it.

Pages never wait for an engine: they show what is ready, say what is on its way,
and ask for the rest (`request`), which queues one background task per object
and language. The task (`translate_now`) translates with the current route,
stores the result as a Translation row, and bumps the thread's version so that
cached pages are made anew; open pages fetch it (web.views.translations).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parley.discussion import quotes
from parley.discussion.models import Comment, Thread
from parley.language import engine, providers
from parley.language.engine import Route
from parley.language.models import Translation
from parley.language.providers.base import EngineError
from parley.lib import languages, markdown
from parley.publishing import render as publishing_render
from parley.publishing.models import Post, SourceDocument

log = logging.getLogger(__name__)

Kind = Translation.Kind
State = Translation.State

# A request still waiting after this long is queued again (its worker may have died).
STALE_REQUEST = timedelta(minutes=10)
# Tries against an engine that is down, with the wait before each retry.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


@dataclass(frozen=True)
class Shown:
    """How one object appears to a reader of `target`."""

    state: str  # "original", "translated", "pending", "unavailable" or "failed"
    source_language: str = ""
    target: str = ""
    html: str = ""
    title: str = ""
    engine_label: str = ""

    @property
    def source_name(self) -> str:
        return languages.name(self.source_language)

    @property
    def target_name(self) -> str:
        return languages.name(self.target)

    @property
    def translated(self) -> bool:
        return self.state == "translated"


ORIGINAL = Shown("original")

_MODELS: dict[str, type[Comment] | type[SourceDocument] | type[Post]] = {
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


def for_reader(kind: str, objects: list, target: str, *, ask: bool = True) -> dict[int, Shown]:
    """How each object appears to a reader of `target`; asks for what is missing."""
    out: dict[int, Shown] = {}
    candidates = []
    for obj in objects:
        language, current_digest = source_of(kind, obj)
        if not language or language == target or not target:
            out[obj.pk] = ORIGINAL
        else:
            candidates.append((obj, language, current_digest))
    if not candidates:
        return out
    rows = {
        row.object_id: row
        for row in Translation.objects.filter(
            kind=kind, object_id__in=[obj.pk for obj, _l, _d in candidates], target=target
        )
    }
    provider = providers.current()
    missing = []
    now = timezone.now()
    for obj, language, current_digest in candidates:
        route = engine.route(language, target, provider)
        if route is None and provider.pairs_known():
            out[obj.pk] = Shown("unavailable", language, target)
            continue
        row = rows.get(obj.pk)
        same_text = row is not None and row.source_digest == current_digest
        same_model = (
            row is not None
            and route is not None
            and (row.engine, row.model_version) == (route.engine, route.model_version)
        )
        if row is not None and same_text and same_model and row.state == State.DONE:
            out[obj.pk] = Shown(
                "translated", language, target, row.html, row.title, route.label if route else ""
            )
        elif row is not None and same_text and same_model and row.state == State.FAILED:
            out[obj.pk] = Shown("failed", language, target)
        elif (
            row is not None
            and same_text
            and (
                row.state == State.RETRY  # a retry is already scheduled
                or (row.state == State.PENDING and now - row.requested_at < STALE_REQUEST)
            )
        ):
            out[obj.pk] = Shown("pending", language, target)
        else:
            out[obj.pk] = Shown("pending", language, target)
            missing.append(obj)
    if missing and ask:
        request(kind, missing, target)
    return out


def request(kind: str, objects: list, target: str) -> int:
    """Queue a translation of each object into `target`, in one statement and one background
    task; returns how many were queued."""
    from parley.language.tasks import translate_all

    provider = providers.current()
    now = timezone.now()
    rows = []
    for obj in objects:
        language, current_digest = source_of(kind, obj)
        if not language or language == target:
            continue
        route = engine.route(language, target, provider)
        if route is None and provider.pairs_known():
            continue
        rows.append(
            Translation(
                kind=kind,
                object_id=obj.pk,
                target=target,
                source_language=language,
                source_digest=current_digest,
                engine=provider.name,
                model_version=route.model_version if route else "",
                state=State.PENDING,
                requested_at=now,
                attempts=0,
                error="",
            )
        )
    if not rows:
        return 0
    Translation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id", "target"],
        update_fields=[
            "source_language",
            "source_digest",
            "engine",
            "model_version",
            "state",
            "requested_at",
            "attempts",
            "error",
        ],
    )
    ids = [row.object_id for row in rows]
    transaction.on_commit(partial(translate_all.enqueue, kind, ids, target))
    return len(rows)


def forget(kind: str, object_id: int) -> None:
    """Drop every translation of an object (it was edited or deleted)."""
    Translation.objects.filter(kind=kind, object_id=object_id).delete()


# -- making translations ------------------------------------------------------------------------

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
            html.append(markdown.render(translated, mentions=mentions))
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


def translate_now(kind: str, object_id: int, target: str) -> str:
    """Translate one object into `target` and store it; returns the resulting state.

    Called by the background task and by `parley translate`. An engine that is down leaves
    the row waiting for a retry; the caller decides when to try again.
    """
    model = _MODELS[kind]
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
            return _failed(kind, obj, target, language, current_digest, provider.name, exc)
    route = engine.route(language, target, provider)
    if route is None:
        forget(kind, object_id)
        return "unavailable"
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
        return _failed(kind, obj, target, language, current_digest, route.engine, exc)
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
        _touch(kind, obj)
    return State.DONE


def _failed(kind, obj, target, language, current_digest, engine_name, exc: EngineError) -> str:
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
    if retry:
        from parley.language.tasks import translate

        delay = RETRY_DELAYS[row.attempts - 1]
        transaction.on_commit(
            lambda: translate.using(run_after=timezone.now() + delay).enqueue(kind, obj.pk, target)
        )
    _touch(kind, obj)
    return row.state


def _touch(kind: str, obj) -> None:
    """Make cached pages that show the object be rendered anew."""
    if kind == Kind.COMMENT:
        Thread.objects.filter(pk=obj.thread_id).update(version=F("version") + 1)
