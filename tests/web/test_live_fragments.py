"""An open page asks for the comments it learnt of: each one as the thread page renders it,
only those the reader may see, in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parley.discussion.models import Comment
from parley.moderation.actions import decide
from tests.moderation.conftest import set_mode

pytestmark = pytest.mark.django_db


def _url(thread, *ids) -> str:
    return f"/threads/{thread.pk}/comments/?ids={','.join(str(i) for i in ids)}"


@pytest.fixture(autouse=True)
def _no_model(settings):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    settings.PARLEY_COMMENT_RATE = None


def test_a_comment_comes_as_the_thread_page_renders_it(client, thread, post_as):
    top = post_as(thread, "Ana", "The crossing opens at **noon**.")
    reply = post_as(thread, "Bruno", "Not a minute later.", parent=top)
    answer = client.get(_url(thread, top.pk, reply.pk))
    assert answer.status_code == 200
    got = answer.json()
    assert got["hidden"] == []
    assert got["count"] == 2
    assert set(got["comments"]) == {str(top.pk), str(reply.pk)}
    assert got["comments"][str(top.pk)]["parent"] is None
    assert got["comments"][str(reply.pk)]["parent"] == top.pk
    assert all(item["visible"] for item in got["comments"].values())
    html = got["comments"][str(reply.pk)]["html"]
    assert html.startswith(f'<details class="node level-0" id="c{reply.pk}" data-id="{reply.pk}"')
    assert '<span class="author">Bruno</span>' in html
    assert "Not a minute later." in html
    assert 'class="in-reply-to"' in html and "in reply to Ana" in html
    assert f'data-reply="{reply.pk}"' in html
    assert html.rstrip().endswith("</details>")
    # The page renders the same comment the same way.
    page = client.get("/posts/lastovo/").content.decode()
    body = got["comments"][str(top.pk)]["html"].split("</summary>")[1].split("</details>")[0]
    assert body in page
    assert "<strong>noon</strong>" in got["comments"][str(top.pk)]["html"]


def test_times_are_in_the_zone_the_page_asks_for(client, thread, post_as):
    comment = post_as(thread, "Ana", "What time is it?")
    comment.created_at = comment.created_at.replace(hour=12, minute=0, second=0, microsecond=0)
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at)
    lisbon = client.get(_url(thread, comment.pk) + "&tz=Europe/Lisbon").json()
    tokyo = client.get(_url(thread, comment.pk) + "&tz=Asia/Tokyo").json()
    assert "12:00 WET" in lisbon["comments"][str(comment.pk)]["html"]
    assert "21:00 JST" in tokyo["comments"][str(comment.pk)]["html"]


def test_a_deleted_comment_comes_as_its_placeholder(client, thread, post_as, moderator):
    from parley.discussion.actions import delete_comment

    comment = post_as(thread, "Ana", "Words I take back.")
    post_as(thread, "Bruno", "An answer that stays.", parent=comment)
    leaf = post_as(thread, "Cleo", "Gone without a trace.")
    delete_comment(comment, user=moderator, edit_tokens=[])
    delete_comment(leaf, user=moderator, edit_tokens=[])
    got = client.get(_url(thread, comment.pk, leaf.pk)).json()
    html = got["comments"][str(comment.pk)]["html"]
    assert "This comment was deleted." in html and "Words I take back." not in html
    assert "node--deleted" in html
    assert got["hidden"] == [leaf.pk]  # a comment without replies leaves nothing behind


def test_held_rejected_and_foreign_comments_are_hidden(client, thread, post_as, moderator, editor):
    from parley.publishing.actions import create_post

    shown = post_as(thread, "Ana", "A fair point about the crossing.")
    rejected = post_as(thread, "Bruno", "Something rejected later.")
    decide(rejected, "reject", by=moderator, expected="published", category="insult")
    other = create_post(
        kind="article", slug="other", title="Other", introduction="x", author=editor
    )
    foreign = post_as(other.thread, "Cleo", "In another discussion.")
    set_mode("all")
    held = post_as(thread, "Dora", "Waiting for a moderator.")
    assert held.status == "pending"
    ids = (shown.pk, rejected.pk, foreign.pk, held.pk, 999_999)
    got = client.get(_url(thread, *ids)).json()
    assert list(got["comments"]) == [str(shown.pk)]
    assert got["hidden"] == [rejected.pk, foreign.pk, held.pk, 999_999]


def test_a_moderator_sees_held_comments_but_never_rejected_ones(client, thread, post_as, moderator):
    set_mode("all")
    held = post_as(thread, "Dora", "Waiting for a moderator.")
    rejected = post_as(thread, "Eli", "Rejected at once.")
    decide(rejected, "reject", by=moderator, expected="pending", category="insult")
    client.force_login(moderator)
    got = client.get(_url(thread, held.pk, rejected.pk)).json()
    assert list(got["comments"]) == [str(held.pk)]
    assert got["comments"][str(held.pk)]["visible"] is False
    assert "Waiting for a moderator." in got["comments"][str(held.pk)]["html"]
    assert got["hidden"] == [rejected.pk]


def test_a_guest_sees_their_own_held_comment_marked(client, thread):
    set_mode("all")
    client.post(
        "/posts/lastovo/comments/",
        {"name": "Gil Guest", "body": "My held words.", "idempotency_key": "k1"},
    )
    mine = Comment.objects.get(author_name="Gil Guest")
    assert mine.status == "pending"
    got = client.get(_url(thread, mine.pk)).json()
    html = got["comments"][str(mine.pk)]["html"]
    assert "Awaiting review" in html and "My held words." in html
    assert got["comments"][str(mine.pk)]["visible"] is False
    client.cookies.clear()
    assert client.get(_url(thread, mine.pk)).json()["hidden"] == [mine.pk]


def test_an_unpublished_post_shows_nothing(client, thread, post_as):
    comment = post_as(thread, "Ana", "Said while it was published.")
    thread.post.is_published = False
    thread.post.save(update_fields=["is_published"])
    answer = client.get(_url(thread, comment.pk))
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "not_found",
        "message": f"There is no discussion number {thread.pk}.",
    }


@pytest.mark.parametrize("raw", ["1,x", "-1", "1;2", "1.5", "9" * 19, ",".join(["1"] * 101)])
def test_bad_ids_are_refused_with_a_sentence(client, thread, raw):
    answer = client.get(f"/threads/{thread.pk}/comments/?ids={raw}")
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "bad_ids",
        "message": "“ids” must be a comma-separated list of at most 100 numbers.",
        "field": "ids",
    }


def test_a_hundred_ids_are_answered_and_repeats_count_once(client, thread, post_as):
    comments = [post_as(thread, f"Reader {n}", f"Comment {n}") for n in range(3)]
    ids = [c.pk for c in comments] * 33 + [comments[0].pk]
    assert len(ids) == 100
    got = client.get(_url(thread, *ids)).json()
    assert sorted(got["comments"]) == sorted(str(c.pk) for c in comments)


def test_no_ids_answer_the_count_alone(client, thread, post_as):
    post_as(thread, "Ana", "One comment.")
    assert client.get(f"/threads/{thread.pk}/comments/").json() == {
        "comments": {},
        "hidden": [],
        "count": 1,
    }


@pytest.mark.parametrize("thread_id", ["9" * 20, 2**63])
def test_a_thread_id_no_row_can_have_is_not_found(client, thread, thread_id):
    answer = client.get(f"/threads/{thread_id}/comments/?ids=1,2")
    assert answer.status_code == 404
    assert answer.json()["message"] == f"There is no discussion number {thread_id}."


def test_queries_do_not_grow_with_the_comments_asked_for(client, thread, post_as, moderator):
    comments = [post_as(thread, f"Reader {n}", f"Comment {n}") for n in range(30)]
    client.get(_url(thread, comments[0].pk))  # the session and caches are warm
    with CaptureQueriesContext(connection) as one:
        client.get(_url(thread, comments[0].pk))
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(thread, *(c.pk for c in comments))).status_code == 200
    assert len(many) == len(one)
    # The thread with its post, then the comments with their authors.
    assert len(many) == 2, [q["sql"] for q in many.captured_queries]
    # A moderator's request reads their session, their account and their own held comments
    # too, and still nothing per comment.
    client.force_login(moderator)
    client.get(_url(thread, comments[0].pk))
    with CaptureQueriesContext(connection) as staff:
        assert client.get(_url(thread, *(c.pk for c in comments))).status_code == 200
    assert len(staff) == 5, [q["sql"] for q in staff.captured_queries]
