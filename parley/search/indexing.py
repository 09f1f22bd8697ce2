"""What the index holds, and keeping it up to date.

The index is a table of the site's own database, so it is written in the same transaction
as the change it follows: a comment rolled back never reaches it, and a comment removed
leaves it when the removal commits, with no window after commit (nor a crash there) in which
its text could still be found. Each write runs in a savepoint and any failure is logged and
swallowed, so indexing never fails the reader's request; `parley reindex` repairs the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from django.db import transaction

from parley.accounts.models import User
from parley.discussion.changes import FLAGGED, VOTED, Change
from parley.discussion.models import Comment, Thread
from parley.language.models import Translation
from parley.language.translator import source_of
from parley.lib.sanitize import plain_text
from parley.publishing.models import Post, SourceDocument
from parley.publishing.render import passages
from parley.search.backends import backend
from parley.search.folding import fold, indexable
from parley.search.models import Entry

log = logging.getLogger("parley.search")

Source = Entry.Source


def _safely(what: str, step: Callable[[], None], *, one_statement: bool = False) -> None:
    """Run `step` so that no failure of it fails the change it follows. In a savepoint, unless
    it writes with one statement on a database where a failed statement leaves the
    transaction as it was (SQLite undoes the statement alone; PostgreSQL aborts the whole
    transaction, so it always needs the savepoint)."""
    try:
        if one_statement and not backend().failed_statement_aborts:
            step()
        else:
            with transaction.atomic():
                step()
    except Exception:
        log.exception("Search index not updated (%s); `parley reindex` will repair it.", what)


# -- entries -------------------------------------------------------------------------------------


def _done_translations(kind: str, objects: dict[int, object]) -> dict[int, list[Translation]]:
    """The finished translations of these objects that still match their current text."""
    found: dict[int, list[Translation]] = {}
    if not objects:
        return found
    rows = Translation.objects.filter(
        kind=kind, object_id__in=list(objects), state=Translation.State.DONE
    )
    for row in rows:
        obj = objects[row.object_id]
        if row.source_digest == source_of(kind, obj)[1]:
            found.setdefault(row.object_id, []).append(row)
    return found


def comment_entries(
    comments: Iterable[Comment],
    post_ids: dict[int, int],
    names: dict[int, str],
    translated: dict[int, list[Translation]] | None = None,
) -> list[Entry]:
    """Entries of published comments (their thread's post id in `post_ids`, their accounts'
    public names in `names`, their finished translations in `translated`, read when not
    given); none for others."""
    shown = {c.pk: c for c in comments if c.status == Comment.Status.PUBLISHED}
    if translated is None:
        translated = _done_translations(Translation.Kind.COMMENT, shown)  # type: ignore[arg-type]
    out = []
    for comment in shown.values():
        name = names.get(comment.author_id or 0, "") or comment.author_name
        common = {
            "source": Source.COMMENT,
            "object_id": comment.pk,
            "post_id": post_ids[comment.thread_id],
            "thread_id": comment.thread_id,
            "comment_id": comment.pk,
            "anchor": f"c{comment.pk}",
            "author_key": fold(name)[:120],
            "author_name": name[:120],
            "created_at": comment.created_at,
        }
        text = plain_text(comment.body_html)
        out.append(
            Entry(**common, language=comment.language, text=text, folded=indexable(name, text))
        )
        for row in translated.get(comment.pk, []):
            text = plain_text(row.html)
            out.append(
                Entry(
                    **common,
                    language=row.target,
                    is_original=False,
                    text=text,
                    folded=indexable(name, text),
                )
            )
    return out


def post_entries(post: Post, thread_id: int) -> list[Entry]:
    """A post's title and introduction, and each passage of its documents, with their
    finished translations."""
    author = post.author.public_name if post.author else ""
    common = {
        "post_id": post.pk,
        "thread_id": thread_id,
        "author_key": fold(author)[:120],
        "author_name": author[:120],
    }
    out = []
    posts = {post.pk: post}
    texts = [(post.language, post.title, plain_text(post.introduction_html), True)]
    for row in _done_translations(Translation.Kind.POST, posts).get(post.pk, []):  # type: ignore[arg-type]
        texts.append((row.target, row.title, plain_text(row.html), False))
    for language, title, text, original in texts:
        out.append(
            Entry(
                **common,
                source=Source.POST,
                object_id=post.pk,
                language=language,
                is_original=original,
                created_at=post.published_at,
                title=title,
                text=text,
                folded=indexable(title, text),
            )
        )
    documents = {d.pk: d for d in SourceDocument.objects.filter(post=post)}
    translated = _done_translations(Translation.Kind.DOCUMENT, documents)  # type: ignore[arg-type]
    for document in documents.values():
        out.extend(_document_entries(document, common, translated.get(document.pk, [])))
    return out


def _document_entries(document: SourceDocument, common: dict, translated: list[Translation]):
    each = {
        **common,
        "source": Source.DOCUMENT,
        "object_id": document.pk,
        "document_id": document.pk,
        "author_key": fold(document.issuer)[:120],
        "author_name": document.issuer[:120],
        "created_at": document.occurred_at,
        "title": document.title,
    }
    transcript = document.kind == SourceDocument.Kind.TRANSCRIPT
    language = document.effective_language
    for passage in passages(document.body, transcript=transcript):
        text = f"{passage.speaker}: {passage.text}" if passage.speaker else passage.text
        yield Entry(
            **each,
            anchor=f"{document.slug}-p{passage.index}",
            language=language,
            text=text,
            folded=indexable(document.title if passage.index == 1 else "", text),
        )
    for row in translated:  # a translation is one text: it links to the document
        text = plain_text(row.html)
        yield Entry(
            **each,
            anchor=document.slug,
            language=row.target,
            is_original=False,
            title=row.title or document.title,
            text=text,
            folded=indexable(row.title, text),
        )


# -- keeping it up to date -----------------------------------------------------------------------


def index_comments(comment_ids: Iterable[int]) -> None:
    """Enter these comments anew as they stand (or take them out)."""
    ids = sorted(set(comment_ids))
    if not ids:
        return
    found = Comment.objects.filter(pk__in=ids).select_related("thread")
    comments = list(found.only(*_COMMENT_FIELDS, "thread__post_id"))
    shown = [c for c in comments if c.status == Comment.Status.PUBLISHED]
    post_ids = {c.thread_id: c.thread.post_id for c in shown}
    names = _names({c.author_id for c in shown if c.author_id})
    backend().replace(Source.COMMENT, ids, comment_entries(shown, post_ids, names))


_COMMENT_FIELDS = (
    "id",
    "thread_id",
    "status",
    "author_id",
    "author_name",
    "body",
    "body_html",
    "language",
    "created_at",
)


def _names(user_ids: set[int]) -> dict[int, str]:
    """Accounts' public names (display name, else user name), in one narrow query."""
    if not user_ids:
        return {}
    rows = User.objects.filter(pk__in=user_ids).values_list("pk", "display_name", "username")
    return {pk: display or username for pk, display, username in rows}


def index_post(post_id: int) -> None:
    """Enter a post and its documents anew."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    thread_id = Thread.objects.filter(post_id=post_id).values_list("pk", flat=True).first()
    keys = [post_id]
    document_ids = list(SourceDocument.objects.filter(post_id=post_id).values_list("pk", flat=True))
    entries = post_entries(post, thread_id) if post is not None and thread_id else []
    index = backend()
    index.replace(Source.POST, keys, [e for e in entries if e.source == Source.POST])
    index.replace(
        Source.DOCUMENT, document_ids, [e for e in entries if e.source == Source.DOCUMENT]
    )


def index_new_comments(comments: list[Comment]) -> None:
    """Enter comments just written, from the objects saved (their thread and author loaded):
    they have no entries yet and no translations (those are made after commit), so this is
    one INSERT and no read."""
    names = {c.author.pk: c.author.public_name for c in comments if c.author is not None}
    post_ids = {c.thread_id: c.thread.post_id for c in comments}
    backend().index(comment_entries(comments, post_ids, names, translated={}))


_UNSEARCHED = frozenset({VOTED, FLAGGED})


def record(changes: list[Change]) -> None:
    """The recorder of discussion.changes: the comments each change names, entered anew
    (votes and flags change no text and no visibility); comments just posted from the
    objects saved."""
    new = [c for change in changes for c in change.new if c.status == Comment.Status.PUBLISHED]
    known = {c.pk for change in changes for c in change.new}
    ids = [
        pk
        for change in changes
        if change.kind not in _UNSEARCHED
        for pk in change.comments
        if pk not in known
    ]
    if new:
        _safely("new comments", lambda: index_new_comments(new), one_statement=True)
    if ids:
        _safely("comments", lambda: index_comments(ids))


def post_saved(sender, *, post: Post, **kwargs) -> None:
    _safely(f"post {post.pk}", lambda: index_post(post.pk))


def document_saved(sender, *, instance: SourceDocument, **kwargs) -> None:
    _safely(f"document {instance.pk}", lambda: index_post(instance.post_id))


def translation_saved(sender, *, instance: Translation, **kwargs) -> None:
    """A post's or document's translation finished (comments' come through record())."""
    if instance.state != Translation.State.DONE or instance.kind == Translation.Kind.COMMENT:
        return
    post_id: int | None = instance.object_id
    if instance.kind == Translation.Kind.DOCUMENT:
        found = SourceDocument.objects.filter(pk=instance.object_id).values_list("post_id")
        post_id = next(iter(found), (None,))[0]
    if post_id is not None:
        _safely(f"{instance.kind} {instance.object_id}", lambda: index_post(post_id))


# -- rebuilding ----------------------------------------------------------------------------------


def rebuild(batch_size: int = 500) -> Iterator[int]:
    """Empty the index and enter everything again, yielding how many objects are done after
    each batch (for a progress bar): every post with its documents, then every comment."""
    backend().clear()
    done = 0
    for post_id in Post.objects.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            index_post(post_id)
        done += 1
        yield done
    last = 0
    while True:
        ids = list(
            Comment.objects.filter(pk__gt=last, status=Comment.Status.PUBLISHED)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        with transaction.atomic():
            index_comments(ids)
        done += len(ids)
        last = ids[-1]
        yield done
    backend().optimize()


def total() -> int:
    """How many objects rebuild() enters."""
    return Post.objects.count() + Comment.objects.filter(status=Comment.Status.PUBLISHED).count()
