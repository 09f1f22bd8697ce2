"""Policies through HTTP: what is published at once, what is held, and who sees what."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation.models import Decision, Screening
from tests.moderation.conftest import URL, post_form, set_mode

pytestmark = pytest.mark.django_db


def test_by_default_comments_are_published_and_screened(client, thread, no_rate_limit):
    response = post_form(client, "The letter was signed on Monday, not Tuesday.")
    comment = Comment.objects.get()
    assert comment.status == "published"
    assert response["Location"] == f"/c/{comment.pk}/"
    screening = Screening.objects.get(comment=comment)
    assert not screening.held


def test_untrusted_commenters_wait_for_review_and_see_their_own_comment(
    client, thread, moderator, no_rate_limit
):
    set_mode("untrusted", trusted_after=2)
    post_form(client, "First time here: the crossing opened at noon.")
    comment = Comment.objects.get()
    assert comment.status == "pending"
    mine = client.get(URL).content.decode()
    assert "First time here" in mine
    assert "Only you can see this comment until a moderator approves it." in mine
    other = Client().get(URL).content.decode()
    assert "First time here" not in other
    decision = Decision.objects.get(comment_id=comment.pk)
    assert (decision.action, decision.reason) == ("hold", "held: new or untrusted commenter")
    assert decision.automatic


def test_trusted_after_enough_approved_comments(client, thread, moderator, rosa, no_rate_limit):
    from parley.moderation.actions import decide

    set_mode("untrusted", trusted_after=2)
    client.force_login(rosa)  # an account with an e-mail address: "verified", not yet trusted
    for n in range(2):
        client.post(URL + "comments/", {"body": f"Comment number {n} about the schedule."})
        decide(Comment.objects.latest("id"), "approve", by=moderator, expected="pending")
    client.post(URL + "comments/", {"body": "Now I am trusted, this goes out at once."})
    assert Comment.objects.latest("id").status == "published"


def test_guests_are_never_trusted_by_the_address_they_type(thread, moderator, no_rate_limit):
    from parley.moderation.actions import decide

    set_mode("untrusted", trusted_after=1)
    post_form(Client(), "An approved guest comment.", email="gil@example.org")
    decide(Comment.objects.latest("id"), "approve", by=moderator, expected="pending")
    post_form(Client(), "Someone else typing Gil's address.", email="gil@example.org")
    assert Comment.objects.latest("id").status == "pending"


def test_holding_everything_spares_moderators_and_the_author(
    client, thread, moderator, editor, no_rate_limit
):
    set_mode("all")
    post_form(client, "A guest's comment waits.")
    assert Comment.objects.latest("id").status == "pending"
    for user in (moderator, editor):
        client.force_login(user)
        client.post(URL + "comments/", {"body": f"{user.username} speaks at once."})
        assert Comment.objects.latest("id").status == "published"
    assert not Screening.objects.filter(comment__author=editor).exists()


def test_a_post_can_hold_everything_while_the_site_does_not(client, thread, no_rate_limit):
    from parley.moderation.models import Policy

    Policy.objects.create(post=thread.post, mode="all")
    post_form(client, "This post is moderated before publishing.")
    assert Comment.objects.get().status == "pending"


def test_a_suspect_word_queues_the_comment_and_leaves_it_published(
    client, thread, moderator, no_rate_limit
):
    from parley.moderation import wordlists

    wordlists.forget()
    wordlists.save("", "suspect", "sheeple", by=moderator)
    try:
        post_form(client, "Wake up, sheeple, the dam was never about water.")
        comment = Comment.objects.get()
        assert comment.status == "published"
        screening = Screening.objects.get(comment=comment)
        assert screening.review and not screening.held
        assert screening.summary == "to review: suspect word “sheeple”"
        client.force_login(moderator)
        assert "to review: suspect word" in client.get("/moderation/").content.decode()
    finally:
        wordlists.forget()
