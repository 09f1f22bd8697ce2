"""The best matches first, among the newest RANKED matches that readers may see."""

import pytest

from parley.publishing.actions import create_post, save_post
from parley.search import searching
from parley.search.backends import base


@pytest.fixture
def many(thread, post_as, no_rate_limit, settings):
    """Comments that mention the zeppelin once among more or fewer other words (so that
    both engines rank them apart: the shorter, the better), oldest the worst, and newer ones
    under a post that is then taken back."""
    settings.PARLEY_MODERATION_SIGNALS = []  # alike on purpose
    shown = []
    for i in range(12):
        filler = " ".join(f"word{i}x{k}" for k in range(30 - i * 2))
        shown.append(post_as(thread, "Rosa", f"The zeppelin zeppelin {filler} flew.").pk)
    hidden = create_post(slug="taken-back", title="Taken back").thread
    for _ in range(20):
        post_as(hidden, "Ivo", "Zeppelin zeppelin zeppelin!")  # short and newest: they'd rank best
    post = hidden.post
    post.is_published = False
    save_post(post)
    return shown


def _found(text, filters=None, limit=50):
    results = searching.search(text, filters, limit=limit)
    return [m.object_id for g in results.groups for m in g.matches]


def test_matches_come_best_first_and_hidden_posts_crowd_out_none(many):
    # The newest (and shortest) first: every visible one, the hidden post's left out.
    assert _found("zeppelin", limit=5) == many[::-1][:5]
    assert _found("zeppelin") == many[::-1]


def test_only_the_newest_matches_are_ranked(many, monkeypatch):
    monkeypatch.setattr(base, "RANKED", 4)
    # The four newest visible matches, best first; older ones (which would rank worse
    # anyway here) are not reached, and the hidden post's newer ones do not use up the four.
    assert _found("zeppelin") == many[::-1][:4]


def test_a_filtered_query_ranks_the_same(many):
    filters = searching.filters_from(author="rosa")
    assert _found("zeppelin", filters, limit=4) == many[::-1][:4]
