"""Signed tokens that let a guest edit or delete their own comment.

A token names one comment and expires with the edit window; the browser keeps
it in a cookie, API clients receive it in the answer to their POST.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.http import HttpResponse

_SALT = "parley.discussion.edit-token"
COOKIE = "parley_edit"
COOKIE_KEEP = 20


def make(comment_id: int) -> str:
    return signing.dumps(comment_id, salt=_SALT, compress=False)


def allows(token: str, comment_id: int) -> bool:
    try:
        value = signing.loads(token, salt=_SALT, max_age=settings.PARLEY_EDIT_WINDOW_SECONDS)
    except signing.BadSignature:
        return False
    return value == comment_id


def from_cookie(value: str | None) -> list[str]:
    return [token for token in (value or "").split() if token][:COOKIE_KEEP]


def add_to_cookie(value: str | None, token: str) -> str:
    return " ".join([token, *from_cookie(value)][:COOKIE_KEEP])


def any_allows(tokens: Iterable[str], comment_id: int) -> bool:
    return any(allows(token, comment_id) for token in tokens)


def comment_ids(tokens: Iterable[str]) -> set[int]:
    """The comments a set of unexpired tokens allows changing."""
    ids = set()
    for token in tokens:
        try:
            value = signing.loads(token, salt=_SALT, max_age=settings.PARLEY_EDIT_WINDOW_SECONDS)
        except signing.BadSignature:
            continue
        if isinstance(value, int):
            ids.add(value)
    return ids


# -- the comments a browser posted as a guest -----------------------------------------------------
# A signed list of comment ids, kept a year: it lets the guest see their own held comments (in
# the thread and at their permalinks), and nothing else. Edit tokens expire with the edit
# window; this list does not, because a comment can wait for review longer than that.

POSTED_COOKIE = "parley_mine"
_POSTED_SALT = "parley.mine"
POSTED_KEEP = 50
POSTED_AGE = 365 * 24 * 3600


def posted_ids(value: str | None) -> list[int]:
    """The comment ids in a posted-comments cookie; [] for a missing or forged one."""
    try:
        ids = signing.loads(value or "", salt=_POSTED_SALT)
    except signing.BadSignature:
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int)][-POSTED_KEEP:]


def add_posted(value: str | None, comment_id: int) -> str:
    """The cookie's new value, with one more comment (the oldest fall off past POSTED_KEEP)."""
    ids = [i for i in posted_ids(value) if i != comment_id]
    return signing.dumps([*ids, comment_id][-POSTED_KEEP:], salt=_POSTED_SALT)


def set_posted_cookie(response: HttpResponse, value: str | None, comment_id: int) -> None:
    """Add a guest's new comment to the posted-comments cookie the response sends back."""
    response.set_cookie(
        POSTED_COOKIE,
        add_posted(value, comment_id),
        max_age=POSTED_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
