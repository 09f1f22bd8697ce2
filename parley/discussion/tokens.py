"""Signed tokens that let a guest edit or delete their own comment.

A token names one comment and expires with the edit window; the browser keeps
it in a cookie, API clients receive it in the answer to their POST.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing

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
