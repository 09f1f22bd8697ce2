"""Reading a thread as a newcomer: line breaks, images, authors' marks, the reader's own
comments and replies to them, a compact form on long threads, and a home page that shows
the site at work in a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from parley.discussion.models import Comment
from parley.lib.markdown import render
from parley.publishing.actions import create_post
from parley.web.templatetags.parley_tags import LONG_THREAD, author_mark

URL = "/posts/lastovo/"


# -- Markdown ----------------------------------------------------------------------------------


def test_a_single_newline_breaks_the_line_in_a_comment(client, thread, post_as):
    comment = post_as(thread, "Ana", "First thought.\nSecond thought.\nThird.")
    assert comment.body_html.strip() == "<p>First thought.<br>\nSecond thought.<br>\nThird.</p>"
    html = client.get(URL).content.decode()
    assert "First thought.<br>\nSecond thought.<br>\nThird." in html


def test_documents_keep_commonmark_paragraphs():
    assert render("one\ntwo") == "<p>one\ntwo</p>\n"
    assert render("one\ntwo", breaks=True) == "<p>one<br>\ntwo</p>\n"


def test_an_image_shows_its_alt_text_as_a_link_never_a_stray_bang(thread, post_as):
    comment = post_as(thread, "Ana", "Look: ![the chart](https://example.org/chart.png) here")
    assert "<img" not in comment.body_html
    assert "!" not in comment.body_html
    assert (
        '<a href="https://example.org/chart.png" rel="nofollow ugc noopener noreferrer">'
        "the chart</a>" in comment.body_html
    )
    # Without alt text the address is the link's text.
    assert ">https://example.org/x.png</a>" in render("![](https://example.org/x.png)")
    # Alt text is text: markup in it is escaped, not rendered.
    assert "<script" not in render("![<script>alert(1)</script>](https://example.org/x.png)")


# -- authors' marks, the reader's own comments and replies to them ------------------------------


def test_each_author_has_a_stable_mark(client, thread, post_as):
    a = post_as(thread, "Ana Lima", "One")
    b = post_as(thread, "ana lima", "Two")
    c = post_as(thread, "Marko", "Three")
    assert author_mark(a) == author_mark(b)
    assert author_mark(a)["initials"] == "AL"
    assert author_mark(c)["initials"] == "M"
    html = client.get(URL).content.decode()
    marks = re.findall(
        r'<span class="author-mark author-mark--(\d+)" aria-hidden="true">(\w+)</span>', html
    )
    assert [initials for _colour, initials in marks] == ["AL", "AL", "M"]
    assert marks[0] == marks[1]


def test_the_readers_own_comments_and_replies_to_them_are_marked(thread, post_as, no_rate_limit):
    reader = Client()
    response = reader.post(
        f"{URL}comments/", {"name": "Rosa", "body": "My point.", "idempotency_key": "k1"}
    )
    assert response.status_code == 302
    mine = Comment.objects.get(author_name="Rosa")
    post_as(thread, "Ivo", "An answer to Rosa.", parent=mine)
    post_as(thread, "Ivo", "Something else.")
    html = reader.get(URL).content.decode()
    assert html.count('class="badge badge--yours"') == 1
    assert html.count('class="badge badge--to-you"') == 1
    # Another reader sees neither.
    other = Client().get(URL).content.decode()
    assert "badge--yours" not in other and "badge--to-you" not in other


def test_a_long_thread_shows_its_form_compact(client, thread, post_as, no_rate_limit):
    for n in range(LONG_THREAD - 1):
        post_as(thread, f"Reader {n}", f"Comment {n}")
    assert "comment-form--compact" not in client.get(URL).content.decode()
    post_as(thread, "Last", "One more")
    html = client.get(URL).content.decode()
    assert "comment-form--compact" in html
    assert 'placeholder="Write a comment…"' in html
    # A reply opens it in full (the link without JavaScript).
    first = Comment.objects.order_by("id").first()
    assert "comment-form--compact" not in client.get(f"{URL}?reply={first.pk}").content.decode()


# -- the home page -----------------------------------------------------------------------------


def test_home_lists_posts_lively_threads_and_latest_comments(client, thread, post_as, editor):
    post_as(thread, "Ana", "The **letter** came first.")
    hidden = post_as(thread, "Spammer", "Buy now")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.PENDING)
    create_post(
        kind="article",
        slug="later",
        title="Scheduled for later",
        introduction="Not yet.",
        author=editor,
        published_at=timezone.now() + timedelta(days=3),
    )
    html = client.get("/").content.decode()
    assert "The Lastovo crossing" in html
    assert "Three documents on the <strong>reopening</strong>." in html  # the introduction
    assert "Lively discussions" in html and "Latest comments" in html
    assert "The letter came first." in html
    assert "Buy now" not in html
    assert "Scheduled for later" not in html and "Not yet." not in html


def test_home_query_count_is_constant(
    client, thread, post_as, editor, no_rate_limit, django_assert_num_queries
):
    post_as(thread, "Ana", "One")
    # Published posts, the liveliest threads, the latest comments.
    with django_assert_num_queries(3) as small:
        client.get("/")
    for n in range(5):
        post = create_post(
            kind="article", slug=f"post-{n}", title=f"Post {n}", introduction="Intro", author=editor
        )
        for m in range(4):
            post_as(post.thread, f"Reader {m}", f"Comment {m} on {n}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/")
    assert response.content.decode().count('class="latest-comment"') == 8


# -- a comment in context ----------------------------------------------------------------------


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<details class="node[^"]*" id="c(\d+)"', html)]


def test_a_comment_in_context_shows_its_parent_and_its_replies(
    client, thread, post_as, no_rate_limit, django_assert_num_queries
):
    top = post_as(thread, "Ana", "The letter came first.")
    middle = post_as(thread, "Bruno", "No, the release did.", parent=top)
    sibling = post_as(thread, "Dan", "Beside the point.", parent=top)
    deeper = post_as(thread, "Carla", "Look at the stamp.", parent=middle)
    deepest = post_as(thread, "Ana", "Which stamp?", parent=deeper)
    other = post_as(thread, "Eva", "Another thread.")
    response = client.get(f"/c/{middle.pk}/context/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _ids(html) == [top.pk, middle.pk, deeper.pk, deepest.pk]
    assert sibling.pk not in _ids(html) and other.pk not in _ids(html)
    assert "The comment it answers, by Ana, comes first. 2 replies follow it." in html
    assert f'href="/c/{middle.pk}/">See it in the whole discussion' in html
    # A top-level comment: itself and its replies.
    assert _ids(client.get(f"/c/{top.pk}/context/").content.decode())[:2] == [top.pk, middle.pk]
    # A comment nobody answered says so.
    html = client.get(f"/c/{sibling.pk}/context/").content.decode()
    assert "The comment it answers, by Ana, comes first. No one has replied to it yet." in html
    # Its cost does not grow with the thread: the comment with its thread and post, the
    # parent, the parent's subtree.
    client.get(f"/c/{deepest.pk}/context/")
    with django_assert_num_queries(3) as small:
        client.get(f"/c/{deepest.pk}/context/")
    for n in range(20):
        post_as(thread, f"Reader {n}", f"Answer number {n} to Carla.", parent=deeper)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(f"/c/{middle.pk}/context/")


def test_a_detached_reply_links_to_its_context(client, thread, post_as, settings, no_rate_limit):
    settings.PARLEY_PAGE_SIZE = 2
    top = post_as(thread, "Ana", "Top.")
    post_as(thread, "Bruno", "First answer.", parent=top)
    late = post_as(thread, "Carla", "Second answer.", parent=top)
    html = client.get(f"{URL}?page=2").content.decode()
    assert f'href="/c/{late.pk}/context/#c{late.pk}">in context</a>' in html


def test_hidden_comments_have_no_context_page(client, thread, post_as):
    held = post_as(thread, "Spammer", "Buy now")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.REJECTED)
    assert client.get(f"/c/{held.pk}/context/").status_code == 404
    assert client.get("/c/999999/context/").status_code == 404
    assert client.get(f"/c/{'9' * 20}/context/").status_code == 404
    assert client.head(f"/c/{held.pk}/context/").status_code == 404


def test_a_comment_under_an_unpublished_post_has_no_context_page(client, thread, post_as):
    comment = post_as(thread, "Ana", "Before it was taken back.")
    thread.post.is_published = False
    thread.post.save(update_fields=["is_published"])
    assert client.get(f"/c/{comment.pk}/context/").status_code == 404
