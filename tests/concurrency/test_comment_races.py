"""Replies, edits, deletions, flags and moderators' decisions on one thread, all at once.

Afterwards: nothing deadlocked, every failure was a refusal a person can act on (a 4xx: "the
comment was removed", "someone decided it meanwhile"), and every stored count equals a query of
the rows readers see.
"""

from __future__ import annotations

import random

import pytest
from django.test import Client

from parley.discussion import actions
from parley.discussion.models import Comment, Thread
from parley.moderation import actions as moderation
from parley.moderation import flags
from tests.concurrency.conftest import Race, on_postgresql, race
from tests.discussion.counts import mismatches

pytestmark = pytest.mark.django_db(transaction=True)

# Refusals a race may rightly give, by status and code.
EXPECTED = {
    "400 bad_parent",  # replying to a comment removed or held meanwhile
    "400 deleted",  # changing a comment deleted meanwhile
    "400 quote_missing",
    "400 quote_mismatch",  # quoting words the comment was edited out of meanwhile
    "400 not_flaggable",  # flagging a comment already held or removed
    "400 invalid",  # "Comment #n does not exist." and the like
    "409 already_decided",  # deciding on a comment someone else decided meanwhile
    "409 already_flagged",
}


@pytest.fixture
def scene(settings):
    """A thread with a few comments, two moderators, and flags that hold at two readers."""
    from parley.accounts.models import User
    from parley.moderation import policy
    from parley.publishing.actions import create_post

    settings.PARLEY_COMMENT_RATE = None
    editor = User.objects.create_user("editor", "e@example.org", "editor-pass-1234")
    moderators = [
        User.objects.create_user(
            f"mod{n}", f"mod{n}@example.org", "mod-pass-1234", is_moderator=True
        )
        for n in range(2)
    ]
    thread = create_post(slug="race", title="Race", author=editor).thread
    rules = policy.site()
    rules.flag_threshold = 2
    rules.save()
    for n in range(8):
        actions.post_comment(
            thread, commenter=actions.Commenter(name=f"Seed {n}"), body=f"Seed comment {n}."
        )
    return thread, moderators


def pick(rng: random.Random, thread: Thread, *statuses: str) -> Comment | None:
    rows = Comment.objects.filter(thread=thread)
    if statuses:
        rows = rows.filter(status__in=statuses)
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return None
    return Comment.objects.select_related("thread").filter(pk=rng.choice(ids)).first()


def check(outcome: Race) -> None:
    assert outcome.failures == [], "\n".join(outcome.failures)
    unexpected = set(outcome.refusals) - EXPECTED
    assert not unexpected, f"unexpected refusals: {unexpected} of {outcome.refusals}"
    assert outcome.done > 0
    assert mismatches() == []


def _step(thread: Thread, moderators, moves: list[str]):
    def step(rng: random.Random, outcome: Race) -> None:
        moderator = rng.choice(moderators)
        move = rng.choice(moves)
        if move == "post":
            actions.post_comment(
                thread, commenter=actions.Commenter(name="Guest"), body="A new discussion."
            )
            return
        target = pick(rng, thread, "published", "pending", "rejected")
        if target is None:
            return
        if move == "reply":
            # Quoting the parent too: the quoted comment must survive until commit as well.
            excerpt = target.body.split(" ")[0]
            actions.post_comment(
                thread,
                commenter=actions.Commenter(name="Replier"),
                body=f":::quote comment {target.pk}\n{excerpt}\n:::\n\nAn answer.",
                parent_id=target.pk,
            )
        elif move == "edit":
            actions.edit_comment(target, body=f"Edited {rng.random()}.", user=moderator)
        elif move == "delete":
            actions.delete_comment(target, user=moderator)
        elif move == "flag":
            number = rng.randint(1, 4)
            flags.flag(
                target,
                reporter_key=f"ip:198.51.{number}.7",
                reporter=None,
                address=f"198.51.{number}.7",
                reason="spam",
            )
        elif move == "decide":
            action = rng.choice(["approve", "reject", "delete"])
            moderation.decide(target, action, by=moderator, expected=target.status)
        elif move == "bulk":
            some = [c for _ in range(3) if (c := pick(rng, thread, "published", "pending"))]
            action = rng.choice(["approve", "reject", "delete"])
            moderation.decide_many([(str(c.pk), c.status) for c in some], action, by=moderator)
        elif move == "hold":  # an automatic decision, as the background scoring takes
            actions.set_comment_status(target, "pending", by=None, expected="published")

    return step


CHANGES = ["reply", "reply", "reply", "post", "edit", "delete", "decide", "bulk", "hold"]


def test_replies_edits_deletions_and_decisions_at_once(scene):
    thread, moderators = scene
    check(race(40 if on_postgresql() else 15, _step(thread, moderators, CHANGES)))


def test_flags_race_with_replies_deletions_and_decisions(scene):
    thread, moderators = scene
    moves = [*CHANGES, "flag", "flag"]
    check(race(40 if on_postgresql() else 15, _step(thread, moderators, moves)))


def test_replying_to_a_comment_while_it_is_deleted_or_decided(scene):
    """The race of the report: replies to one comment while moderators decide on it and
    delete it. A reply either lands under a visible parent or is refused; never a 500."""
    thread, moderators = scene
    parents = list(Comment.objects.filter(thread=thread).order_by("pk"))

    def step(rng: random.Random, outcome: Race) -> None:
        parent = Comment.objects.filter(pk=rng.choice(parents).pk).first()
        if parent is None:
            return
        move = rng.random()
        if move < 0.6:
            actions.post_comment(
                thread,
                commenter=actions.Commenter(name="Replier"),
                body="Replying.",
                parent_id=parent.pk,
            )
        elif move < 0.85:
            action = rng.choice(["approve", "reject"])
            moderation.decide(parent, action, by=rng.choice(moderators), expected=parent.status)
        else:
            actions.delete_comment(parent, user=rng.choice(moderators))

    check(race(30 if on_postgresql() else 10, step, seed=2))
    orphans = Comment.objects.filter(parent__isnull=False).exclude(parent__in=Comment.objects.all())
    assert not orphans.exists()


def test_through_http_replies_and_decisions_never_answer_5xx(scene, settings):
    """The same race through the JSON API and the moderation pages, a test client per thread."""
    import json

    thread, moderators = scene
    answers: list[int] = []

    def step(rng: random.Random, outcome: Race) -> None:
        client = Client(raise_request_exception=False)
        target = pick(rng, thread, "published", "pending")
        if target is None:
            return
        if rng.random() < 0.6:
            response = client.post(
                f"/api/v1/threads/{thread.pk}/comments",
                data=json.dumps({"name": "Ben", "body": "Over HTTP.", "parent_id": target.pk}),
                content_type="application/json",
                REMOTE_ADDR=f"203.0.113.{rng.randint(1, 200)}",
            )
        else:
            client.force_login(rng.choice(moderators))
            action = rng.choice(["approve", "reject", "delete"])
            response = client.post(
                "/moderation/decide/",
                {"action": action, "comment": target.pk, f"expected-{target.pk}": target.status},
            )
        with outcome.lock:
            answers.append(response.status_code)
        if response.status_code >= 500:
            outcome.failed(f"{response.status_code}: {response.content[:300]!r}")

    check(race(15 if on_postgresql() else 6, step, seed=3))
    assert answers and max(answers) < 500
