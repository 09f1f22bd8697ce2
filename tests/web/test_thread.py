"""Reading a thread: order, nesting, pages, permalinks, constant query counts."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<details class="node[^"]*" id="c(\d+)"', html)]


def _make_thread(thread, post_as, roots: int, replies: int = 2):
    made = []
    for r in range(roots):
        root = post_as(thread, f"Reader {r}", f"Root comment {r}")
        made.append(root)
        parent = root
        for d in range(replies):
            parent = post_as(thread, f"Replier {r}.{d}", f"Reply {d} under {r}", parent=parent)
            made.append(parent)
    return made


def test_replies_nest_under_their_parent(client, thread, post_as):
    a = post_as(thread, "Ana", "Top")
    b = post_as(thread, "Bruno", "Answer", parent=a)
    c = post_as(thread, "Carla", "Second top")
    html = client.get("/posts/lastovo/").content.decode()
    a_block = html[html.index(f'id="c{a.pk}"') : html.index(f'id="c{c.pk}"')]
    assert f'id="c{b.pk}"' in a_block and '<div class="replies">' in a_block
    assert _ids(html) == [a.pk, b.pk, c.pk]


def test_sorts(client, thread, post_as, no_rate_limit):
    a = post_as(thread, "Ana", "First")
    b = post_as(thread, "Bruno", "Second")
    post_as(thread, "Carla", "Reply to second", parent=b)
    post_as(thread, "Dan", "Another reply to second", parent=b)
    c = post_as(thread, "Eva", "Third")
    assert _ids(client.get("/posts/lastovo/?sort=oldest").content.decode())[0] == a.pk
    assert _ids(client.get("/posts/lastovo/?sort=newest").content.decode())[0] == c.pk
    assert _ids(client.get("/posts/lastovo/?sort=replies").content.decode())[0] == b.pk
    assert client.get("/posts/lastovo/?sort=bogus").status_code == 200


def test_query_count_does_not_grow_with_the_thread(
    client, thread, post_as, no_rate_limit, django_assert_num_queries, settings
):
    settings.PARLEY_THREAD_CACHE = False
    settings.PARLEY_PAGE_SIZE = 500
    _make_thread(thread, post_as, roots=3)
    client.get("/posts/lastovo/")
    # The thread and post, the documents, the translations of the one document not in the
    # reader's language, the task that makes that translation (still waiting: no worker
    # runs here), and one page of comments.
    with django_assert_num_queries(5) as small:
        client.get("/posts/lastovo/")
    _make_thread(thread, post_as, roots=100)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/posts/lastovo/")
    assert len(_ids(response.content.decode())) == 309


def test_cached_page_is_invalidated_by_every_change(client, thread, post_as):
    a = post_as(thread, "Ana", "Original words")
    assert "Original words" in client.get("/posts/lastovo/").content.decode()
    post_as(thread, "Bruno", "A new reply", parent=a)
    assert "A new reply" in client.get("/posts/lastovo/").content.decode()
    from parley.discussion.actions import edit_comment

    edit_comment(
        a,
        body="Changed words",
        user=a.author,
        edit_tokens=[__import__("parley.discussion.tokens", fromlist=["make"]).make(a.pk)],
    )
    html = client.get("/posts/lastovo/").content.decode()
    assert "Changed words" in html and "Original words" not in html


def test_first_page_then_more_pages_with_links_that_work_without_javascript(
    client, thread, post_as, settings, no_rate_limit
):
    settings.PARLEY_PAGE_SIZE = 5
    made = _make_thread(thread, post_as, roots=4)  # 12 comments
    first = client.get("/posts/lastovo/").content.decode()
    assert _ids(first) == [c.pk for c in made[:5]]
    assert 'href="/posts/lastovo/?sort=oldest&amp;page=2#comments"' in first
    second = client.get("/posts/lastovo/?sort=oldest&page=2").content.decode()
    assert _ids(second) == [c.pk for c in made[5:10]]
    assert "Earlier comments" in second
    partial = client.get("/posts/lastovo/?sort=oldest&page=3&partial=1").content.decode()
    assert _ids(partial) == [c.pk for c in made[10:]]
    assert "<html" not in partial and "Load more comments" not in partial


def test_reply_whose_parent_is_on_an_earlier_page_says_whom_it_answers(
    client, thread, post_as, settings, no_rate_limit
):
    settings.PARLEY_PAGE_SIZE = 2
    a = post_as(thread, "Ana", "Top")
    post_as(thread, "Bruno", "One", parent=a)
    c = post_as(thread, "Carla", "Two", parent=a)
    html = client.get("/posts/lastovo/?page=2").content.decode()
    assert f'id="c{c.pk}"' in html
    assert f'<a class="in-reply-to" href="/c/{a.pk}/">in reply to Ana</a>' in html


def test_deep_thread_stops_indenting_and_says_whom_replies_answer(
    client, thread, post_as, settings, no_rate_limit
):
    settings.PARLEY_MAX_INDENT = 3
    parent = post_as(thread, "Level 0", "zero")
    chain = [parent]
    for depth in range(1, 8):
        parent = post_as(thread, f"Level {depth}", f"depth {depth}", parent=parent)
        chain.append(parent)
    html = client.get("/posts/lastovo/").content.decode()
    levels = [int(x) for x in re.findall(r'<details class="node level-(\d+)', html)]
    assert levels == [0, 1, 2, 3, 3, 3, 3, 3]
    assert "in reply to Level 3" in html and "in reply to Level 6" in html
    assert "in reply to Level 1" not in html  # shallow replies sit under their parent
    assert html.count("<details") == html.count("</details>")
    assert f'href="/posts/lastovo/comments/{chain[3].pk}/">Continue this thread' in html


def test_permalink_goes_to_the_right_page_and_anchor(
    client, thread, post_as, settings, no_rate_limit
):
    settings.PARLEY_PAGE_SIZE = 3
    made = _make_thread(thread, post_as, roots=3)
    response = client.get(f"/c/{made[7].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/posts/lastovo/?page=3#c{made[7].pk}"
    assert client.get(f"/c/{made[0].pk}/")["Location"] == f"/posts/lastovo/#c{made[0].pk}"
    assert client.get("/c/999999/").status_code == 404


def test_subtree_page_shows_a_comment_and_all_its_replies(client, thread, post_as, no_rate_limit):
    a = post_as(thread, "Ana", "Top")
    b = post_as(thread, "Bruno", "Reply", parent=a)
    c = post_as(thread, "Carla", "Deeper", parent=b)
    other = post_as(thread, "Dan", "Sibling", parent=a)
    html = client.get(f"/posts/lastovo/comments/{b.pk}/").content.decode()
    assert _ids(html) == [b.pk, c.pk]
    assert f'id="c{other.pk}"' not in html


def test_deleted_placeholder_keeps_replies_in_place(client, thread, post_as):
    from parley.discussion import tokens
    from parley.discussion.actions import delete_comment

    a = post_as(thread, "Ana", "Something I regret")
    b = post_as(thread, "Bruno", "A reply that stays", parent=a)
    delete_comment(a, edit_tokens=[tokens.make(a.pk)])
    html = client.get("/posts/lastovo/").content.decode()
    assert "This comment was deleted." in html and "Something I regret" not in html
    assert _ids(html) == [a.pk, b.pk]
    delete_comment(b, edit_tokens=[tokens.make(b.pk)])
    assert _ids(client.get("/posts/lastovo/").content.decode()) == []  # nothing left to hold up
