"""POST /api/v1/comments/{id}/vote, the counts in every comment, and sort=best, as API clients
use them; every refusal answers a 4xx with a sentence and stores nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parley.accounts.models import User
from parley.discussion.models import Comment, Vote

pytestmark = pytest.mark.django_db

API = "/api/v1"


def vote(client: Client, comment, value, *, ip: str = "203.0.113.9", **headers):
    return client.post(
        f"{API}/comments/{comment.pk}/vote",
        data=json.dumps({"value": value}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ip,
    )


def _state(comment) -> tuple:
    comment.refresh_from_db()
    thread = comment.thread
    thread.refresh_from_db()
    return (
        sorted(Vote.objects.values_list("voter_key", "value", "counted")),
        comment.up_count,
        comment.down_count,
        thread.version,
    )


@pytest.fixture
def comment(thread, post_as):
    return post_as(thread, "Bruno", "The crossing opens at noon.")


def test_a_guest_votes_changes_and_withdraws(comment, settings):
    settings.PARLEY_DOWNVOTES = True
    client = Client()
    answer = vote(client, comment, 1)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "id": comment.pk,
        "up_count": 1,
        "down_count": 0,
        "best_score": pytest.approx(0.2065, abs=0.001),
        "my_vote": 1,
        "counted": True,
    }
    assert vote(client, comment, -1).json()["down_count"] == 1
    answer = vote(client, comment, 0).json()
    assert (answer["up_count"], answer["down_count"], answer["my_vote"]) == (0, 0, 0)
    assert not Vote.objects.exists()


def test_counts_are_in_the_comment_and_in_the_list(comment, thread):
    vote(Client(), comment, 1)
    detail = Client().get(f"{API}/comments/{comment.pk}").json()
    assert (detail["up_count"], detail["down_count"]) == (1, 0)
    listed = Client().get(f"{API}/threads/{thread.pk}/comments").json()["comments"][0]
    assert (listed["up_count"], listed["best_score"]) == (1, detail["best_score"])


def test_sort_best_puts_more_useful_votes_first(thread, post_as):
    first = post_as(thread, "First", "Nobody votes for this one.")
    second = post_as(thread, "Second", "Three readers find this useful.")
    for n, ip in enumerate(("203.0.113.1", "198.51.100.1", "192.0.2.1")):
        assert vote(Client(), second, 1, ip=ip).status_code == 200, n
    page = Client().get(f"{API}/threads/{thread.pk}/comments?sort=best").json()
    assert page["sort"] == "best"
    assert [c["id"] for c in page["comments"]] == [second.pk, first.pk]
    oldest = Client().get(f"{API}/threads/{thread.pk}/comments").json()
    assert [c["id"] for c in oldest["comments"]] == [first.pk, second.pk]


def test_a_vote_changes_the_list_etag(comment, thread):
    client = Client()
    url = f"{API}/threads/{thread.pk}/comments?sort=best"
    etag = client.get(url)["ETag"]
    vote(Client(), comment, 1)
    answer = client.get(url, headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer.json()["comments"][0]["up_count"] == 1


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [
        (2, 400, "A vote is 1 (useful), -1 (not useful) or 0"),
        ("up", 400, "value"),
        ("1", 400, "value"),
        (True, 400, "value"),
        (-1, 400, "only “useful” votes"),
        (0, 409, "no vote to withdraw"),
    ],
)
def test_bad_values_are_refused(comment, value, status, words):
    before = _state(comment)
    answer = vote(Client(), comment, value)
    assert answer.status_code == status, answer.content
    assert words in answer.json()["message"]
    assert _state(comment) == before


def test_a_second_identical_vote_is_refused(comment):
    client = Client()
    vote(client, comment, 1)
    before = _state(comment)
    answer = vote(client, comment, 1)
    assert answer.status_code == 409
    assert answer.json() == {
        "error": "already_voted",
        "message": "You already marked this comment “Useful”.",
    }
    assert _state(comment) == before


def test_a_removed_comment_cannot_be_voted_on(thread, post_as):
    parent = post_as(thread, "Bruno", "Soon removed.")
    post_as(thread, "Ana", "A reply keeps its place.", parent=parent)
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.DELETED)
    before = _state(parent)
    answer = vote(Client(), parent, 1)
    assert answer.status_code == 400
    assert answer.json()["error"] == "not_votable"
    assert "removed" in answer.json()["message"]
    assert _state(parent) == before
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.REJECTED)
    assert vote(Client(), parent, 1).status_code == 404


def test_authors_cannot_vote_on_their_own_comments(thread, post_as):
    rosa = User.objects.create_user("rosa", password="rosa-pass-1234")
    own = post_as(thread, "", "Mine.", user=rosa)
    client = Client(enforce_csrf_checks=True)
    client.force_login(rosa)
    client.get("/posts/lastovo/")
    token = client.cookies["csrftoken"].value
    before = _state(own)
    answer = vote(client, own, 1, **{"X-CSRFToken": token})
    assert answer.status_code == 403
    assert answer.json()["message"] == "You cannot vote on your own comment."
    assert _state(own) == before


def test_a_guest_cannot_vote_on_the_comment_their_edit_token_is_for(thread):
    posted = (
        Client()
        .post(
            f"{API}/threads/{thread.pk}/comments",
            data=json.dumps({"name": "Guest", "body": "A guest's comment."}),
            content_type="application/json",
        )
        .json()
    )
    own = Comment.objects.get(pk=posted["id"])
    answer = vote(Client(), own, 1, **{"X-Edit-Token": posted["edit_token"]})
    assert answer.status_code == 403
    assert not Vote.objects.exists()


def test_logged_in_votes_need_the_csrf_token(comment):
    ana = User.objects.create_user("ana", password="ana-pass-1234")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    answer = vote(client, comment, 1)
    assert answer.status_code == 403
    assert answer.json()["error"] == "csrf"
    assert not Vote.objects.exists()


def test_votes_from_one_network_in_a_burst_count_once(comment):
    answers = [vote(Client(), comment, 1, ip=f"203.0.113.{n}").json() for n in (1, 2, 3)]
    assert [a["counted"] for a in answers] == [True, False, False]
    assert answers[-1]["up_count"] == 1
    assert Vote.objects.count() == 3


def test_the_vote_limit_answers_429(comment, thread, post_as, settings):
    settings.PARLEY_VOTE_RATE = [(1, 3600)]
    other = post_as(thread, "Ana", "Another comment.")
    assert vote(Client(), comment, 1, ip="203.0.113.1").status_code == 200
    answer = vote(Client(), other, 1, ip="203.0.113.2")
    assert answer.status_code == 429
    assert answer["Retry-After"]
    assert "Too many votes from you" in answer.json()["message"]
    assert Vote.objects.count() == 1


def test_the_openapi_document_describes_votes(db):
    document = Client().get(f"{API}/openapi.json").json()
    operation = document["paths"][f"{API}/comments/{{comment_id}}/vote"]["post"]
    assert {"200", "400", "403", "404", "409", "429"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert {"up_count", "down_count", "best_score"} <= set(schemas["CommentOut"]["properties"])
    assert "value" in schemas["VoteIn"]["properties"]
    assert "best" in json.dumps(document["paths"][f"{API}/threads/{{thread_id}}/comments"])
