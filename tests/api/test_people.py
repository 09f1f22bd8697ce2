"""GET /api/v1/people/{id}: the public part of a profile, paged, with what never shows."""

from __future__ import annotations

import pytest

from parley.accounts.models import User
from parley.discussion.actions import Commenter, post_comment, set_comment_status
from parley.discussion.models import Comment
from parley.discussion.votes import Voter, cast_vote
from parley.publishing.actions import create_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivan(db):
    return User.objects.create_user(
        "ivan_login", "ivan@example.org", "ivan-pass-1234", display_name="Ivan Petrov"
    )


def say(thread, user, body: str) -> Comment:
    return post_comment(thread, commenter=Commenter(user=user), body=body)


def test_the_public_part_and_the_comments_newest_first(
    client, thread, editor, ivan, rosa, moderator, no_rate_limit
):
    other = create_post(slug="trucks", title="The trucks at the border", author=editor)
    first = say(thread, ivan, "The letter came first.")
    second = say(other.thread, ivan, "The trucks waited since Friday.")
    held = say(thread, ivan, "Heldmarker awaits a moderator.")
    set_comment_status(held, Comment.Status.PENDING, by=moderator)
    cast_vote(first, Voter(user=rosa, key=f"user:{rosa.pk}", address="198.51.100.7"), 1)
    response = client.get(f"/api/v1/people/{ivan.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Ivan Petrov" and body["moderator"] is False
    assert body["comment_count"] == 2 and body["votes_up"] == 1 and body["votes_down"] is None
    assert [c["id"] for c in body["comments"]] == [second.pk, first.pk]
    assert body["comments"][0]["post_slug"] == "trucks"
    assert body["comments"][1]["permalink"].endswith(f"/c/{first.pk}/")
    assert body["comments"][1]["context"].endswith(f"/c/{first.pk}/context/")
    assert body["next"] is None
    text = response.content.decode()
    for secret in ("ivan_login", "ivan@example.org", "Heldmarker"):
        assert secret not in text
    client.force_login(ivan)  # its author too: the API answers the public part only
    assert "Heldmarker" not in client.get(f"/api/v1/people/{ivan.pk}").content.decode()


def test_pages_follow_one_another(client, thread, ivan, no_rate_limit):
    made = [say(thread, ivan, f"Comment number {n}.") for n in range(5)]
    first = client.get(f"/api/v1/people/{ivan.pk}?limit=3").json()
    assert [c["id"] for c in first["comments"]] == [c.pk for c in made[::-1][:3]]
    assert first["next"] == f"/api/v1/people/{ivan.pk}?offset=3&limit=3"
    second = client.get(first["next"]).json()
    assert [c["id"] for c in second["comments"]] == [made[1].pk, made[0].pk]
    assert second["next"] is None


def test_limits_are_refused_with_a_sentence(client, ivan):
    assert client.get(f"/api/v1/people/{ivan.pk}?limit=101").status_code == 400
    assert client.get(f"/api/v1/people/{ivan.pk}?limit=0").status_code == 400
    assert client.get(f"/api/v1/people/{ivan.pk}?offset=-1").status_code == 400


def test_an_inactive_or_unknown_account_is_404(client, ivan):
    User.objects.filter(pk=ivan.pk).update(is_active=False)
    response = client.get(f"/api/v1/people/{ivan.pk}")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.get(f"/api/v1/people/{ivan.pk + 100}").status_code == 404
    assert client.get(f"/api/v1/people/{2**63}").status_code == 404


def test_the_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/people/{id}" in paths


def test_the_page_costs_the_same_queries_whatever_the_comments(
    client, thread, ivan, no_rate_limit, django_assert_max_num_queries
):
    say(thread, ivan, "One.")
    with django_assert_max_num_queries(3):  # the account, its record, the page
        client.get(f"/api/v1/people/{ivan.pk}")
    for n in range(30):
        say(thread, ivan, f"Comment number {n}.")
    with django_assert_max_num_queries(3):
        assert len(client.get(f"/api/v1/people/{ivan.pk}").json()["comments"]) == 20
