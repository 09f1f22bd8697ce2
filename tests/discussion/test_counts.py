"""Counts shown to readers count only what readers can see, through every change."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from parley.discussion import actions, tokens
from parley.discussion.models import Comment
from tests.api.test_comments_api import API, patch_json, post_json
from tests.discussion.counts import mismatches
from tests.moderation.conftest import set_mode

pytestmark = pytest.mark.django_db


def reply_count(client, comment) -> int:
    return client.get(f"{API}/comments/{comment.pk}").json()["reply_count"]


def thread_count(client, thread) -> int:
    return client.get(f"{API}/threads/{thread.pk}").json()["comment_count"]


def decide(client, comment, action: str, expected: str) -> None:
    response = client.post(
        "/moderation/decide/",
        {"action": action, "comment": comment.pk, f"expected-{comment.pk}": expected},
    )
    assert response.status_code == 302, response.content


def test_a_held_reply_counts_once_a_moderator_approves_it_and_not_after_a_rejection(
    client, thread, post_as, moderator, no_rate_limit
):
    parent = post_as(thread, "Ana", "Will the trucks go first?")
    set_mode("all")
    held = post_as(thread, "Ben", "Yes, at noon.", parent=parent)
    assert held.status == "pending"
    assert (reply_count(client, parent), thread_count(client, thread)) == (0, 1)
    assert mismatches() == []
    staff = Client()
    staff.force_login(moderator)
    decide(staff, held, "approve", "pending")
    assert (reply_count(client, parent), thread_count(client, thread)) == (1, 2)
    decide(staff, held, "reject", "published")
    assert (reply_count(client, parent), thread_count(client, thread)) == (0, 1)
    assert mismatches() == []


def test_the_replies_sort_counts_visible_replies_only(client, thread, post_as, no_rate_limit):
    busy_in_the_queue = post_as(thread, "Ana", "First, with held replies.")
    answered = post_as(thread, "Ben", "Second, with one published reply.")
    post_as(thread, "Cleo", "Shown.", parent=answered)
    set_mode("all")
    for name in ("Dan", "Eve"):
        post_as(thread, name, "Waiting for review.", parent=busy_in_the_queue)
    page = client.get(f"{API}/threads/{thread.pk}/comments?sort=replies").json()
    assert [c["author"]["name"] for c in page["comments"]][:2] == ["Ben", "Cleo"]
    assert mismatches() == []


def test_an_edit_that_is_held_takes_the_reply_out_of_the_counts(client, thread, post_as):
    parent = post_as(thread, "Ana", "Where is the crossing?")
    posted = post_json(
        client,
        f"{API}/threads/{thread.pk}/comments",
        {"name": "Ben", "body": "Here.", "parent_id": parent.pk},
    ).json()
    assert reply_count(client, parent) == 1
    links = " ".join(f"https://shop{n}.example" for n in range(6))
    response = patch_json(
        client,
        f"{API}/comments/{posted['id']}",
        {"body": f"Buy here: {links}"},
        headers={"X-Edit-Token": posted["edit_token"]},
    )
    assert response.status_code == 200, response.content
    assert Comment.objects.get(pk=posted["id"]).status == "pending"
    assert (reply_count(client, parent), thread_count(client, thread)) == (0, 1)
    assert mismatches() == []


def test_deleting_a_comment_whose_only_reply_is_held_keeps_a_placeholder(
    thread, post_as, moderator, no_rate_limit
):
    parent = post_as(thread, "Ana", "Top.")
    set_mode("all")
    held = post_as(thread, "Ben", "Waiting.", parent=parent)
    actions.delete_comment(parent, user=moderator)
    parent.refresh_from_db()
    assert parent.status == "deleted" and Comment.objects.filter(pk=held.pk).exists()
    assert mismatches() == []
    # Approved, the reply counts under the placeholder; deleted, it takes the placeholder along.
    actions.set_comment_status(held, "published", by=moderator)
    assert Comment.objects.get(pk=parent.pk).reply_count == 1
    actions.delete_comment(Comment.objects.get(pk=held.pk), user=moderator)
    assert not Comment.objects.filter(pk__in=[parent.pk, held.pk]).exists()
    assert mismatches() == []


def test_bulk_decisions_keep_the_counts(thread, post_as, moderator, no_rate_limit):
    from parley.moderation.actions import decide_many

    top = post_as(thread, "Ana", "Top.")
    set_mode("all")
    held = [post_as(thread, f"Guest {n}", f"Reply {n}.", parent=top) for n in range(4)]
    outcome = decide_many([(str(c.pk), "pending") for c in held], "approve", by=moderator)
    assert len(outcome.done) == 4
    assert Comment.objects.get(pk=top.pk).reply_count == 4
    outcome = decide_many([(str(c.pk), "published") for c in held[:2]], "spam", by=moderator)
    assert Comment.objects.get(pk=top.pk).reply_count == 2
    outcome = decide_many(
        [(str(top.pk), "published"), (str(held[2].pk), "published")], "delete", by=moderator
    )
    assert len(outcome.done) == 2
    assert mismatches() == []


def test_any_sequence_of_changes_keeps_every_count_equal_to_the_visible_rows(
    thread, moderator, no_rate_limit
):
    """Posts, replies, edits, holds, approvals, rejections, deletions one by one and in bulk,
    in a seeded random order: after each, the stored counts equal a query of visible rows."""
    from parley.moderation.actions import decide_many

    rng = random.Random(9)
    statuses = ["published", "pending", "rejected"]
    for step in range(160):
        alive = list(Comment.objects.exclude(status="deleted").order_by("pk"))
        shown = [c for c in alive if c.status == "published"]
        move = rng.choice(["post", "post", "reply", "reply", "edit", "status", "delete", "bulk"])
        if move == "post" or (move != "post" and not alive):
            actions.post_comment(
                thread, commenter=actions.Commenter(name="Guest"), body=f"Comment {step}."
            )
        elif move == "reply" and shown:
            actions.post_comment(
                thread,
                commenter=actions.Commenter(name="Guest"),
                body=f"Reply {step}.",
                parent_id=rng.choice(shown).pk,
            )
        elif move == "edit":
            actions.edit_comment(rng.choice(alive), body=f"Edited at {step}.", user=moderator)
        elif move == "status":
            actions.set_comment_status(rng.choice(alive), rng.choice(statuses), by=moderator)
        elif move == "delete":
            actions.delete_comment(rng.choice(alive), user=moderator)
        elif move == "bulk":
            some = rng.sample(alive, min(len(alive), rng.randint(1, 5)))
            action = rng.choice(["approve", "reject", "delete"])
            decide_many([(str(c.pk), c.status) for c in some], action, by=moderator)
        assert mismatches() == [], f"after step {step} ({move})"


def test_the_migration_recounts_stored_counts_from_visible_rows(thread, post_as, no_rate_limit):
    import importlib

    from django.apps import apps

    from parley.discussion.models import Thread

    top = post_as(thread, "Ana", "Top.")
    post_as(thread, "Ben", "Shown.", parent=top)
    set_mode("all")
    post_as(thread, "Cleo", "Held.", parent=top)
    # Counted as they were before: every reply, held ones included.
    Comment.objects.filter(pk=top.pk).update(reply_count=2, subtree_count=2)
    Thread.objects.filter(pk=thread.pk).update(comment_count=7)
    assert mismatches() != []
    migration = importlib.import_module("parley.discussion.migrations.0004_visible_counts")
    migration.forwards(apps, None)
    assert mismatches() == []


# -- who may change a comment -----------------------------------------------------------------


def test_can_change_names_who_may_edit_or_delete(thread, post_as, rosa, moderator, settings):
    from datetime import timedelta

    from django.contrib.auth.models import AnonymousUser

    guest = post_as(thread, "Ana", "A guest's words.")
    own = post_as(thread, "", "Rosa's words.", user=rosa)
    token = tokens.make(guest.pk)
    assert guest.can_change(AnonymousUser(), [token])
    assert not guest.can_change(AnonymousUser(), [tokens.make(own.pk)])
    assert not guest.can_change(rosa, [])
    assert own.can_change(rosa) and not own.can_change(moderator.__class__(pk=999))
    assert not own.can_change(None, [tokens.make(own.pk)])  # an account's comment needs it
    later = guest.edit_deadline + timedelta(seconds=1)
    assert not guest.can_change(AnonymousUser(), [token], now=later)
    assert not own.can_change(rosa, now=later)
    assert guest.can_change(moderator, now=later) and own.can_change(moderator, now=later)
    actions.delete_comment(guest, user=moderator)  # no replies: removed
    placeholder = post_as(thread, "Ben", "With a reply.")
    post_as(thread, "Cleo", "The reply.", parent=placeholder)
    actions.delete_comment(placeholder, user=moderator)
    placeholder.refresh_from_db()
    assert placeholder.is_deleted and not placeholder.can_change(moderator)
