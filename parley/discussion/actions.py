"""Every change to a discussion goes through these functions.

The HTML views, the JSON API, the demo loader and importers call them; each
validates first (check_*), then prepares what it can without locks (rendering the body,
annotating it, running the screeners), then changes data in one transaction, then queues
side effects with transaction.on_commit.

One lock order everywhere a comment changes: the thread first, then the comments (parent and
quoted comments included), by id. Rules read before the locks are read again after them.
Stored counts (a comment's replies, a top-level comment's subtree, a thread's comments) count
only what every reader sees (Comment.is_visible; a thread counts its published comments), and
every change here keeps them equal to a query of those rows.

What a commenter sends is checked in checks.py, bodies are rendered in rendering.py and other
apps attach in hooks.py; Commenter, the check_* functions and the register_* functions are
importable from here too, where views, the API and other apps' hooks find them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parley.accounts.models import User
from parley.discussion import changes, hooks, signals
from parley.discussion.checks import EMAIL_MAX as EMAIL_MAX
from parley.discussion.checks import NAME_MAX as NAME_MAX
from parley.discussion.checks import WEBSITE_MAX as WEBSITE_MAX
from parley.discussion.checks import Commenter as Commenter
from parley.discussion.checks import check_body as check_body
from parley.discussion.checks import check_commenter as check_commenter
from parley.discussion.checks import check_rate as check_rate
from parley.discussion.checks import idempotency_digest, replay
from parley.discussion.hooks import ANNOTATED
from parley.discussion.hooks import register_annotator as register_annotator
from parley.discussion.hooks import register_edit_screener as register_edit_screener
from parley.discussion.hooks import register_screener as register_screener
from parley.discussion.models import VISIBLE, Comment, Quote, Revision, Thread
from parley.discussion.rendering import render_body
from parley.lib.errors import Conflict, Forbidden, Invalid
from parley.publishing.models import Post


def open_thread(post: Post) -> Thread:
    thread, _created = Thread.objects.get_or_create(post=post)
    return thread


def set_thread_open(thread: Thread, is_open: bool) -> None:
    with transaction.atomic():
        versions = changes.thread_changed([thread.pk], changes.THREAD, is_open=is_open)
    thread.is_open = is_open
    thread.version = versions.get(thread.pk, thread.version)


# -- locks and counts ---------------------------------------------------------------------------


def lock_comments(ids: Iterable[int], *, for_delete: bool = False) -> dict[int, Comment]:
    """Lock comments for a change, in the one lock order: their threads first (by id), then
    the comments (by id). Returns the comments as stored once locked; one deleted meanwhile
    is missing. Call inside a transaction; every action here (and the moderation actions)
    locks this way, so two changes to one thread queue instead of deadlocking."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    # A comment never moves to another thread, so its thread can be read before locking.
    thread_ids = Comment.objects.filter(pk__in=wanted).values_list("thread_id", flat=True)
    _lock_threads(set(thread_ids))
    # NO KEY UPDATE (PostgreSQL) unless rows go: other writers' foreign keys (a reply, a
    # flag, a screening row) may still point at a comment being edited.
    rows = Comment.objects.select_for_update(no_key=not for_delete, of=("self",))
    found = rows.filter(pk__in=wanted).select_related("thread").order_by("pk")
    return {comment.pk: comment for comment in found}


def lock_comment(comment: Comment, *, for_delete: bool = False) -> Comment | None:
    """lock_comments() for one comment: the stored comment once locked, None if it is gone."""
    return lock_comments([comment.pk], for_delete=for_delete).get(comment.pk)


def _lock_threads(thread_ids: Iterable[int]) -> None:
    rows = Thread.objects.select_for_update(no_key=True).filter(pk__in=set(thread_ids))
    list(rows.order_by("pk").values_list("pk", flat=True))


def _by_pk(values: dict[int, int]) -> Case:
    """An expression worth values[pk] on each row (0 elsewhere), for one UPDATE of many."""
    return Case(*[When(pk=pk, then=Value(value)) for pk, value in values.items()], default=0)


def _follow_counts(
    changed: list[tuple[Comment, str, str]], what: dict[int, changes.What] | None = None
) -> None:
    """Keep stored counts equal to the visible rows after comments changed status:
    `changed` holds (comment, status before, status after). Bumps each thread's version and
    records the change: `what` changed in each thread, by default the change of status."""
    published = Comment.Status.PUBLISHED
    threads: dict[int, int] = {}
    parents: dict[int, int] = {}
    roots: dict[int, int] = {}
    for comment, before, after in changed:
        threads[comment.thread_id] = (
            threads.get(comment.thread_id, 0) + (after == published) - (before == published)
        )
        shown = (after in VISIBLE) - (before in VISIBLE)
        if shown and comment.parent_id is not None and comment.root_id is not None:
            parents[comment.parent_id] = parents.get(comment.parent_id, 0) + shown
            roots[comment.root_id] = roots.get(comment.root_id, 0) + shown
    _add_counts(parents, roots)
    if threads:
        changes.threads_changed(what or changes.by_thread(changed), counts=threads)


def _add_counts(parents: dict[int, int], roots: dict[int, int]) -> None:
    parents = {pk: n for pk, n in parents.items() if n}
    roots = {pk: n for pk, n in roots.items() if n}
    if parents:
        Comment.objects.filter(pk__in=parents).update(
            reply_count=F("reply_count") + _by_pk(parents)
        )
    if roots:
        Comment.objects.filter(pk__in=roots).update(
            subtree_count=F("subtree_count") + _by_pk(roots)
        )


# -- posting ------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A comment made ready without locks: rendered, annotated and screened."""

    comment: Comment
    quotes: list[Quote]
    after_save: list[Callable[[Comment], None]]

    def quoted_ids(self) -> set[int]:
        return {q.source_comment.pk for q in self.quotes if q.source_comment is not None}


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
    digest = idempotency_digest(commenter, idempotency_key)
    if (earlier := replay(digest, thread, body, parent_id)) is not None:
        return earlier
    check_rate(commenter)
    draft = _draft(thread, commenter, body, parent_id, digest, created_at)
    try:
        with transaction.atomic():
            return _store_comment(thread, draft)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its comment.
        if (earlier := replay(digest, thread, body, parent_id)) is not None:
            return earlier
        raise


def _bad_parent() -> Invalid:
    # One answer for "no such comment" and "hidden", so hidden comments stay unknown.
    return Invalid(
        _("The comment you are replying to is not in this discussion, or was removed."),
        field="parent_id",
        code="bad_parent",
    )


def _draft(
    thread: Thread,
    commenter: Commenter,
    body: str,
    parent_id: int | None,
    digest: str | None,
    created_at: datetime | None,
) -> _Draft:
    """Everything posting does before the write lock: the parent as read now (checked again
    under the lock), the body rendered with its quotes and mentions, annotations, screening."""
    parent = None
    if parent_id is not None:
        parent = (
            Comment.objects.filter(pk=parent_id, thread=thread)
            .only("pk", "root_id", "depth", "status")
            .first()
        )
        if parent is None or parent.status != Comment.Status.PUBLISHED:
            raise _bad_parent()
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
    hooks.annotate(comment)
    return _Draft(comment, found_quotes, hooks.screen(comment))


def _count_in_open_thread(thread_id: int, published: bool) -> int | None:
    """Count the comment (if published) and bump the version, if the thread is open; one
    statement, which also locks the thread until commit (the first lock of the lock order).
    Returns the new version (the change's event id), or None if the thread is closed.

    Written in SQL because the ORM's expression machinery cost more than the statement on
    the posting path (docs/benchmarks.md).
    """
    table = connection.ops.quote_name(Thread._meta.db_table)
    sql = (
        f"UPDATE {table} SET comment_count = comment_count + %s, "  # noqa: S608  (our table)
        "version = version + 1 WHERE id = %s AND is_open RETURNING version"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1 if published else 0, thread_id])
        row = cursor.fetchone()
        return None if row is None else row[0]


def _lock_statuses(thread_id: int, ids: set[int]) -> dict[int, str]:
    """Lock comments of a locked thread by id and read their statuses, in one statement.

    Written in SQL for the posting path, as _count_in_open_thread is. NO KEY UPDATE (on
    PostgreSQL): other writers' foreign keys to these comments need not wait.
    """
    table = connection.ops.quote_name(Comment._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT id, status FROM {table} WHERE thread_id = %s AND id IN ({marks}) "  # noqa: S608
        "ORDER BY id"
    )
    if connection.features.has_select_for_no_key_update:
        sql += " FOR NO KEY UPDATE"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [thread_id, *sorted(ids)])
        return dict(cursor.fetchall())


def _check_quoted_still_there(status: dict[int, str], wanted: set[int]) -> None:
    for pk in sorted(wanted):
        if status.get(pk) != Comment.Status.PUBLISHED:
            raise Invalid(
                _(
                    "You quoted comment #%(id)s, which does not exist in this "
                    "discussion (or was removed)."
                )
                % {"id": pk},
                field="body",
                code="quote_missing",
            )


def _store_comment(thread: Thread, draft: _Draft) -> Comment:
    comment = draft.comment
    published = comment.status == Comment.Status.PUBLISHED
    version = _count_in_open_thread(thread.pk, published)
    if version is None:
        raise Forbidden(
            _("This discussion is closed: no new comments can be posted."), code="thread_closed"
        )
    # The thread is locked; now the comments this one hangs on, read again: a reply to a
    # comment deleted or held meanwhile is refused (not a foreign-key failure at commit).
    quoted = draft.quoted_ids()
    around = {pk for pk in (comment.parent_id, comment.root_id, *quoted) if pk is not None}
    if around:
        status = _lock_statuses(thread.pk, around)
        if comment.parent_id is not None and status.get(comment.parent_id) != "published":
            raise _bad_parent()
        _check_quoted_still_there(status, quoted)
    comment.save(force_insert=True)
    for after in draft.after_save:
        after(comment)
    for quote in draft.quotes:
        quote.comment = comment
    Quote.objects.bulk_create(draft.quotes)
    if comment.parent_id is not None and comment.is_visible:
        Comment.objects.filter(pk__in={comment.parent_id, comment.root_id}).update(
            reply_count=F("reply_count") + Case(When(pk=comment.parent_id, then=1), default=0),
            subtree_count=F("subtree_count") + Case(When(pk=comment.root_id, then=1), default=0),
        )
    # Published: new to readers; held: for moderators only (and shown to its author alone).
    kind = changes.POSTED if published else changes.HELD
    changes.recorded(
        [changes.Change(thread.pk, version, kind, [comment.pk], not published, new=(comment,))]
    )
    transaction.on_commit(lambda: signals.comment_posted.send(Comment, comment=comment))
    return comment


# -- who may change a comment -------------------------------------------------------------------


def may_change(comment: Comment, user: User | None, edit_tokens: Iterable[str]) -> bool:
    """Comment.can_change, for callers that have the comment, the user and the tokens apart."""
    return comment.can_change(user, edit_tokens)


def edit_window_phrase() -> str:
    """The edit window in words: "15 minutes", "1 minute", "30 seconds"."""
    seconds = settings.PARLEY_EDIT_WINDOW_SECONDS
    if seconds and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}


def check_may_change(comment: Comment, user: User | None, edit_tokens: Iterable[str]) -> None:
    """Raise, with the reason in words, unless this person may edit or delete the comment
    (Comment.can_change says who may)."""
    if comment.is_deleted:
        raise Invalid(_("This comment was deleted."), code="deleted")
    if not comment.can_change(user, edit_tokens):
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


def _gone() -> Invalid:
    return Invalid(_("This comment was deleted."), code="deleted")


# -- editing ------------------------------------------------------------------------------------


def _draft_edit(stored: Comment, body: str, now: datetime, editor: User | None) -> _Draft:
    """A copy of the stored comment carrying the new body: rendered, annotated, screened."""
    draft = copy.copy(stored)
    draft._state = copy.copy(stored._state)
    draft.editor = editor if editor is not None and editor.is_authenticated else None
    html, found_quotes = render_body(stored.thread, body, editing=stored)
    draft.body, draft.body_html, draft.edited_at = body, html, now
    hooks.annotate(draft)
    return _Draft(draft, found_quotes, hooks.screen_edit(draft))


def edit_comment(
    comment: Comment, *, body: str, user: User | None = None, edit_tokens: Iterable[str] = ()
) -> Comment:
    """Replace a comment's body, keeping the previous version as history."""
    edit_tokens = list(edit_tokens)
    check_may_change(comment, user, edit_tokens)
    body = check_body(body)
    if body == comment.body:
        return comment
    now = timezone.now()
    draft = _draft_edit(comment, body, now, user)
    with transaction.atomic():
        # The comment and those it quotes (the same ones however often the body is
        # rendered), locked together in the one order.
        quoted = draft.quoted_ids()
        locked = lock_comments([comment.pk, *quoted])
        current = locked.get(comment.pk)
        if current is None:
            raise _gone()
        check_may_change(current, user, edit_tokens)
        if (current.status, current.body) != (comment.status, comment.body):
            # Changed meanwhile (decided, held, edited): prepare again on what is stored now.
            draft = _draft_edit(current, body, now, user)
        same_thread = {pk: c.status for pk, c in locked.items() if c.thread_id == current.thread_id}
        _check_quoted_still_there(same_thread, quoted - {current.pk})
        new = draft.comment
        Revision.objects.create(
            comment=current,
            body=current.body,
            body_html=current.body_html,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
            replaced_by=user if user is not None and user.is_authenticated else None,
        )
        before = current.status
        current.body, current.body_html, current.edited_at = new.body, new.body_html, new.edited_at
        current.status = new.status
        for name in ANNOTATED:
            setattr(current, name, getattr(new, name))
        current.save(update_fields=["body", "body_html", "edited_at", "status", *ANNOTATED])
        for after in draft.after_save:
            after(current)
        current.quotes.all().delete()
        for quote in draft.quotes:
            quote.comment = current
        Quote.objects.bulk_create(draft.quotes)
        _follow_counts(
            [(current, before, current.status)],
            {current.thread_id: _edit_change(current, before)},
        )
        transaction.on_commit(lambda: signals.comment_edited.send(Comment, comment=current))
    return current


def _edit_change(current: Comment, before: str) -> changes.What:
    """What an edit is to readers: an edit of a published comment, or, of a held one, for
    moderators only. A published comment the edit holds is removed for readers, unless its
    author is shadow-banned (the edit screener holds their every edit): then moderators alone
    hear of it, and the page its author reads never changes under them."""
    published = Comment.Status.PUBLISHED
    if before == published and current.status == Comment.Status.PENDING:
        if hooks.concealed([current.pk]):
            return changes.What(changes.HELD, [current.pk], staff_only=True)
        return changes.What(changes.REMOVED, [current.pk])
    return changes.What(changes.EDITED, [current.pk], staff_only=current.status != published)


# -- deleting -----------------------------------------------------------------------------------


def delete_comment(
    comment: Comment, *, user: User | None = None, edit_tokens: Iterable[str] = ()
) -> None:
    """Remove a comment; one with replies leaves a "deleted" placeholder so replies stay put."""
    edit_tokens = list(edit_tokens)
    check_may_change(comment, user, edit_tokens)
    with transaction.atomic():
        current = lock_comment(comment, for_delete=True)
        if current is None:
            raise _gone()
        check_may_change(current, user, edit_tokens)
        _delete_locked(current)
        transaction.on_commit(lambda: signals.comment_deleted.send(Comment, comment=current))


def _has_replies(comment_id: int) -> bool:
    """Any reply at all, held ones included: they must keep a parent to hang under."""
    return Comment.objects.filter(parent_id=comment_id).exists()


def _delete_locked(current: Comment) -> None:
    before = current.status
    if _has_replies(current.pk):
        current.status, current.body, current.body_html = Comment.Status.DELETED, "", ""
        current.author_email, current.author_website = "", ""
        current.save(
            update_fields=["status", "body", "body_html", "author_email", "author_website"]
        )
        current.revisions.all().delete()
        current.quotes.all().delete()
        _follow_counts([(current, before, Comment.Status.DELETED)])
    else:
        pk = current.pk
        _remove_leaf(current)
        published = before == Comment.Status.PUBLISHED
        what = changes.status_change(before, changes.GONE)
        changes.threads_changed(
            {current.thread_id: changes.What(what.kind, [pk], what.staff_only)},
            counts={current.thread_id: -1 if published else 0},
        )


def _remove_leaf(comment: Comment) -> None:
    """Delete a comment without replies, and placeholders left without replies above it."""
    current: Comment | None = comment
    while current is not None:
        parent_id, root_id, shown = current.parent_id, current.root_id, current.is_visible
        current.delete()
        if parent_id is None or root_id is None:
            return
        if shown:
            _add_counts({parent_id: -1}, {root_id: -1})
        parent = Comment.objects.get(pk=parent_id)
        current = parent if parent.is_deleted and not _has_replies(parent.pk) else None


def delete_comments(comments: list[Comment], *, by: User) -> None:
    """A moderator removes many comments at once, as delete_comment() would one after
    another: those with replies leave a placeholder, the others are removed, and so are
    placeholders left without replies. The queries grow with the depth of the tree, not with
    the number of comments. The caller locks the comments with lock_comments(for_delete=True)
    in its transaction and has checked each one's status; comments_deleted is sent after
    commit."""
    if not by.moderates:
        raise Forbidden(_("Only a moderator can delete a comment."), code="not_moderator")
    if any(comment.is_deleted for comment in comments):
        raise _gone()
    if not comments:
        return
    deleted = Comment.Status.DELETED
    removed: dict[int, int] = {}  # thread → published comments no longer shown
    for comment in comments:
        published = comment.status == Comment.Status.PUBLISHED
        removed[comment.thread_id] = removed.get(comment.thread_id, 0) + published
    ids = [comment.pk for comment in comments]
    with_replies = set(
        Comment.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True)
    )
    kept = [comment for comment in comments if comment.pk in with_replies]
    if kept:
        Comment.objects.filter(pk__in=[c.pk for c in kept]).update(
            status=deleted, body="", body_html="", author_email="", author_website=""
        )
        Revision.objects.filter(comment_id__in=[c.pk for c in kept]).delete()
        Quote.objects.filter(comment_id__in=[c.pk for c in kept]).delete()
        # A held or rejected comment that becomes a placeholder is now shown.
        shown: dict[int, int] = {}
        shown_roots: dict[int, int] = {}
        for c in kept:
            if c.status not in VISIBLE and c.parent_id is not None and c.root_id is not None:
                shown[c.parent_id] = shown.get(c.parent_id, 0) + 1
                shown_roots[c.root_id] = shown_roots.get(c.root_id, 0) + 1
        _add_counts(shown, shown_roots)
    leaves = [
        (c.pk, c.parent_id, c.root_id, c.is_visible) for c in comments if c.pk not in with_replies
    ]
    while leaves:
        Comment.objects.filter(pk__in=[pk for pk, *_rest in leaves]).delete()
        parents: dict[int, int] = {}
        roots: dict[int, int] = {}
        for _pk, parent_id, root_id, visible in leaves:
            if parent_id is not None and root_id is not None:
                parents.setdefault(parent_id, 0)
                roots.setdefault(root_id, 0)
                if visible:
                    parents[parent_id] += 1
                    roots[root_id] += 1
        if not parents:
            break
        _add_counts({pk: -n for pk, n in parents.items()}, {pk: -n for pk, n in roots.items()})
        emptied = Comment.objects.filter(pk__in=parents, status=deleted).exclude(
            pk__in=Comment.objects.filter(parent_id__in=parents).values("parent_id")
        )
        # A placeholder is shown, so removing it takes one from the counts above it.
        rows = emptied.values_list("pk", "parent_id", "root_id")
        leaves = [(pk, parent_id, root_id, True) for pk, parent_id, root_id in rows]
    after = {c.pk: deleted if c.pk in with_replies else changes.GONE for c in comments}
    changes.threads_changed(
        changes.by_thread([(c, c.status, after[c.pk]) for c in comments]),
        counts={pk: -n for pk, n in removed.items()},
    )
    for comment in kept:
        comment.status, comment.body, comment.body_html = deleted, "", ""
    transaction.on_commit(lambda: signals.comments_deleted.send(Comment, comments=comments))


# -- status -------------------------------------------------------------------------------------


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
        with transaction.atomic():
            current = lock_comment(comment, for_delete=True)
            if current is None:
                raise _gone()
            if expected is not None:
                _check_expected(current, expected)
            check_may_change(current, by, ())
            _delete_locked(current)
            transaction.on_commit(lambda: signals.comment_deleted.send(Comment, comment=current))
        return current
    if status not in Comment.Status.values:
        raise Invalid(_("“%(status)s” is not a comment status.") % {"status": status})
    with transaction.atomic():
        current = lock_comment(comment)
        if current is None:
            raise _gone()
        if expected is not None:
            _check_expected(current, expected)
        if current.status == status:
            return current
        if current.is_deleted:
            raise _gone()
        before = current.status
        current.status = status
        current.save(update_fields=["status"])
        _follow_counts([(current, before, status)])
        transaction.on_commit(lambda: signals.comment_edited.send(Comment, comment=current))
    return current


def set_comments_status(comments: list[Comment], status: str, *, by: User) -> list[Comment]:
    """Publish, hold or reject many comments at once, in a fixed number of queries; counts
    follow. The caller locks the comments with lock_comments() in its transaction and has
    checked that each still has the status its moderator saw; deleted comments are refused.
    Returns the comments whose status changed; comments_status_changed is sent after commit."""
    if not by.moderates:
        raise Forbidden(_("Only moderators can change a comment's status."), code="not_moderator")
    published = Comment.Status.PUBLISHED
    if status not in (published, Comment.Status.PENDING, Comment.Status.REJECTED):
        raise Invalid(_("“%(status)s” is not a comment status.") % {"status": status})
    if any(comment.is_deleted for comment in comments):
        raise _gone()
    changing = [comment for comment in comments if comment.status != status]
    if not changing:
        return []
    changed = [(comment, comment.status, status) for comment in changing]
    for comment in changing:
        comment.status = status
    Comment.objects.filter(pk__in=[comment.pk for comment in changing]).update(status=status)
    _follow_counts(changed)
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
