"""Bearer tokens: a signed-in reader of one site's widget, without cookies or CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.discussion.models import Comment
from parley.embed.models import ReaderToken
from tests.embed.conftest import BLOG, SHOP, blog_thread, get, send, token_for

pytestmark = pytest.mark.django_db
PAGE = f"{BLOG}/2026/12/hello/"


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def test_a_token_posts_as_its_account_without_a_csrf_token(strict, blog, rosa, no_rate_limit):
    thread_id = blog_thread(strict)
    token = token_for(rosa, blog)
    posted = send(strict, "POST", f"threads/{thread_id}/comments", {"body": "Hi"}, token=token)
    assert posted.status_code == 201, posted.content
    assert posted.json()["author"]["name"] == "Rosa Lima"
    assert "edit_token" not in posted.json()
    assert Comment.objects.get().author == rosa
    comment_id = posted.json()["id"]
    edited = send(strict, "PATCH", f"comments/{comment_id}", {"body": "Hello"}, token=token)
    assert edited.status_code == 200, edited.content
    assert send(strict, "DELETE", f"comments/{comment_id}", token=token).status_code == 204


def test_the_thread_answer_names_the_tokens_reader(client, blog, rosa):
    answer = get_with_token(client, token_for(rosa, blog))
    assert answer["viewer"] == {"name": "Rosa Lima", "kind": "account"}


def get_with_token(client, token: str) -> dict:
    response = client.get(
        "/api/v1/embed/thread",
        {"url": PAGE},
        HTTP_ORIGIN=BLOG,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_token_from_another_sites_origin_is_403(client, blog, shop, rosa):
    response = client.get(
        "/api/v1/embed/thread",
        {"url": f"{SHOP}/p"},
        HTTP_ORIGIN=SHOP,
        HTTP_AUTHORIZATION=f"Bearer {token_for(rosa, blog)}",
    )
    assert response.status_code == 403
    assert response.json()["error"] == "other_site"
    assert response["Access-Control-Allow-Origin"] == SHOP


@pytest.mark.parametrize("how", ["unknown", "expired", "revoked"])
def test_an_unknown_expired_or_revoked_token_is_401(client, blog, rosa, how):
    token = token_for(rosa, blog)
    if how == "unknown":
        token = "not-" + token
    elif how == "expired":
        ReaderToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        ReaderToken.objects.update(revoked_at=timezone.now())
    response = get(client, "thread", url=PAGE)
    assert response.status_code == 200  # without the token: a guest
    response = client.get(
        "/api/v1/embed/thread",
        {"url": PAGE},
        HTTP_ORIGIN=BLOG,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": "token_refused",
        "message": "Your sign-in has expired or was withdrawn: sign in again.",
    }
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_token_lives_thirty_days_and_stores_only_its_digest(blog, rosa):
    token = token_for(rosa, blog)
    row = ReaderToken.objects.get()
    assert token not in row.digest and len(row.digest) == 64
    assert row.expires_at - row.made_at == timedelta(days=30)


def test_signing_out_revokes_the_token(client, blog, rosa):
    token = token_for(rosa, blog)
    response = send(client, "DELETE", "embed/token", token=token)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert ReaderToken.objects.get().revoked_at is not None
    assert send(client, "DELETE", "embed/token", token=token).status_code == 401
    without = send(client, "DELETE", "embed/token")
    assert without.status_code == 401


def test_a_token_shows_its_author_their_held_comment(client, blog, rosa, no_rate_limit):
    blog.hold_for_review = True
    blog.save()
    thread_id = blog_thread(client)
    token = token_for(rosa, blog)
    posted = send(client, "POST", f"threads/{thread_id}/comments", {"body": "Held"}, token=token)
    assert posted.json()["status"] == "pending"
    comment_id = posted.json()["id"]
    assert send(client, "GET", f"comments/{comment_id}", token=token).status_code == 200
    assert send(client, "GET", f"comments/{comment_id}").status_code == 404
