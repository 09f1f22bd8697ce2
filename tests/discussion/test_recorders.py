"""Recorders of thread changes: registered once, and taken off again with
changes.unregister_recorder (the search index's recorder is the one that can be measured
that way)."""

from django.urls import reverse

from parley.discussion import changes
from parley.search import indexing


def _post(client, body):
    data = {"name": "Rosa", "body": body}
    return client.post(reverse("post-comment", args=["lastovo"]), data)


def _found(client, word):
    return client.get(reverse("search"), {"q": word}).content.decode()


def test_a_comment_posted_with_the_index_recorder_off_is_not_found_until_it_is_on(
    client, thread, no_rate_limit
):
    assert _post(client, "The ferry left at noon.").status_code == 302
    assert "<mark>ferry</mark>" in _found(client, "ferry")
    try:
        assert changes.unregister_recorder(indexing.record) is True
        assert changes.unregister_recorder(indexing.record) is False  # already off
        assert _post(client, "A zeppelin passed over the harbour.").status_code == 302
        assert "Nothing was found" in _found(client, "zeppelin")
    finally:
        changes.register_recorder(indexing.record)
    assert _post(client, "Another zeppelin, later.").status_code == 302
    page = _found(client, "zeppelin")
    assert page.count("<mark>zeppelin</mark>") == 1  # the later one; the first waits for reindex


def test_registering_twice_records_once(thread, post_as, no_rate_limit):
    seen = []

    def recorder(batch):
        seen.extend(change.kind for change in batch)

    changes.register_recorder(recorder)
    changes.register_recorder(recorder)
    try:
        post_as(thread, "Rosa", "Counted once.")
    finally:
        assert changes.unregister_recorder(recorder) is True
    assert seen == [changes.POSTED]
    post_as(thread, "Rosa", "Not seen.")
    assert seen == [changes.POSTED]
