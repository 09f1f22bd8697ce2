"""POST /api/v1/comments/{id}/flags, and a site whose comments all wait for review."""

from __future__ import annotations

import pytest

from parley.discussion.models import Comment
from parley.moderation.models import Flag
from tests.embed.conftest import BLOG, blog_thread, send, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment_id(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "Hi"})
    assert posted.status_code == 201
    return posted.json()["id"]


def test_a_flag_is_taken_as_the_flag_page_takes_it(client, comment_id, blog, rosa):
    response = send(
        client,
        "POST",
        f"comments/{comment_id}/flags",
        {"reason": "spam"},
        token=token_for(rosa, blog),
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"message": "Thank you: moderators will look at this comment."}
    assert response["Access-Control-Allow-Origin"] == BLOG
    flag = Flag.objects.get()
    assert (flag.comment_id, flag.reason, flag.reporter) == (comment_id, "spam", rosa)


def test_a_bad_flag_is_400_with_the_flag_pages_sentence(client, comment_id):
    response = send(client, "POST", f"comments/{comment_id}/flags", {"reason": "other"})
    assert response.status_code == 400
    assert response.json()["message"] == "Say what is wrong with the comment."
    response = send(client, "POST", f"comments/{comment_id}/flags", {"reason": "nonsense"})
    assert response.json()["message"] == "Pick a reason for the flag."
    assert not Flag.objects.exists()


def test_flags_past_the_rate_are_429(client, comment_id, settings):
    settings.PARLEY_FLAG_RATE = [(1, 3600)]
    assert (
        send(client, "POST", f"comments/{comment_id}/flags", {"reason": "spam"}).status_code == 201
    )
    again = send(client, "POST", f"comments/{comment_id}/flags", {"reason": "abuse"})
    assert again.status_code == 429
    assert int(again["Retry-After"]) > 0
    assert Flag.objects.count() == 1


def test_a_site_that_holds_every_comment_holds_them(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    published = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "A"})
    assert published.json()["status"] == "published"
    blog.hold_for_review = True
    blog.save(update_fields=["hold_for_review"])
    held = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "B"})
    assert held.status_code == 201
    assert held.json()["status"] == "pending"
    assert held.json()["notice"] == "Only you can see this comment until a moderator approves it."
    assert Comment.objects.get(pk=held.json()["id"]).status == Comment.Status.PENDING
    listed = send(client, "GET", f"threads/{thread_id}/comments").json()
    assert [c["id"] for c in listed["comments"]] == [published.json()["id"]]


def test_holding_one_site_holds_nothing_elsewhere(client, blog, shop, thread, no_rate_limit):
    shop.hold_for_review = True
    shop.save(update_fields=["hold_for_review"])
    thread_id = blog_thread(client)
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": "A"})
    assert posted.json()["status"] == "published"
    own = send(
        client, "POST", f"threads/{thread.pk}/comments", {"name": "Ana", "body": "B"}, origin=None
    )
    assert own.json()["status"] == "published"
