"""The best matches first, the same with SQLite's fast path for an unfiltered query as with
the full query, including when entries of a hidden post rank best."""

import pytest
from django.db import connection

from parley.publishing.actions import create_post, save_post
from parley.search import searching
from parley.search.backends import backend
from parley.search.backends.base import Backend, Filters
from parley.search.query import parse

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the fast path is SQLite's (FTS5) alone"
)


@pytest.fixture
def many(thread, post_as, no_rate_limit, settings):
    """Comments that mention the zeppelin once among more or fewer other words (so that
    bm25 ranks them apart), under the dossier and under a post that is then taken back."""
    settings.PARLEY_MODERATION_SIGNALS = []  # alike on purpose
    hidden = create_post(slug="taken-back", title="Taken back").thread
    shown = []
    for i in range(12):
        filler = " ".join(f"word{i}x{k}" for k in range(i * 3))
        shown.append(post_as(thread, "Rosa", f"The zeppelin {filler} flew.").pk)
    for _ in range(20):
        post_as(hidden, "Ivo", "Zeppelin!")  # shorter: these rank best
    post = hidden.post
    post.is_published = False
    save_post(post)
    return shown


def _full(text, limit):
    """The query without the fast path: every match joined, then ranked."""
    return Backend.query(backend(), parse(text), Filters(), limit)


def test_the_fast_path_answers_what_the_full_query_answers(many):
    for limit in (1, 2, 3, 5, 12, 40):
        assert backend().query(parse("zeppelin"), Filters(), limit) == _full("zeppelin", limit)


def test_hidden_posts_best_matches_leave_the_visible_ones_in_rank_order(many):
    results = searching.search("zeppelin", limit=3)
    got = [m.object_id for g in results.groups for m in g.matches]
    assert got == many[:3]  # fewest words first; the hidden post's 20 better ones left out
    assert len(_full("zeppelin", 3 * 3)) == 9


def test_a_filtered_query_ranks_the_same(many):
    filters = searching.filters_from(author="rosa")
    results = searching.search("zeppelin", filters, limit=4)
    assert [m.object_id for g in results.groups for m in g.matches] == many[:4]
