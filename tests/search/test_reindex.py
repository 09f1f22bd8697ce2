"""`parley reindex` rebuilds the index from what readers may see."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parley.discussion.models import Comment
from parley.search.models import Entry


def test_reindex_rebuilds_what_was_lost_and_leaves_out_the_hidden(commented, found):
    first, second = commented
    Comment.objects.filter(pk=second.pk).update(status=Comment.Status.PENDING)  # behind its back
    Entry.objects.all().delete()
    assert found("lastovo", only="comment") == []
    out, err = StringIO(), StringIO()
    call_command("reindex", "--batch-size", "1", stdout=out, stderr=err)
    assert "Indexed 2 posts and comments" in out.getvalue()
    assert found("lastovo", only="comment") == [("comment", first.pk)]
    assert found("trucks", only="comment") == []
    assert found("inspections")  # the documents too


def test_reindex_refuses_a_batch_size_below_one(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("reindex", "--batch-size", "0", stdout=StringIO(), stderr=StringIO())


def test_sqlite_merges_index_segments_eight_at_a_time_and_a_rebuild_leaves_one(commented):
    from django.db import connection

    from parley.search import indexing

    if connection.vendor != "sqlite":
        pytest.skip("FTS5's merge settings are SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM search_fts_config WHERE k = 'automerge'")
        assert cursor.fetchone() == (8,)
    list(indexing.rebuild())
    with connection.cursor() as cursor:
        # One segment: the structure record lists it, and every term is in its one index.
        cursor.execute("SELECT count(DISTINCT segid) FROM search_fts_idx")
        assert cursor.fetchone() == (1,)
