"""HEAD on every page answers as GET does (uptime monitors and link checkers use it)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_head_answers_like_get_on_every_page(client, thread, post_as, rosa):
    comment = post_as(thread, "Ana", "The crossing opens at noon.")
    pages = [
        "/",
        "/posts/lastovo/",
        "/posts/lastovo/?partial=1",
        f"/posts/lastovo/comments/{comment.pk}/",
        f"/c/{comment.pk}/",
        f"/c/{comment.pk}/history/",
        f"/c/{comment.pk}/flag/",
        f"/translations/?comments={comment.pk}",
        f"/threads/{thread.pk}/comments/?ids={comment.pk}",
        "/signup/",
        "/login/",
        "/posts/nothing-here/",
    ]
    for url in pages:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
        assert head.status_code != 405, url
        assert head.get("Content-Type") == got.get("Content-Type"), url
    client.force_login(rosa)
    assert client.head("/account/").status_code == 200
