"""GET /api/v1/embed/thread: what the widget shows first, in one answer."""

from __future__ import annotations

import pytest

from tests.embed.conftest import BLOG, blog_thread, get, send

pytestmark = pytest.mark.django_db
PAGE = f"{BLOG}/2026/12/hello/"


def test_a_page_without_a_thread_answers_what_the_widget_needs(client, blog, settings):
    settings.PARLEY_READER_LANGUAGES = ["en", "pt"]
    response = get(client, "thread", url=PAGE)
    assert response.status_code == 200
    data = response.json()
    assert data["thread"] is None and data["comments"] is None and data["live"] is None
    assert data["site"] == {"name": "The blog", "language": ""}
    assert data["languages"] == [
        {"code": "en", "name": "English"},
        {"code": "pt", "name": "Português (Portuguese)"},
    ]
    assert data["edit_window"] == 900
    assert {"value": "spam", "label": "Spam"} in data["flag_reasons"]
    assert data["viewer"] is None
    assert data["sign_in_url"] == (
        "http://testserver/embed/sign-in/?origin=https%3A%2F%2Fblog.example.org"
    )


def test_the_first_page_is_the_comments_routes_answer(client, blog, no_rate_limit):
    thread_id = blog_thread(client)
    for n in range(51):
        send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": f"n{n}"})
    data = get(client, "thread", url=PAGE, sort="newest").json()
    assert data["thread"]["comment_count"] == 51
    listed = send(client, "GET", f"threads/{thread_id}/comments?sort=newest&limit=50")
    assert data["comments"] == listed.json()
    assert data["comments"]["next"] == (
        f"/api/v1/threads/{thread_id}/comments?sort=newest&offset=50&limit=50"
    )


def test_the_next_page_keeps_the_language(client, blog, settings, no_rate_limit):
    settings.PARLEY_READER_LANGUAGES = ["en", "pt"]
    thread_id = blog_thread(client)
    for n in range(3):
        send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": f"n{n}"})
    page = send(client, "GET", f"threads/{thread_id}/comments?limit=2&lang=pt").json()
    assert page["next"].endswith("&lang=pt")
    assert send(client, "GET", page["next"].removeprefix("/api/v1/")).status_code == 200


def test_a_language_not_offered_is_400(client, blog, settings):
    settings.PARLEY_READER_LANGUAGES = ["en"]
    response = get(client, "thread", url=PAGE, lang="xx")
    assert response.status_code == 400
    assert "not one of the languages" in response.json()["message"]


def test_the_answer_takes_few_queries(client, blog, rosa, no_rate_limit, django_assert_num_queries):
    from tests.embed.conftest import token_for

    thread_id = blog_thread(client)
    for n in range(5):
        send(client, "POST", f"threads/{thread_id}/comments", {"name": "Ana", "body": f"n{n}"})
    token = token_for(rosa, blog)
    # The token and its account, the site, the page, the thread's version, the page of
    # comments (its thread and rows, cached after), whether the account is a site's reader.
    with django_assert_num_queries(7):
        response = client.get(
            "/api/v1/embed/thread",
            {"url": PAGE},
            HTTP_ORIGIN=BLOG,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 200 and len(response.json()["comments"]["comments"]) == 5
