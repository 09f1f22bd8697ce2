"""The demo thread through the whole moderation pipeline, held to what a moderator would do.

The demo is loaded once for the module (`parley train_moderation`, `parley load_demo`, then
every comment's background scoring, as the worker runs it; parley.demo.review, which
bench/demo_queue.py shares), inside a transaction rolled back at the end. Each comment's
reference judgement is its "moderation" field in parley/demo/data/discussion.json.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from parley.demo import review
from parley.moderation import learning

# The database is set up for the module's fixture; each test only reads its outcomes.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def outcomes(django_db_setup, django_db_blocker, tmp_path_factory) -> list[review.Outcome]:
    learning.forget()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(DATA_DIR=tmp_path_factory.mktemp("demo-queue")),
            transaction.atomic(),
        ):
            found = review.screen_demo()
            transaction.set_rollback(True)
    finally:
        learning.forget()  # its versions were rolled back with the demo
    return found


def _listing(items: list[review.Outcome]) -> str:
    return "\n".join(f"{o.key} {o.remove or 'keep'}: {o.summary or o.status}" for o in items)


def test_every_comment_a_moderator_would_remove_waits_for_one(outcomes):
    removals = [o for o in outcomes if o.remove]
    assert {o.remove for o in removals} >= {"insult", "spam", "duplicate"}
    missed = [o for o in removals if not o.caught]
    assert not missed, "not queued:\n" + _listing(missed)


def test_the_double_post_is_held_and_not_shown(outcomes):
    double = [o for o in outcomes if o.remove == "duplicate"]
    assert double and all(o.status == "pending" and "duplicates" in o.signals for o in double)


def test_only_the_classifier_asks_about_comments_a_moderator_would_keep(outcomes):
    """Rules, word lists, repetition, shouting, duplicates and cross-language twins queue no
    civil comment of the demo; what is left to tune is the learned model."""
    kept = [o for o in outcomes if not o.remove and o.waiting]
    others = [o for o in kept if set(o.signals) - {"classifier"}]
    assert not others, "queued by a signal other than the classifier:\n" + _listing(others)


def test_at_most_15_percent_of_the_demo_waits_for_review(outcomes):
    stored = [o for o in outcomes if o.comment_id is not None]
    assert len(stored) == len(outcomes) >= 220
    waiting = [o for o in stored if o.waiting]
    share = len(waiting) / len(stored)
    kept = [o for o in waiting if not o.remove]
    assert share <= review.QUEUE_TARGET, (
        f"{len(waiting)} of {len(stored)} ({100 * share:.1f} %) wait; "
        f"{len(kept)} of them a moderator would keep:\n" + _listing(kept)
    )
