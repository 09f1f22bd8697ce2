"""Readers flag comments; enough distinct readers hold one for review."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation.models import Decision, Flag
from tests.moderation.conftest import URL, set_mode

pytestmark = pytest.mark.django_db


def _flag(comment, ip, reason="abuse", text=""):
    return Client().post(f"/c/{comment.pk}/flag/", {"reason": reason, "text": text}, REMOTE_ADDR=ip)


def test_the_flag_form_is_offered_on_every_comment(client, thread, post_as):
    comment = post_as(thread, "Bruno", "You clearly did not read the letter.")
    assert f'href="/c/{comment.pk}/flag/"' in client.get(URL).content.decode()
    page = client.get(f"/c/{comment.pk}/flag/").content.decode()
    assert "What is wrong with it?" in page and 'value="threat"' in page


def test_three_readers_flagging_hold_the_comment(client, thread, post_as):
    set_mode("post", flag_threshold=3)
    comment = post_as(thread, "Bruno", "You clearly did not read the letter, idiot.")
    for n, ip in enumerate(("198.51.100.1", "203.0.113.2")):  # three networks
        response = _flag(comment, ip)
        assert response.status_code == 302, n
    comment.refresh_from_db()
    assert comment.status == "published"
    _flag(comment, "192.0.2.3", reason="hate")
    comment.refresh_from_db()
    assert comment.status == "pending"
    hold = Decision.objects.get(comment_id=comment.pk, action="hold")
    assert hold.reason == "held: flagged by 3 readers (abuse or harassment ×2, hate ×1)"
    assert "idiot" not in Client().get(URL).content.decode()


def test_one_reader_cannot_flag_twice(thread, post_as):
    comment = post_as(thread, "Bruno", "Some words.")
    assert _flag(comment, "198.51.100.1").status_code == 302
    again = _flag(comment, "198.51.100.1", reason="spam")
    assert again.status_code == 409
    assert "You have already flagged this comment" in again.content.decode()
    assert Flag.objects.count() == 1


def test_a_flag_on_a_deleted_comment_is_refused(thread, post_as, moderator):
    from parley.discussion.actions import delete_comment

    comment = post_as(thread, "Bruno", "Soon gone.")
    reply = post_as(thread, "Carla", "A reply keeps it as a placeholder.", parent=comment)
    assert reply
    delete_comment(comment, user=moderator)
    response = _flag(Comment.objects.get(pk=comment.pk), "198.51.100.1")
    assert response.status_code == 400
    assert "cannot be flagged" in response.content.decode()
    assert not Flag.objects.exists()


def test_other_needs_words_and_reasons_must_be_known(thread, post_as):
    comment = post_as(thread, "Bruno", "Some words.")
    response = _flag(comment, "198.51.100.1", reason="other")
    assert response.status_code == 400
    assert "Say what is wrong with the comment." in response.content.decode()
    response = _flag(comment, "198.51.100.1", reason="boring")
    assert response.status_code == 400
    assert not Flag.objects.exists()
