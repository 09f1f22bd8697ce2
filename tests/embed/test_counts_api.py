"""GET /api/v1/embed/counts: many pages' comment counts in one request."""

from __future__ import annotations

import pytest

from parley.discussion.models import Thread
from tests.embed.conftest import BLOG, get, open_thread

pytestmark = pytest.mark.django_db


def _comment(client, thread_id: int, body: str) -> None:
    response = client.post(
        f"/api/v1/threads/{thread_id}/comments",
        {"name": "Rosa", "body": body},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_counts_of_pages_with_and_without_threads(client, blog, no_rate_limit):
    one = open_thread(client, {"url": f"{BLOG}/one/", "title": "One"}).json()
    two = open_thread(client, {"url": f"{BLOG}/two/", "title": "Two"}).json()
    for n in range(3):
        _comment(client, one["thread_id"], f"Comment {n} on one.")
    _comment(client, two["thread_id"], "On two.")
    asked = [f"{BLOG}/one/#comments", f"{BLOG}/two/?utm_medium=rss", f"{BLOG}/three/"]
    response = get(client, "counts", url=asked)
    assert response.status_code == 200
    assert response.json() == {"counts": dict(zip(asked, [3, 1, 0], strict=True)), "ids": {}}
    assert response["Access-Control-Allow-Origin"] == BLOG


def test_counts_are_the_published_comments(client, blog):
    made = open_thread(client, {"url": f"{BLOG}/one/", "title": "One"}).json()
    _comment(client, made["thread_id"], "Seen.")
    Thread.objects.filter(pk=made["thread_id"]).update(comment_count=7)
    answer = get(client, "counts", url=f"{BLOG}/one/").json()
    assert answer == {"counts": {f"{BLOG}/one/": 7}, "ids": {}}


def test_counts_are_the_requesting_sites_own(client, blog, shop):
    open_thread(client, {"url": f"{BLOG}/one/", "title": "One"})
    response = get(client, "counts", "https://shop.example.com", url=f"{BLOG}/one/")
    assert response.json() == {"counts": {f"{BLOG}/one/": 0}, "ids": {}}


def test_fifty_addresses_are_counted_in_two_queries_and_fifty_one_refused(
    client, blog, django_assert_max_num_queries
):
    urls = [f"{BLOG}/p{n}/" for n in range(50)]
    with django_assert_max_num_queries(2):  # the site, the pages
        response = get(client, "counts", url=urls)
    assert response.status_code == 200
    assert len(response.json()["counts"]) == 50
    response = get(client, "counts", url=[*urls, f"{BLOG}/p50/"])
    assert response.status_code == 400
    assert response.json()["message"] == (
        "51 pages were asked for; at most 50 are counted in one request."
    )


def test_a_bad_address_among_them_is_400_naming_it(client, blog):
    response = get(client, "counts", url=[f"{BLOG}/ok/", "mailto:rosa@example.org"])
    assert response.status_code == 400
    assert "“mailto:rosa@example.org” is not a web page address" in response.json()["message"]
    long = get(client, "counts", url=[BLOG + "/" + "a" * 1976])
    assert long.status_code == 400
    assert "at most 2,000" in long.json()["message"]


def test_no_address_is_400(client, blog):
    response = get(client, "counts")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Say which pages to count: url=<address> or id=<data-parley-id>, repeated."
    )


def test_pages_known_by_their_id_are_counted_by_it(client, blog, no_rate_limit):
    made = open_thread(client, {"url": f"{BLOG}/2024/hello/", "title": "Hi", "id": "post-42"})
    _comment(client, made.json()["thread_id"], "Counted by its id.")
    # The index on another address of the site (or before the page moved) asks by id.
    response = get(client, "counts", url=f"{BLOG}/hello/", id=["post-42", "post-43"])
    assert response.status_code == 200
    assert response.json() == {
        "counts": {f"{BLOG}/hello/": 0},
        "ids": {"post-42": 1, "post-43": 0},
    }
    too_many = get(client, "counts", url=[f"{BLOG}/p{n}/" for n in range(49)], id=["a", "b"])
    assert too_many.status_code == 400
    long = get(client, "counts", id="x" * 201)
    assert long.status_code == 400 and long.json()["field"] == "id"
