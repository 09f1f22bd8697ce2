"""GET and POST /api/v1/embed/thread: a page's thread, found and made for its site."""

from __future__ import annotations

import pytest

from parley.discussion.models import Thread
from parley.embed.models import EmbeddedPage
from parley.publishing.models import Post
from tests.embed.conftest import BLOG, get, open_thread

pytestmark = pytest.mark.django_db

PAGE = f"{BLOG}/2026/12/hello/"


def _error(response, status: int, words: str) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert words in data["message"], data["message"]
    return data


def test_first_post_makes_the_post_and_thread_and_a_second_answers_the_same(client, blog):
    response = open_thread(
        client, {"url": PAGE + "?utm_source=feed#top", "title": "  Hello,\n world "}
    )
    assert response.status_code == 201, response.content
    made = response.json()
    page = EmbeddedPage.objects.get()
    assert page.site == blog
    assert page.key == PAGE
    assert page.url == PAGE + "?utm_source=feed#top"
    assert page.title == "Hello, world"
    post = page.post
    assert post.kind == Post.Kind.ARTICLE and post.is_published
    assert post.slug.startswith(f"embed-{blog.pk}-")
    assert made == {
        "thread_id": post.thread.pk,
        "post_slug": post.slug,
        "title": "Hello, world",
        "comment_count": 0,
        "is_open": True,
        "url": PAGE + "?utm_source=feed#top",
    }

    again = open_thread(
        client, {"url": "HTTPS://Blog.Example.org:443" + PAGE[len(BLOG) :], "title": "Other"}
    )
    assert again.status_code == 200
    assert again.json() == made
    assert (EmbeddedPage.objects.count(), Post.objects.count(), Thread.objects.count()) == (1, 1, 1)


def test_get_finds_the_thread_by_any_form_of_its_address_with_its_count(client, blog):
    made = open_thread(client, {"url": PAGE, "title": "Hello"}).json()
    posted = client.post(
        f"/api/v1/threads/{made['thread_id']}/comments",
        {"name": "Rosa", "body": "First!"},
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    response = get(client, "thread", url=PAGE + "?fbclid=x#comments")
    assert response.status_code == 200
    assert response.json()["thread"] == {**made, "comment_count": 1}
    assert response["Access-Control-Allow-Origin"] == BLOG


def test_get_before_the_first_comment_answers_no_thread(client, blog):
    response = get(client, "thread", url=PAGE)
    assert response.status_code == 200
    data = response.json()
    assert data["thread"] is None and data["comments"] is None
    assert data["site"] == {"name": "The blog", "language": ""}


def test_a_page_without_a_thread_on_one_site_is_not_found_through_another(client, blog, shop):
    open_thread(client, {"url": PAGE, "title": "Hello"})
    assert get(client, "thread", "https://shop.example.com", url=PAGE).json()["thread"] is None


def test_a_page_of_another_host_cannot_be_opened(client, blog):
    with_other_host = open_thread(client, {"url": "https://shop.example.com/p", "title": "Hi"})
    data = _error(with_other_host, 403, "shop.example.com is not on https://blog.example.org")
    assert data["field"] == "url"
    # Another of the site's origins is another host, too: each opens its own pages only.
    _error(open_thread(client, {"url": "http://localhost:1313/p", "title": "Hi"}), 403, "not on")
    assert not EmbeddedPage.objects.exists() and not Post.objects.exists()


def test_a_wildcard_origin_opens_pages_of_its_own_subdomain(client, blog):
    origin = "https://v2.docs.example.net"
    response = open_thread(client, {"url": f"{origin}/intro", "title": "Intro"}, origin)
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == origin
    other = open_thread(
        client, {"url": "https://v3.docs.example.net/intro", "title": "Intro"}, origin
    )
    _error(other, 403, "not on")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://blog.example.org/a", "must start with http:// or https://"),
        ("/2026/12/hello/", "must start with http:// or https://"),
        ("https://me:secret@blog.example.org/a", "user name or password"),
        ("https://blog.example.org/" + "a" * 1976, "2,001 characters long; at most 2,000"),
    ],
)
def test_bad_addresses_are_400_with_a_sentence(client, blog, url, words):
    assert len("https://blog.example.org/" + "a" * 1976) == 2001
    for response in (get(client, "thread", url=url), open_thread(client, {"url": url})):
        data = _error(response, 400, words)
        assert data["field"] == "url"
        assert response["Access-Control-Allow-Origin"] == BLOG  # the widget can read why
    assert not Post.objects.exists()


def test_the_longest_address_is_taken(client, blog):
    url = "https://blog.example.org/" + "a" * 1975
    assert len(url) == 2000
    assert open_thread(client, {"url": url, "title": "Long"}).status_code == 201
    assert get(client, "thread", url=url).status_code == 200


def test_a_missing_url_is_400(client, blog):
    _error(get(client, "thread"), 400, "The field “url” is required.")
    _error(open_thread(client, {"title": "Hi"}), 400, "The field “url” is required.")


def test_a_long_title_is_cut_and_an_empty_one_is_the_address(client, blog):
    long = open_thread(client, {"url": PAGE, "title": "word " * 100}).json()
    assert len(long["title"]) == 300 and long["title"].endswith("…")
    assert Post.objects.get().title == long["title"]
    empty = open_thread(client, {"url": f"{BLOG}/about", "title": "  "}).json()
    assert empty["title"] == "blog.example.org/about"


def test_post_takes_json_only(client, blog):
    response = client.post(
        "/api/v1/embed/thread", {"url": PAGE}, HTTP_ORIGIN=BLOG
    )  # a form, as another page's <form> could send
    assert response.status_code == 415
    assert not Post.objects.exists()


def test_an_unknown_field_is_400(client, blog):
    _error(open_thread(client, {"url": PAGE, "colour": "red"}), 400, "Unknown field “colour”")


# -- data-parley-id -------------------------------------------------------------------------------


def test_an_id_names_the_thread_wherever_the_page_moves(client, blog):
    made = open_thread(client, {"url": PAGE, "title": "Hello", "id": "post-7"}).json()
    moved = f"{BLOG}/archive/hello/"
    assert open_thread(client, {"url": moved, "title": "Hello", "id": "post-7"}).json() == made
    assert get(client, "thread", url=moved, id="post-7").json()["thread"] == made
    assert EmbeddedPage.objects.get().identifier == "post-7"


def test_a_page_first_seen_without_an_id_takes_the_one_its_snippet_later_gives(client, blog):
    made = open_thread(client, {"url": PAGE, "title": "Hello"}).json()
    assert get(client, "thread", url=PAGE, id="post-7").json()["thread"] == made
    assert open_thread(client, {"url": PAGE, "title": "Hello", "id": "post-7"}).json() == made
    assert EmbeddedPage.objects.get().identifier == "post-7"
    conflict = open_thread(client, {"url": PAGE, "title": "Hello", "id": "post-8"})
    data = _error(conflict, 409, "already has a thread under another data-parley-id (“post-7”)")
    assert data["field"] == "id"
    assert get(client, "thread", url=PAGE, id="post-8").json()["thread"] is None


def test_an_id_longer_than_200_characters_is_400(client, blog):
    response = open_thread(client, {"url": PAGE, "title": "Hi", "id": "x" * 201})
    _error(response, 400, "201 characters long; at most 200")
    assert open_thread(client, {"url": PAGE, "title": "Hi", "id": "x" * 200}).status_code == 201


def test_control_characters_are_refused_in_addresses_and_dropped_from_titles_and_ids(client, blog):
    for url in (f"{BLOG}/a\x00b", f"{BLOG}/a\x7fb", f"{BLOG}/a?b=\x01"):
        _error(open_thread(client, {"url": url, "title": "Hi"}), 400, "control character")
        _error(get(client, "thread", url=url), 400, "control character")
    made = open_thread(client, {"url": PAGE, "title": "Hel\x00lo\tthere", "id": "a\x00b"})
    assert made.status_code == 201
    assert made.json()["title"] == "Hel lo there"
    assert EmbeddedPage.objects.get().identifier == "a b"


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1/a",
        "https://" + "a" * 64 + ".example/",
        "https://a..b/",
        "https://xn--/",
        "https://exa mple.org/",
    ],
)
def test_odd_hosts_are_400_or_stored_never_500(client, blog, url):
    assert get(client, "thread", url=url).status_code in (400, 200)
    assert open_thread(client, {"url": url, "title": "Hi"}).status_code in (400, 403)


def test_a_lone_surrogate_in_json_is_400(client, blog):
    # JSON can carry one ("\udcff"); no page's address holds one.
    response = open_thread(client, {"url": f"{BLOG}/\udcff", "title": "Hi"})
    _error(response, 400, "half of a UTF-16 surrogate pair")


def test_a_client_opens_at_most_the_rate_of_new_threads(client, blog, monkeypatch):
    from parley.embed import actions

    assert actions.NEW_PAGE_RATE == (30, 3600)
    monkeypatch.setattr(actions, "NEW_PAGE_RATE", (2, 3600))
    for n in range(2):
        assert open_thread(client, {"url": f"{BLOG}/{n}/", "title": "Hi"}).status_code == 201
    # Pages already made still answer; a third new one waits.
    assert open_thread(client, {"url": f"{BLOG}/0/", "title": "Hi"}).status_code == 200
    refused = open_thread(client, {"url": f"{BLOG}/2/", "title": "Hi"})
    data = _error(
        refused, 429, "Too many new threads for pages from your address (at most 2 in 1 hour)"
    )
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["Access-Control-Allow-Origin"] == BLOG
    assert data["retry_after"] == int(refused["Retry-After"])
    assert EmbeddedPage.objects.count() == 2
