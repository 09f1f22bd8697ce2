"""/api/v1: what a client is told when the comment it posted is held for review."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion import tokens
from parley.discussion.models import Comment
from tests.api.test_comments_api import comments_url, patch_json, post_json
from tests.moderation.conftest import set_mode

pytestmark = pytest.mark.django_db

AWAITING = "Only you can see this comment until a moderator approves it."
REPEATED = "The crossing opened at noon on Monday, as the letter to the minister says."


@pytest.fixture(autouse=True)
def _no_model(settings, no_rate_limit):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]


def test_a_held_comment_says_so_and_gives_its_permalink(client, thread):
    set_mode("all")
    response = post_json(client, comments_url(thread), {"body": "Held, please.", "name": "Gil"})
    assert response.status_code == 201, response.content
    data = response.json()
    comment = Comment.objects.get()
    assert data["status"] == "pending"
    assert data["permalink"] == response["Location"] == f"/c/{comment.pk}/"
    assert data["notice"] == AWAITING
    assert data["repeats"] is None
    # The client that posted it can read it, at the API and at its permalink; nobody else.
    assert client.get(f"/api/v1/comments/{comment.pk}").json()["body"] == "Held, please."
    assert client.get(data["permalink"]).status_code == 302
    assert Client().get(f"/api/v1/comments/{comment.pk}").status_code == 404
    assert Client().get(data["permalink"]).status_code == 404


def test_a_published_comment_has_no_notice(client, thread):
    data = post_json(client, comments_url(thread), {"body": "Straight in.", "name": "Gil"}).json()
    assert (data["status"], data["notice"], data["repeats"]) == ("published", None, None)


def test_a_held_repeat_names_the_earlier_comment(client, thread):
    first = post_json(client, comments_url(thread), {"body": REPEATED, "name": "Gil"}).json()
    second = post_json(client, comments_url(thread), {"body": REPEATED, "name": "Gil"})
    data = second.json()
    assert (first["status"], data["status"]) == ("published", "pending")
    assert data["notice"] == AWAITING
    earlier = Comment.objects.get(pk=first["id"])
    assert data["repeats"] == {
        "id": earlier.pk,
        "permalink": f"/c/{earlier.pk}/",
        "created_at": earlier.created_at.isoformat(),
        "yours": True,
    }
    assert tokens.posted_ids(client.cookies[tokens.POSTED_COOKIE].value) == [
        first["id"],
        data["id"],
    ]


def test_the_schema_documents_the_notice_and_the_repeat(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    posted = schema["components"]["schemas"]["PostedCommentOut"]["properties"]
    assert "pending" in posted["notice"]["description"]
    assert "repeats" in posted
    assert set(schema["components"]["schemas"]["RepeatsOut"]["properties"]) == {
        "id",
        "permalink",
        "created_at",
        "yours",
    }


def test_a_guest_edits_and_deletes_a_held_comment_with_its_edit_token(thread):
    set_mode("all")
    api = Client()  # an API client that keeps no cookies between requests
    data = post_json(api, comments_url(thread), {"body": "Held with a typo.", "name": "Gil"}).json()
    api.cookies.clear()
    url = f"/api/v1/comments/{data['id']}"
    token = {"X-Edit-Token": data["edit_token"]}
    assert patch_json(api, url, {"body": "Held, typo fixed."}).status_code == 404
    edited = patch_json(api, url, {"body": "Held, typo fixed."}, headers=token)
    assert edited.status_code == 200, edited.content
    assert (edited.json()["body"], edited.json()["status"]) == ("Held, typo fixed.", "pending")
    assert api.delete(url, headers=token).status_code == 204
    assert not Comment.objects.exists()
