"""Every change to a discussion goes through these functions.

The HTML views, the JSON API, the demo loader and importers call them; each
validates first (check_*), then changes data in one transaction (do the work),
then queues side effects with transaction.on_commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.db.models.functions import Lower
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parley.accounts import names as account_names
from parley.accounts.models import User
from parley.discussion import quotes, signals
from parley.discussion.models import Comment, Quote, Revision, Thread
from parley.lib import markdown, ratelimit
from parley.lib.errors import Conflict, Forbidden, Invalid, TooManyRequests
from parley.lib.sanitize import plain_text
from parley.lib.text import comparable, is_blank
from parley.publishing import render as publishing_render
from parley.publishing.models import Post, SourceDocument

NAME_MAX = 80
WEBSITE_MAX = 200
EMAIL_MAX = 254

# Called inside post_comment's transaction with the unsaved comment; a screener
# may set comment.status (the moderation app registers its policy here), refuse the
# comment by raising an ActionError, and return a callable run with the comment once it is
# saved, still inside the transaction.
Screener = Callable[[Comment], Callable[[Comment], None] | None]
_screeners: list[Screener] = []


def register_screener(screener: Screener) -> None:
    if screener not in _screeners:
        _screeners.append(screener)


# The same for an edit: called inside edit_comment's transaction with the stored comment
# carrying its new body, before it is saved; it may set comment.status (hold it).
_edit_screeners: list[Screener] = []


def register_edit_screener(screener: Screener) -> None:
    if screener not in _edit_screeners:
        _edit_screeners.append(screener)


# Called with a comment whose body (and body_html) was just set, before it is saved, when it
# is posted and when it is edited; an annotator sets derived fields listed in ANNOTATED
# (the language app detects the language here).
Annotator = Callable[[Comment], None]
_annotators: list[Annotator] = []
ANNOTATED = ["language", "language_confidence"]


def register_annotator(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)


def _annotate(comment: Comment) -> None:
    for annotator in _annotators:
        annotator(comment)


@dataclass(frozen=True)
class Commenter:
    """Who is writing: an account, or a guest with a name."""

    user: User | None = None
    name: str = ""
    email: str = ""
    website: str = ""
    client: str = ""
    ip: str | None = None

    @property
    def display_name(self) -> str:
        return self.user.public_name if self.user else self.name


def open_thread(post: Post) -> Thread:
    thread, _created = Thread.objects.get_or_create(post=post)
    return thread


def set_thread_open(thread: Thread, is_open: bool) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_open=is_open, version=F("version") + 1)
    thread.is_open = is_open


# -- validation ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_body(body: str) -> str:
    body = _CONTROL.sub("", (body or "").replace("\r\n", "\n"))
    if is_blank(body):
        raise Invalid(
            _("Write something before posting: the comment is empty."), field="body", code="empty"
        )
    limit = settings.PARLEY_COMMENT_MAX_LENGTH
    if len(body) > limit:
        raise Invalid(
            _(
                "The comment is %(length)s characters long; the limit is %(limit)s. "
                "Shorten it or split it into two comments."
            )
            % {"length": f"{len(body):,}", "limit": f"{limit:,}"},
            field="body",
            code="too_long",
        )
    return body


def check_commenter(commenter: Commenter, thread: Thread | None = None) -> Commenter:
    if commenter.user is not None:
        if not commenter.user.is_active:
            raise Forbidden(_("This account is disabled."))
        return commenter
    # Invisible characters are removed; staff names and words are refused, and so is the
    # post author's name in its own thread (docs/moderation.md, "Names").
    name = account_names.check_name(
        commenter.name or "",
        field="name",
        also=Q(posts__thread=thread) if thread is not None else None,
        empty_message=_("Give a name to comment as a guest, or log in."),
        max_length=NAME_MAX,
    )
    email = (commenter.email or "").strip()
    if email:
        if len(email) > EMAIL_MAX:
            raise Invalid(_("That e-mail address is too long."), field="email")
        try:
            EmailValidator()(email)
        except ValidationError:
            raise Invalid(
                _("“%(email)s” is not an e-mail address. Leave it empty if you prefer.")
                % {"email": email},
                field="email",
                code="bad_email",
            ) from None
    website = (commenter.website or "").strip()
    if website:
        if "://" not in website:
            website = "https://" + website
        try:
            if len(website) > WEBSITE_MAX:
                raise ValidationError("too long")
            if _CONTROL.search(website):  # URLValidator lets a NUL through in the path
                raise ValidationError("control character")
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise Invalid(
                _("The website must be an http or https address of at most %(limit)s characters.")
                % {"limit": WEBSITE_MAX},
                field="website",
                code="bad_website",
            ) from None
    return Commenter(
        user=None, name=name, email=email, website=website, client=commenter.client, ip=commenter.ip
    )


def check_rate(commenter: Commenter) -> None:
    rate = settings.PARLEY_COMMENT_RATE
    if rate is None or not commenter.client or (commenter.user and commenter.user.moderates):
        return
    limit, period = rate
    if wait := ratelimit.hit("comment", commenter.client, limit=limit, period=period):
        raise TooManyRequests(
            _(
                "You are posting too fast (at most %(limit)s comments in %(period)s seconds). "
                "Try again in %(wait)s seconds."
            )
            % {"limit": limit, "period": period, "wait": wait},
            retry_after=wait,
        )


def _idempotency_digest(commenter: Commenter, key: str | None) -> str | None:
    if not key:
        return None
    if len(key) > 200:
        raise Invalid(
            _("The Idempotency-Key is limited to 200 characters."), field="idempotency_key"
        )
    return hashlib.sha256(f"{commenter.client}\x00{key}".encode()).hexdigest()


def _replay(digest: str | None, thread: Thread, body: str, parent_id: int | None) -> Comment | None:
    """The comment an earlier request with the same key created, if any."""
    if digest is None:
        return None
    earlier = Comment.objects.filter(idempotency_key=digest).first()
    if earlier is None:
        return None
    if earlier.thread_id != thread.pk or earlier.body != body or earlier.parent_id != parent_id:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for a different comment. "
                "Use a new key for a new comment."
            ),
            code="idempotency_conflict",
        )
    earlier.replayed = True  # type: ignore[attr-defined]
    return earlier


# -- rendering ----------------------------------------------------------------------------------


def _quote_time(moment: datetime, zone=None) -> str:
    return dateformat.format(timezone.localtime(moment, zone), "j F Y, H:i T")


def _resolve_quotes(
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


def _quote_html(quote: Quote) -> str:
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


def _mentions(thread: Thread, body: str) -> markdown.Mentions | None:
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
    found = _resolve_quotes(thread, refs, editing.pk if editing else None)
    mentions = _mentions(thread, body) if "@" in body else None
    html, index = [], 0
    for part in parts:
        if isinstance(part, quotes.QuoteRef):
            html.append(_quote_html(found[index]))
            index += 1
        else:
            html.append(markdown.render(part, mentions=mentions))
    if not any(isinstance(part, str) and not is_blank(part) for part in parts):
        raise Invalid(_("Add your own words below the quote."), field="body", code="only_quote")
    return "\n".join(html), found


# -- posting, editing, deleting -------------------------------------------------------------------


def post_comment(
    thread: Thread,
    *,
    commenter: Commenter,
    body: str,
    parent_id: int | None = None,
    idempotency_key: str | None = None,
    created_at: datetime | None = None,
) -> Comment:
    """Validate and store a comment; 2xx answers are sent only after this has committed."""
    body = check_body(body)
    commenter = check_commenter(commenter, thread)
    digest = _idempotency_digest(commenter, idempotency_key)
    if (earlier := _replay(digest, thread, body, parent_id)) is not None:
        return earlier
    check_rate(commenter)
    try:
        with transaction.atomic():
            return _store_comment(thread, commenter, body, parent_id, digest, created_at)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its comment.
        if (earlier := _replay(digest, thread, body, parent_id)) is not None:
            return earlier
        raise


def _count_in_open_thread(thread_id: int) -> bool:
    """Count one more comment and bump the version, if the thread is open; one statement.

    Written in SQL because the ORM's expression machinery cost more than the statement on
    the posting path (docs/benchmarks.md); the UPDATE also locks the thread until commit.
    """
    table = connection.ops.quote_name(Thread._meta.db_table)
    sql = (
        f"UPDATE {table} SET comment_count = comment_count + 1, "  # noqa: S608  (our table)
        "version = version + 1 WHERE id = %s AND is_open"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [thread_id])
        return cursor.rowcount == 1


def _store_comment(
    thread: Thread,
    commenter: Commenter,
    body: str,
    parent_id: int | None,
    digest: str | None,
    created_at: datetime | None,
) -> Comment:
    # One statement checks that the thread is open, locks it until commit (so posts to one
    # thread are counted in order) and counts the comment as published; a screener that
    # holds the comment takes the count back below.
    if not _count_in_open_thread(thread.pk):
        raise Forbidden(
            _("This discussion is closed: no new comments can be posted."), code="thread_closed"
        )
    parent = None
    if parent_id is not None:
        parent = (
            Comment.objects.filter(pk=parent_id, thread=thread)
            .only("pk", "root_id", "depth", "status")
            .first()
        )
        if parent is None or parent.status != Comment.Status.PUBLISHED:
            # One answer for "no such comment" and "hidden", so hidden comments stay unknown.
            raise Invalid(
                _("The comment you are replying to is not in this discussion, or was removed."),
                field="parent_id",
                code="bad_parent",
            )
    html, found_quotes = render_body(thread, body)
    user = commenter.user
    comment = Comment(
        thread=thread,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author=user,
        author_name=commenter.display_name,
        author_email=user.email if user else commenter.email,
        author_website=user.website if user else commenter.website,
        ip_address=commenter.ip,
        body=body,
        body_html=html,
        created_at=created_at or timezone.now(),
        idempotency_key=digest,
    )
    _annotate(comment)
    after_save = [after for screener in _screeners if (after := screener(comment))]
    comment.save(force_insert=True)
    for after in after_save:
        after(comment)
    for quote in found_quotes:
        quote.comment = comment
    Quote.objects.bulk_create(found_quotes)
    if parent is not None:
        Comment.objects.filter(pk__in={parent.pk, comment.root_id}).update(
            reply_count=F("reply_count") + Case(When(pk=parent.pk, then=1), default=0),
            subtree_count=F("subtree_count") + Case(When(pk=comment.root_id, then=1), default=0),
        )
    if comment.status != Comment.Status.PUBLISHED:
        Thread.objects.filter(pk=thread.pk).update(comment_count=F("comment_count") - 1)
    transaction.on_commit(lambda: signals.comment_posted.send(Comment, comment=comment))
    return comment


def may_change(comment: Comment, user: User | None, edit_tokens: Iterable[str]) -> bool:
    from parley.discussion import tokens

    if user is not None and user.is_authenticated and user.moderates:
        return True
    if not comment.in_edit_window():
        return False
    if comment.author_id is not None:
        return user is not None and user.is_authenticated and user.pk == comment.author_id
    return tokens.any_allows(edit_tokens, comment.pk)


def edit_window_phrase() -> str:
    """The edit window in words: "15 minutes", "1 minute", "30 seconds"."""
    seconds = settings.PARLEY_EDIT_WINDOW_SECONDS
    if seconds and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}


def check_may_change(comment: Comment, user: User | None, edit_tokens: Iterable[str]) -> None:
    """Raise, with the reason in words, unless this person may edit or delete the comment."""
    if comment.is_deleted:
        raise Invalid(_("This comment was deleted."), code="deleted")
    if not may_change(comment, user, edit_tokens):
        if not comment.in_edit_window():
            raise Forbidden(
                _("Comments can be changed for %(window)s after posting; that time has passed.")
                % {"window": edit_window_phrase()},
                code="edit_window_closed",
            )
        raise Forbidden(
            _("Only the comment's author can change it, within %(window)s of posting.")
            % {"window": edit_window_phrase()},
            code="not_author",
        )


def edit_comment(
    comment: Comment, *, body: str, user: User | None = None, edit_tokens: Iterable[str] = ()
) -> Comment:
    """Replace a comment's body, keeping the previous version as history."""
    edit_tokens = list(edit_tokens)
    check_may_change(comment, user, edit_tokens)
    body = check_body(body)
    if body == comment.body:
        return comment
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        check_may_change(current, user, edit_tokens)
        html, found_quotes = render_body(current.thread, body, editing=current)
        now = timezone.now()
        Revision.objects.create(
            comment=current,
            body=current.body,
            body_html=current.body_html,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
            replaced_by=user if user is not None and user.is_authenticated else None,
        )
        current.body, current.body_html, current.edited_at = body, html, now
        _annotate(current)
        was_published = current.status == Comment.Status.PUBLISHED
        after_save = [after for screener in _edit_screeners if (after := screener(current))]
        current.save(update_fields=["body", "body_html", "edited_at", "status", *ANNOTATED])
        for after in after_save:
            after(current)
        current.quotes.all().delete()
        for quote in found_quotes:
            quote.comment = current
        Quote.objects.bulk_create(found_quotes)
        held = was_published and current.status != Comment.Status.PUBLISHED
        Thread.objects.filter(pk=current.thread_id).update(
            version=F("version") + 1, comment_count=F("comment_count") - (1 if held else 0)
        )
        transaction.on_commit(lambda: signals.comment_edited.send(Comment, comment=current))
    return current


def delete_comment(
    comment: Comment, *, user: User | None = None, edit_tokens: Iterable[str] = ()
) -> None:
    """Remove a comment; one with replies leaves a "deleted" placeholder so replies stay put."""
    edit_tokens = list(edit_tokens)
    check_may_change(comment, user, edit_tokens)
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        check_may_change(current, user, edit_tokens)
        was_published = current.status == Comment.Status.PUBLISHED
        if current.reply_count:
            current.status, current.body, current.body_html = Comment.Status.DELETED, "", ""
            current.author_email, current.author_website = "", ""
            current.save(
                update_fields=["status", "body", "body_html", "author_email", "author_website"]
            )
            current.revisions.all().delete()
            current.quotes.all().delete()
        else:
            _remove_leaf(current)
        Thread.objects.filter(pk=current.thread_id).update(
            comment_count=F("comment_count") - (1 if was_published else 0), version=F("version") + 1
        )
        transaction.on_commit(lambda: signals.comment_deleted.send(Comment, comment=current))


def delete_comments(comments: list[Comment], *, by: User) -> None:
    """A moderator removes many comments at once, as delete_comment() would one after
    another: those with replies leave a placeholder, the others are removed, and so are
    placeholders left without replies. The queries grow with the depth of the tree, not with
    the number of comments. The caller locks the comments (select_for_update) in its
    transaction and has checked each one's status; comments_deleted is sent after commit."""
    if not by.moderates:
        raise Forbidden(_("Only a moderator can delete a comment."), code="not_moderator")
    if any(comment.is_deleted for comment in comments):
        raise Invalid(_("This comment was deleted."), code="deleted")
    if not comments:
        return
    deleted = Comment.Status.DELETED
    removed: dict[int, int] = {}  # thread → published comments no longer shown
    for comment in comments:
        published = comment.status == Comment.Status.PUBLISHED
        removed[comment.thread_id] = removed.get(comment.thread_id, 0) + published
    kept = [comment.pk for comment in comments if comment.reply_count]
    if kept:
        Comment.objects.filter(pk__in=kept).update(
            status=deleted, body="", body_html="", author_email="", author_website=""
        )
        Revision.objects.filter(comment_id__in=kept).delete()
        Quote.objects.filter(comment_id__in=kept).delete()
    leaves = [(c.pk, c.parent_id, c.root_id) for c in comments if not c.reply_count]
    while leaves:
        Comment.objects.filter(pk__in=[pk for pk, _parent, _root in leaves]).delete()
        parents: dict[int, int] = {}
        roots: dict[int, int] = {}
        for _pk, parent_id, root_id in leaves:
            if parent_id is not None and root_id is not None:
                parents[parent_id] = parents.get(parent_id, 0) + 1
                roots[root_id] = roots.get(root_id, 0) + 1
        if not parents:
            break
        Comment.objects.filter(pk__in=roots).update(
            subtree_count=F("subtree_count") - _by_pk(roots)
        )
        Comment.objects.filter(pk__in=parents).update(
            reply_count=F("reply_count") - _by_pk(parents)
        )
        emptied = Comment.objects.filter(pk__in=parents, status=deleted, reply_count=0)
        leaves = list(emptied.values_list("pk", "parent_id", "root_id"))
    Thread.objects.filter(pk__in=removed).update(
        comment_count=F("comment_count") - _by_pk(removed), version=F("version") + 1
    )
    for comment in comments:
        if comment.reply_count:
            comment.status, comment.body, comment.body_html = deleted, "", ""
    transaction.on_commit(lambda: signals.comments_deleted.send(Comment, comments=comments))


def _by_pk(values: dict[int, int]) -> Case:
    """An expression worth values[pk] on each row (0 elsewhere), for one UPDATE of many."""
    return Case(*[When(pk=pk, then=Value(value)) for pk, value in values.items()], default=0)


def _remove_leaf(comment: Comment) -> None:
    """Delete a comment without replies, and placeholders left without replies above it."""
    current: Comment | None = comment
    while current is not None:
        parent_id, root_id = current.parent_id, current.root_id
        current.delete()
        if parent_id is None or root_id is None:
            return
        Comment.objects.filter(pk=root_id).update(subtree_count=F("subtree_count") - 1)
        Comment.objects.filter(pk=parent_id).update(reply_count=F("reply_count") - 1)
        parent = Comment.objects.get(pk=parent_id)
        current = parent if parent.is_deleted and parent.reply_count == 0 else None


def set_comment_status(
    comment: Comment, status: str, *, by: User | None, expected: str | None = None
) -> Comment:
    """Publish, hold or reject a comment; counts and caches follow.

    `by` is the moderator deciding, or None for an automatic decision (the moderation app's
    signals). With `expected`, the change is made only if the comment still has that status:
    a decision taken on what someone else already changed is refused as a conflict.
    """
    if by is not None and not by.moderates:
        raise Forbidden(_("Only moderators can change a comment's status."), code="not_moderator")
    if status == Comment.Status.DELETED:
        if by is None:
            raise Forbidden(_("Only a moderator can delete a comment."), code="not_moderator")
        if expected is not None:
            with transaction.atomic():
                current = Comment.objects.select_for_update().get(pk=comment.pk)
                _check_expected(current, expected)
                delete_comment(current, user=by)
            return current
        delete_comment(comment, user=by)
        return comment
    if status not in Comment.Status.values:
        raise Invalid(_("“%(status)s” is not a comment status.") % {"status": status})
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if expected is not None:
            _check_expected(current, expected)
        if current.status == status:
            return current
        if current.is_deleted:
            raise Invalid(_("This comment was deleted."), code="deleted")
        published = Comment.Status.PUBLISHED
        delta = (status == published) - (current.status == published)
        current.status = status
        current.save(update_fields=["status"])
        Thread.objects.filter(pk=current.thread_id).update(
            comment_count=F("comment_count") + delta, version=F("version") + 1
        )
        transaction.on_commit(lambda: signals.comment_edited.send(Comment, comment=current))
    return current


def set_comments_status(comments: list[Comment], status: str, *, by: User) -> list[Comment]:
    """Publish, hold or reject many comments at once, in a fixed number of queries; counts
    follow. The caller locks the comments (select_for_update) in its transaction and has
    checked that each still has the status its moderator saw; deleted comments are refused.
    Returns the comments whose status changed; comments_status_changed is sent after commit."""
    if not by.moderates:
        raise Forbidden(_("Only moderators can change a comment's status."), code="not_moderator")
    published = Comment.Status.PUBLISHED
    if status not in (published, Comment.Status.PENDING, Comment.Status.REJECTED):
        raise Invalid(_("“%(status)s” is not a comment status.") % {"status": status})
    if any(comment.is_deleted for comment in comments):
        raise Invalid(_("This comment was deleted."), code="deleted")
    changing = [comment for comment in comments if comment.status != status]
    if not changing:
        return []
    deltas: dict[int, int] = {}
    for comment in changing:
        delta = (status == published) - (comment.status == published)
        deltas[comment.thread_id] = deltas.get(comment.thread_id, 0) + delta
        comment.status = status
    Comment.objects.filter(pk__in=[comment.pk for comment in changing]).update(status=status)
    Thread.objects.filter(pk__in=deltas).update(
        comment_count=F("comment_count") + _by_pk(deltas), version=F("version") + 1
    )
    transaction.on_commit(lambda: signals.comments_status_changed.send(Comment, comments=changing))
    return changing


def _check_expected(current: Comment, expected: str) -> None:
    if current.status != expected:
        raise Conflict(
            _(
                "Comment #%(id)s is no longer %(expected)s: it is now %(now)s. Someone decided "
                "it meanwhile; reload to see the latest."
            )
            % {
                "id": current.pk,
                "expected": Comment.Status(expected).label.lower(),
                "now": current.get_status_display().lower(),
            },
            code="already_decided",
        )
