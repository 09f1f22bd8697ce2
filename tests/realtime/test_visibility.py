"""Events follow the pages' rules: held comments and shadow-banned authors' comments for
moderators only, nothing at all from a post readers cannot see."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion import actions
from parley.moderation import bans
from tests.moderation.conftest import post_form

pytestmark = pytest.mark.django_db


def _kinds(client, thread, after=0):
    response = client.get(f"/threads/{thread.pk}/events/?after={after}")
    assert response.status_code == 200, response.content
    return [(e["kind"], e["comments"]) for e in response.json()["events"]]


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_held_comment_is_told_to_moderators_only(
    thread, post_as, hold_everything, moderator, rosa, no_rate_limit
):
    comment = post_as(thread, "John", "Held.")
    assert _kinds(Client(), thread) == []
    assert _kinds(_as(rosa), thread) == []
    assert _kinds(_as(moderator), thread) == [("held", [comment.pk])]


def test_an_approved_comment_reaches_readers(
    thread, post_as, hold_everything, moderator, no_rate_limit
):
    comment = post_as(thread, "John", "Held, then approved.")
    actions.set_comment_status(comment, "published", by=moderator)
    assert _kinds(Client(), thread) == [("posted", [comment.pk])]


def test_an_unpublished_post_sends_nothing(thread, post_as, moderator, no_rate_limit):
    from parley.publishing.actions import save_post

    post_as(thread, "John", "Before.")
    post = thread.post
    post.is_published = False
    save_post(post)
    for client in (Client(), _as(moderator)):
        response = client.get(f"/threads/{thread.pk}/events/?after=0")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    stream = Client().get(f"/live/threads/{thread.pk}/")
    assert stream.status_code == 307  # WSGI never serves a stream, whatever the thread


def test_a_shadow_banned_authors_edit_is_told_to_moderators_only(
    client, thread, moderator, no_rate_limit
):
    post_form(client, "A calm remark about the crossing.", ip="198.51.100.8")
    comment = thread.comments.get()
    bans.ban(kind="ip", value="198.51.100.8", reason="Sock puppet", by=moderator, shadow=True)
    edited = client.post(
        f"/c/{comment.pk}/edit/",
        {"body": "A calm remark about the crossing, edited."},
        REMOTE_ADDR="198.51.100.8",
    )
    assert edited.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"  # shown to its author alone
    assert _kinds(Client(), thread) == [("posted", [comment.pk])]  # readers notice nothing
    assert _kinds(_as(moderator), thread)[-1] == ("held", [comment.pk])


def test_a_published_comment_held_on_edit_is_removed_for_readers(
    thread, post_as, rosa, moderator, no_rate_limit
):
    from parley.moderation import wordlists

    comment = post_as(thread, "", "A calm remark.", user=rosa)
    wordlists.save("", "banned", "idiot", by=moderator)
    actions.edit_comment(comment, body="You idiot.", user=rosa)
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert _kinds(Client(), thread)[-1] == ("removed", [comment.pk])
