"""Pages refuse what cannot exist with a 4xx a person can act on, never a 500: ids no row can
have, pages past the end of a thread; and every page that answers GET answers HEAD."""

from __future__ import annotations

import pytest

from parley.discussion.models import Comment

pytestmark = pytest.mark.django_db

URL = "/posts/lastovo/"
PAST_64_BITS = 2**63  # one more than the largest id a row can have
TWENTY_DIGITS = "9" * 20


@pytest.mark.parametrize("thread_id", [TWENTY_DIGITS, PAST_64_BITS])
def test_comments_of_a_thread_id_no_row_can_have_are_not_found(client, thread, thread_id):
    response = client.get(f"/threads/{thread_id}/comments/?ids=1,2")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": "not_found",
        "message": f"There is no discussion number {thread_id}.",
    }


@pytest.mark.parametrize(
    "path",
    [
        f"/c/{TWENTY_DIGITS}/",
        f"/c/{TWENTY_DIGITS}/edit/",
        f"/c/{TWENTY_DIGITS}/delete/",
        f"/c/{TWENTY_DIGITS}/history/",
        f"/c/{TWENTY_DIGITS}/flag/",
        f"{URL}comments/{TWENTY_DIGITS}/",
    ],
)
def test_a_comment_id_no_row_can_have_is_not_found(client, thread, post_as, path):
    post_as(thread, "Ana", "A comment that exists.")
    response = client.get(path)
    assert response.status_code == 404
    assert f"There is no comment number {TWENTY_DIGITS}, or it was removed." in (
        response.content.decode()
    )


def _thread_of(thread, post_as, n: int) -> list[Comment]:
    return [post_as(thread, f"Reader {i}", f"Comment number {i}") for i in range(n)]


@pytest.mark.parametrize("partial", ["", "&partial=1"])
def test_a_page_past_the_end_is_not_found_and_names_the_last_page(
    client, thread, post_as, settings, no_rate_limit, partial
):
    settings.PARLEY_PAGE_SIZE = 4
    _thread_of(thread, post_as, 10)  # pages 1 to 3
    assert client.get(f"{URL}?page=3{partial}").status_code == 200
    response = client.get(f"{URL}?page=4{partial}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page 4: the comments of this discussion fit on 3 pages." in html
    assert "Set page=3 in the address" in html
    assert "Comment number" not in html


def test_page_one_of_an_empty_thread_is_still_a_page(client, thread):
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}?page=1").status_code == 200
    response = client.get(f"{URL}?page=2")
    assert response.status_code == 404
    assert "fit on 1 page." in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status", "login"),
    [
        ("/", 200, False),
        (URL, 200, False),
        (f"{URL}?page=2", 404, False),
        ("/c/{pk}/", 302, False),
        (f"{URL}comments/{{pk}}/", 200, False),
        ("/c/{pk}/history/", 200, False),
        ("/c/{pk}/edit/", 403, False),
        ("/c/{pk}/flag/", 200, False),
        ("/threads/{thread}/comments/?ids={pk}", 200, False),
        ("/translations/?comments={pk}", 200, False),
        ("/login/", 200, False),
        ("/signup/", 200, False),
        ("/moderation/", 200, True),
        ("/moderation/log/", 200, True),
        ("/moderation/bans/", 200, True),
        ("/moderation/words/", 200, True),
        ("/moderation/model/", 200, True),
        ("/account/", 200, True),
    ],
)
def test_head_answers_wherever_get_does(client, thread, post_as, moderator, path, status, login):
    comment = post_as(thread, "Ana", "Something to look at.")
    if login:
        client.force_login(moderator)
    url = path.format(pk=comment.pk, thread=thread.pk)
    got = client.get(url)
    head = client.head(url)
    assert got.status_code == status, (url, got.status_code)
    assert head.status_code == status, (url, head.status_code)
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""


def test_head_on_the_comment_form_posts_nothing(client, thread):
    response = client.head(f"{URL}comments/")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#reply-form"
    assert Comment.objects.count() == 0
