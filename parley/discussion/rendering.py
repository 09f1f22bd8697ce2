"""A comment's body as readers see it: Markdown, sanitized, with its quotes and mentions.

Rendering reads the thread (the comments quoted, the people mentioned) but changes nothing,
so posting and editing do it before they take the write lock.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from parley.discussion import quotes
from parley.discussion.models import Comment, Quote, Thread
from parley.lib import markdown
from parley.lib.errors import Invalid
from parley.lib.sanitize import plain_text
from parley.lib.text import comparable, is_blank
from parley.publishing import render as publishing_render
from parley.publishing.models import SourceDocument


def _quote_time(moment: datetime, zone=None) -> str:
    return dateformat.format(timezone.localtime(moment, zone), "j F Y, H:i T")


def resolve_quotes(
    thread: Thread, refs: list[quotes.QuoteRef], before_id: int | None
) -> list[Quote]:
    if len(refs) > quotes.MAX_QUOTES:
        raise Invalid(
            _("A comment may hold at most %(n)s quotes.") % {"n": quotes.MAX_QUOTES},
            field="body",
            code="too_many_quotes",
        )
    comment_ids, document_slugs = set(), set()
    for ref in refs:
        if not ref.excerpt or is_blank(ref.excerpt):
            raise Invalid(
                _("A quote is empty: select the words to quote, then press Quote."),
                field="body",
                code="empty_quote",
            )
        if len(ref.excerpt) > quotes.MAX_EXCERPT:
            raise Invalid(
                _("Quotes are limited to %(n)s characters; quote the passage that matters.")
                % {"n": f"{quotes.MAX_EXCERPT:,}"},
                field="body",
            )
        if ref.kind == "comment":
            if not ref.target.isdigit():
                raise Invalid(
                    _("“%(target)s” is not a comment number.") % {"target": ref.target},
                    field="body",
                    code="bad_quote",
                )
            comment_ids.add(int(ref.target))
        else:
            document_slugs.add(ref.target)
    sources = {}
    if comment_ids:
        visible = Comment.objects.filter(
            thread=thread, pk__in=comment_ids, status=Comment.Status.PUBLISHED
        )
        if before_id is not None:
            visible = visible.exclude(pk=before_id)
        sources = {c.pk: c for c in visible.only("pk", "author_name", "created_at", "body_html")}
    documents = {}
    if document_slugs:
        documents = {
            d.slug: d
            for d in SourceDocument.objects.filter(post_id=thread.post_id, slug__in=document_slugs)
        }
    out = []
    for position, ref in enumerate(refs):
        quote = Quote(position=position, excerpt=ref.excerpt)
        wanted = comparable(ref.excerpt)
        if ref.kind == "comment":
            source = sources.get(int(ref.target))
            if source is None:
                raise Invalid(
                    _(
                        "You quoted comment #%(id)s, which does not exist in this "
                        "discussion (or was removed)."
                    )
                    % {"id": ref.target},
                    field="body",
                    code="quote_missing",
                )
            if wanted not in comparable(plain_text(source.body_html)):
                raise Invalid(
                    _(
                        "The words you quoted do not appear in comment #%(id)s. Quote "
                        "them exactly as written."
                    )
                    % {"id": ref.target},
                    field="body",
                    code="quote_mismatch",
                )
            quote.source_comment = source
        else:
            document = documents.get(ref.target)
            if document is None:
                raise Invalid(
                    _("You quoted a document (“%(slug)s”) that is not part of this post.")
                    % {"slug": ref.target},
                    field="body",
                    code="quote_missing",
                )
            transcript = document.kind == SourceDocument.Kind.TRANSCRIPT
            for passage in publishing_render.passages(document.body, transcript=transcript):
                if wanted in comparable(passage.text):
                    quote.passage = passage.index
                    break
            else:
                raise Invalid(
                    _(
                        "The words you quoted do not appear in “%(title)s”. Quote them "
                        "exactly as written."
                    )
                    % {"title": document.title},
                    field="body",
                    code="quote_mismatch",
                )
            quote.source_document = document
        out.append(quote)
    return out


def quote_html(quote: Quote) -> str:
    excerpt = format_html("<p>{}</p>", quote.excerpt)
    if quote.source_comment is not None:
        source = quote.source_comment
        return format_html(
            '<blockquote class="quote quote--comment" data-comment="{}">'
            '<header><a href="{}">{} · <time class="reader-time" datetime="{}">{}</time></a>'
            "</header>{}</blockquote>",
            source.pk,
            source.get_absolute_url(),
            source.author_name,
            source.created_at.isoformat(),
            _quote_time(source.created_at),
            excerpt,
        )
    document = quote.source_document
    assert document is not None
    return format_html(
        '<blockquote class="quote quote--document" data-document="{}">'
        '<header><a href="{}">{} · {} · {}</a></header>{}</blockquote>',
        document.slug,
        document.passage_url(quote.passage or 1),
        document.issuer,
        document.title,
        _quote_time(document.occurred_at, document.local_time.tzinfo),
        excerpt,
    )


_MENTION_CANDIDATE = re.compile(r"(?<![\w@])@ ?((?:[^\W\d_][\w'’.-]*)(?: [^\W\d_][\w'’.-]*){0,3})")


def mentions_in(thread: Thread, body: str) -> markdown.Mentions | None:
    """Names after '@' that belong to people in the thread, linked to their latest comment.

    A full name always matches; a first name alone ("@John") matches when exactly one person
    in the thread has that first name.
    """
    candidates: set[str] = set()
    for match in _MENTION_CANDIDATE.finditer(body):
        words = match.group(1).split(" ")
        for n in range(1, len(words) + 1):
            candidates.add(" ".join(words[:n]).rstrip(".,;:!?'’").casefold())
    candidates.discard("")
    if not candidates:
        return None
    first_names = Q()
    for candidate in candidates:
        if " " not in candidate:
            first_names |= Q(name__startswith=candidate + " ")
    latest = (
        Comment.objects.filter(thread=thread, status=Comment.Status.PUBLISHED)
        .annotate(name=Lower("author_name"))
        .filter(Q(name__in=candidates) | first_names)
        .values("author_name")
        .annotate(last=Max("id"))
    )
    targets: dict[str, str] = {}
    by_first_name: dict[str, list[str]] = {}
    for row in latest:
        url = f"/c/{row['last']}/"
        name = row["author_name"]
        if name.casefold() in candidates:
            targets[name] = url
        first = name.split(" ", 1)[0]
        if first.casefold() in candidates and " " in name:
            by_first_name.setdefault(first, []).append(url)
    for first, urls in by_first_name.items():
        if len(urls) == 1 and not any(n.casefold() == first.casefold() for n in targets):
            targets[first] = urls[0]
    return markdown.Mentions(targets) if targets else None


def render_body(
    thread: Thread, body: str, *, editing: Comment | None = None
) -> tuple[str, list[Quote]]:
    """Sanitized HTML for a body, and the quotes it holds (unsaved)."""
    parts = quotes.split(body)
    refs = [part for part in parts if isinstance(part, quotes.QuoteRef)]
    found = resolve_quotes(thread, refs, editing.pk if editing else None)
    mentions = mentions_in(thread, body) if "@" in body else None
    html, index = [], 0
    for part in parts:
        if isinstance(part, quotes.QuoteRef):
            html.append(quote_html(found[index]))
            index += 1
        else:
            html.append(markdown.render(part, mentions=mentions, breaks=True))
    if not any(isinstance(part, str) and not is_blank(part) for part in parts):
        raise Invalid(_("Add your own words below the quote."), field="body", code="only_quote")
    return "\n".join(html), found
