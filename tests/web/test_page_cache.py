"""One cache of thread pages (parley.lib.memo.thread_page) serves the HTML pages and the API:
kept per thread version, never stale, off with PARLEY_THREAD_CACHE, never holding a page
that differs for one reader."""

from __future__ import annotations

import pytest

from parley.lib import memo

pytestmark = pytest.mark.django_db


def _keys() -> list[str]:
    return list(memo.threads._entries)


def test_pages_and_api_pages_share_one_cache_keyed_by_version(client, thread, post_as):
    post_as(thread, "Ana", "The crossing opens at noon.")
    thread.refresh_from_db()
    assert client.get("/posts/lastovo/").status_code == 200
    assert client.get(f"/api/v1/threads/{thread.pk}/comments").status_code == 200
    keys = [key for key in _keys() if not key.startswith("article:")]  # the post's own block
    assert len(keys) == 2, keys
    assert all(key.startswith(f"thread:{thread.pk}:{thread.version}:") for key in keys)
    assert {key.split(":")[3] for key in keys} == {"html", "api"}


def test_a_cached_api_page_costs_one_query(client, thread, post_as, django_assert_num_queries):
    post_as(thread, "Ana", "The crossing opens at noon.")
    url = f"/api/v1/threads/{thread.pk}/comments"
    first = client.get(url)
    with django_assert_num_queries(1):  # the thread's version
        again = client.get(url)
    assert again.content == first.content


def test_a_cached_page_is_not_rendered_again(client, thread, post_as, django_assert_num_queries):
    post_as(thread, "Ana", "The crossing opens at noon.")
    client.get("/posts/lastovo/?partial=1")
    with django_assert_num_queries(1):  # the thread with its post
        client.get("/posts/lastovo/?partial=1")


def test_a_new_comment_is_on_the_next_page_read(client, thread, post_as):
    post_as(thread, "Ana", "The crossing opens at noon.")
    assert "Trucks go first" not in client.get("/posts/lastovo/").content.decode()
    api = client.get(f"/api/v1/threads/{thread.pk}/comments").json()
    post_as(thread, "Bo", "Trucks go first.")
    assert "Trucks go first" in client.get("/posts/lastovo/").content.decode()
    again = client.get(f"/api/v1/threads/{thread.pk}/comments").json()
    assert len(again["comments"]) == len(api["comments"]) + 1


def test_with_the_cache_off_nothing_is_kept(client, thread, post_as, settings):
    settings.PARLEY_THREAD_CACHE = False
    post_as(thread, "Ana", "The crossing opens at noon.")
    client.get("/posts/lastovo/")
    client.get(f"/api/v1/threads/{thread.pk}/comments")
    assert _keys() == []


def test_a_page_with_the_readers_own_editable_comments_is_not_kept(client, thread, rosa):
    client.force_login(rosa)
    client.post("/posts/lastovo/comments/", {"body": "My own words, still editable."})
    assert "My own words" in client.get("/posts/lastovo/").content.decode()
    assert [key for key in _keys() if ":html:" in key] == []


def test_variants_are_kept_apart_and_sized():
    memo.threads.clear()
    built: list[str] = []

    def make(text: str):
        def _make() -> str:
            built.append(text)
            return text

        return _make

    assert memo.thread_page(1, 7, ("html", "oldest"), make("a"), size=len) == "a"
    assert memo.thread_page(1, 7, ("html", "newest"), make("b"), size=len) == "b"
    assert memo.thread_page(1, 8, ("html", "oldest"), make("c"), size=len) == "c"
    assert memo.thread_page(1, 7, ("html", "oldest"), make("x"), size=len) == "a"
    assert built == ["a", "b", "c"]
    huge = "z" * (memo.threads.max_bytes + 1)
    memo.thread_page(2, 1, (), make(huge), size=len)
    assert memo.threads.get("thread:2:1:") is None  # too large to keep, still answered
