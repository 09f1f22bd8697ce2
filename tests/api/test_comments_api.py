"""/api/v1: posts, threads and comments, through HTTP as API clients use them.

Every refusal is checked three ways: the status code, the message a person reads, and that
nothing was stored (rows counted before and after, and the thread's version unchanged).
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import guest

pytestmark = pytest.mark.django_db

API = "/api/v1"


# -- helpers --------------------------------------------------------------------------------------


def comments_url(thread) -> str:
    return f"{API}/threads/{thread.pk}/comments"


def post_json(client, url: str, payload: dict, *, headers: dict | None = None, **extra):
    return client.post(
        url,
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers or {},
        **extra,
    )


def patch_json(client, url: str, payload: dict, *, headers: dict | None = None, **extra):
    return client.patch(
        url,
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers or {},
        **extra,
    )


def _state() -> tuple:
    from parley.discussion.models import Comment, Quote, Revision, Thread

    return (
        Comment.objects.count(),
        Quote.objects.count(),
        Revision.objects.count(),
        sorted(Thread.objects.values_list("pk", "version", "comment_count")),
        sorted(Comment.objects.values_list("pk", "body", "status", "reply_count")),
    )


@contextmanager
def stores_nothing():
    """The block may send requests; afterwards no comment, quote, revision or thread changed."""
    before = _state()
    yield
    assert _state() == before, "a refused request must leave the database as it was"


def assert_error(response, status: int, *message_parts: str, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["message"], "every error carries a message for a person"
    for part in message_parts:
        assert part in data["message"], data["message"]
    if code is not None:
        assert data["error"] == code, data
    return data


def names(page: dict) -> list[str]:
    return [c["author"]["name"] for c in page["comments"]]


@pytest.fixture
def other_post(editor):
    """A second post, with its own thread and documents."""
    from parley.publishing.actions import add_document, create_post

    post = create_post(kind="dossier", slug="harbour", title="The harbour dues", author=editor)
    add_document(
        post,
        kind="letter",
        slug="dues",
        title="Letter on the dues",
        issuer="Port office",
        place="Split",
        occurred_at=timezone.now() - timedelta(days=3),
        timezone="Europe/Zagreb",
        language="en",
        body="The dues rise in March.",
    )
    return post


@pytest.fixture
def csrf_client(dossier):
    """A browser-like client that enforces CSRF; it holds a csrftoken cookie after one page view."""
    browser = Client(enforce_csrf_checks=True)

    def token() -> str:
        if "csrftoken" not in browser.cookies:
            browser.get(dossier.get_absolute_url())
        return browser.cookies["csrftoken"].value

    browser.csrf_token = token  # type: ignore[attr-defined]
    return browser


# -- posts and threads ----------------------------------------------------------------------------


def test_post_with_documents_in_order_of_events_and_its_thread(client, dossier):
    response = client.get(f"{API}/posts/lastovo")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "The Lastovo crossing"
    assert data["kind"] == "dossier"
    assert "<strong>reopening</strong>" in data["introduction_html"]
    assert [d["anchor"] for d in data["documents"]] == ["letter", "press", "briefing"]
    assert data["documents"][0]["issuer"] == "Embassy of Ostrava"
    assert data["thread"] == {
        "id": dossier.thread.pk,
        "post_slug": "lastovo",
        "post_title": "The Lastovo crossing",
        "url": "/posts/lastovo/",
        "is_open": True,
        "comment_count": 0,
    }


def test_unknown_post_is_404_with_a_message(client, db):
    assert_error(
        client.get(f"{API}/posts/no-such-post"),
        404,
        "There is no post at this address.",
        code="not_found",
    )


def test_thread_counts_published_comments_and_says_whether_it_is_open(client, thread, post_as):
    from parley.discussion.actions import set_thread_open

    post_as(thread, "John", "First.")
    post_as(thread, "Ana", "Second.")
    data = client.get(f"{API}/threads/{thread.pk}").json()
    assert (data["id"], data["comment_count"], data["is_open"]) == (thread.pk, 2, True)
    set_thread_open(thread, False)
    assert client.get(f"{API}/threads/{thread.pk}").json()["is_open"] is False


def test_unknown_thread_and_comment_are_404_with_a_message(client, thread):
    assert_error(client.get(f"{API}/threads/987654"), 404, "There is no discussion number 987654.")
    assert_error(
        client.get(f"{API}/threads/987654/comments"), 404, "There is no discussion number 987654."
    )
    assert_error(client.get(f"{API}/comments/987654"), 404, "There is no comment number 987654")
    assert_error(
        client.get(f"{API}/comments/987654/revisions"), 404, "There is no comment number 987654"
    )
    with stores_nothing():
        assert_error(
            post_json(client, f"{API}/threads/987654/comments", {"name": "John", "body": "Hello?"}),
            404,
            "There is no discussion number 987654.",
        )


# -- listing --------------------------------------------------------------------------------------


@pytest.fixture
def conversation(thread, post_as):
    """Ana and Ben start; Ben's gets two replies (one nested), Ana's one, written interleaved."""
    ana = post_as(thread, "Ana", "Ana opens.")
    ben = post_as(thread, "Ben", "Ben opens.")
    ben1 = post_as(thread, "Cleo", "Cleo answers Ben.", parent=ben)
    ana1 = post_as(thread, "Dan", "Dan answers Ana.", parent=ana)
    ben2 = post_as(thread, "Eva", "Eva answers Cleo.", parent=ben1)
    return {"ana": ana, "ben": ben, "ben1": ben1, "ana1": ana1, "ben2": ben2}


def test_comments_come_in_display_order_each_top_level_comment_then_its_replies(
    client, thread, conversation
):
    page = client.get(comments_url(thread)).json()
    assert names(page) == ["Ana", "Dan", "Ben", "Cleo", "Eva"]
    assert [c["depth"] for c in page["comments"]] == [0, 1, 0, 1, 2]
    by_name = {c["author"]["name"]: c for c in page["comments"]}
    assert by_name["Eva"]["parent_id"] == conversation["ben1"].pk
    assert by_name["Ben"]["reply_count"] == 1
    assert by_name["Ana"]["permalink"] == f"/c/{conversation['ana'].pk}/"
    assert page["count"] == 5 and page["sort"] == "oldest" and page["next"] is None


def test_sort_newest_puts_latest_discussions_first_replies_stay_chronological(
    client, thread, conversation
):
    page = client.get(comments_url(thread) + "?sort=newest").json()
    assert page["sort"] == "newest"
    assert names(page) == ["Ben", "Cleo", "Eva", "Ana", "Dan"]


def test_sort_replies_puts_the_largest_discussion_first(client, thread, conversation, post_as):
    post_as(thread, "Fay", "Fay opens, nobody answers.")
    page = client.get(comments_url(thread) + "?sort=replies").json()
    assert names(page) == ["Ben", "Cleo", "Eva", "Ana", "Dan", "Fay"]


def test_unknown_sort_is_refused_with_the_choices(client, thread):
    data = assert_error(
        client.get(comments_url(thread) + "?sort=top"),
        400,
        "oldest",
        "newest",
        "replies",
        "best",
    )
    assert data["field"] == "sort"


def test_next_links_walk_the_whole_thread_without_gaps_or_repeats(
    client, thread, conversation, post_as
):
    for n in range(6):
        post_as(thread, f"Reader {n}", f"Comment {n}.")
    everything = client.get(comments_url(thread) + "?limit=1000").json()
    assert len(everything["comments"]) == 11 and everything["next"] is None

    seen, url, pages = [], comments_url(thread) + "?limit=4", 0
    while url:
        page = client.get(url).json()
        assert len(page["comments"]) <= 4
        seen += [c["id"] for c in page["comments"]]
        url, pages = page["next"], pages + 1
    assert pages == 3
    assert seen == [c["id"] for c in everything["comments"]]

    first = client.get(comments_url(thread) + "?limit=4&sort=newest").json()
    assert first["next"] == f"{API}/threads/{thread.pk}/comments?sort=newest&offset=4&limit=4"


def test_limit_up_to_1000_is_accepted_and_1001_refused(client, thread, post_as):
    post_as(thread, "John", "Hello.")
    assert client.get(comments_url(thread) + "?limit=1000").status_code == 200
    data = assert_error(
        client.get(comments_url(thread) + "?limit=1001"), 400, "1000", code="invalid_request"
    )
    assert data["field"] == "limit"
    assert_error(client.get(comments_url(thread) + "?limit=0"), 400)
    assert_error(client.get(comments_url(thread) + "?offset=-1"), 400)


def test_deleted_placeholder_keeps_its_place_but_shows_no_author_or_body(
    client, thread, conversation, moderator
):
    client.force_login(moderator)
    assert client.delete(f"{API}/comments/{conversation['ben'].pk}").status_code == 204
    client.logout()
    page = client.get(comments_url(thread)).json()
    assert [c["id"] for c in page["comments"]][2:] == [
        conversation["ben"].pk,
        conversation["ben1"].pk,
        conversation["ben2"].pk,
    ]
    placeholder = page["comments"][2]
    assert placeholder["status"] == "deleted"
    assert placeholder["author"] == {"name": "", "website": "", "badge": ""}
    assert placeholder["body_html"] == ""
    assert page["count"] == 4
    single = client.get(f"{API}/comments/{conversation['ben'].pk}").json()
    assert (single["body"], single["author"]["name"], single["quotes"]) == ("", "", [])


def test_badges_for_the_post_author_and_moderators(
    client, thread, editor, moderator, rosa, post_as
):
    post_as(thread, "", "From the author.", user=editor)
    post_as(thread, "", "From a moderator.", user=moderator)
    post_as(thread, "", "From a reader.", user=rosa)
    post_as(thread, "John", "From a guest.")
    page = client.get(comments_url(thread)).json()
    assert [(c["author"]["name"], c["author"]["badge"]) for c in page["comments"]] == [
        ("Mara Editor", "author"),
        ("Moe Moderator", "moderator"),
        ("Rosa Lima", ""),
        ("John", ""),
    ]


# -- query counts ---------------------------------------------------------------------------------


def _fill(thread, count: int, post_as) -> None:
    """`count` comments: every third one replies to the previous top-level comment."""
    top = None
    for n in range(count):
        if n % 3 == 2 and top is not None:
            post_as(thread, f"Reader {n}", f"Reply number {n}.", parent=top)
        else:
            top = post_as(thread, f"Reader {n}", f"Comment number {n}.")


@pytest.mark.parametrize("sort", ["oldest", "newest", "replies"])
def test_a_page_costs_the_same_queries_for_10_or_300_comments(
    client, thread, other_post, post_as, no_rate_limit, django_assert_num_queries, sort
):
    small, large = thread, other_post.thread
    _fill(small, 10, post_as)
    _fill(large, 300, post_as)
    for each, expected in ((small, 10), (large, 300)):
        # the thread's version (the cache key), the thread and its post, one ordered page
        with django_assert_num_queries(3):
            response = client.get(f"{comments_url(each)}?sort={sort}&limit=1000")
        assert len(response.json()["comments"]) == expected
        with django_assert_num_queries(3):
            response = client.get(f"{comments_url(each)}?sort={sort}&limit=50&offset=5")
        assert len(response.json()["comments"]) == min(50, expected - 5)


# -- cache and ETag -------------------------------------------------------------------------------


def test_list_is_cached_per_thread_version_and_has_an_etag(
    client, thread, post_as, django_assert_num_queries
):
    post_as(thread, "John", "Hello.")
    first = client.get(comments_url(thread))
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    with django_assert_num_queries(1):  # only the thread's version; the page comes from the cache
        again = client.get(comments_url(thread))
    assert again.content == first.content and again["ETag"] == etag

    not_modified = client.get(comments_url(thread), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag

    other_page = client.get(comments_url(thread) + "?sort=newest")
    assert other_page["ETag"] != etag
    assert (
        client.get(
            comments_url(thread) + "?sort=newest", headers={"If-None-Match": etag}
        ).status_code
        == 200
    )


def test_new_comment_edit_and_delete_each_invalidate_the_list(client, thread, post_as):
    url = comments_url(thread)
    john = post_json(client, url, {"name": "John", "body": "First version."}).json()
    seen = [client.get(url)]
    assert names(seen[-1].json()) == ["John"]

    # a new comment
    post_json(
        client,
        url,
        {"name": "Ana", "body": "Another.", "parent_id": john["id"]},
        REMOTE_ADDR="203.0.113.7",
    )
    seen.append(client.get(url, headers={"If-None-Match": seen[-1]["ETag"]}))
    assert seen[-1].status_code == 200
    assert names(seen[-1].json()) == ["John", "Ana"]

    # an edit
    edited = patch_json(
        client,
        f"{API}/comments/{john['id']}",
        {"body": "Second version."},
        headers={"X-Edit-Token": john["edit_token"]},
    )
    assert edited.status_code == 200
    seen.append(client.get(url, headers={"If-None-Match": seen[-1]["ETag"]}))
    assert seen[-1].status_code == 200
    assert "Second version." in seen[-1].json()["comments"][0]["body_html"]

    # a delete (John's comment has a reply: it becomes a placeholder)
    deleted = client.delete(
        f"{API}/comments/{john['id']}", headers={"X-Edit-Token": john["edit_token"]}
    )
    assert deleted.status_code == 204
    seen.append(client.get(url, headers={"If-None-Match": seen[-1]["ETag"]}))
    assert seen[-1].status_code == 200
    assert seen[-1].json()["comments"][0]["status"] == "deleted"

    etags = [response["ETag"] for response in seen]
    assert len(set(etags)) == len(etags), etags


def test_if_none_match_with_a_list_of_etags_or_a_weak_etag_gives_304(client, thread, post_as):
    """RFC 9110 allows a list of ETags and weak comparison (a proxy that compresses the
    answer weakens its ETag to W/"...")."""
    post_as(thread, "John", "Hello.")
    etag = client.get(comments_url(thread))["ETag"]
    assert (
        client.get(comments_url(thread), headers={"If-None-Match": f'"stale", {etag}'}).status_code
        == 304
    )
    assert (
        client.get(comments_url(thread), headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-pass-1234")


def _admin_save(admin: Client, comment, **changes):
    fields = {
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_website": comment.author_website,
        "status": comment.status,
        "body": comment.body,
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    response = admin.post(f"/admin/discussion/comment/{comment.pk}/change/", {**fields, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_comment_rejected_in_the_admin_leaves_the_list(client, thread, post_as, superuser):
    """A status changed in the admin goes through the actions: count and caches follow."""
    kept = post_as(thread, "Ana", "Fair point.")
    spam = post_as(thread, "Spammer", "Buy cheap watches.")
    first = client.get(comments_url(thread))
    assert len(first.json()["comments"]) == 2
    admin = Client()
    admin.force_login(superuser)
    _admin_save(admin, spam, status="rejected")

    again = client.get(comments_url(thread), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200, "the list changed, so its ETag must change"
    assert [c["id"] for c in again.json()["comments"]] == [kept.pk]
    assert client.get(f"{API}/threads/{thread.pk}").json()["comment_count"] == 1
    assert "Buy cheap watches" not in Client().get("/posts/lastovo/").content.decode()


def test_body_corrected_in_the_admin_is_what_readers_see(client, thread, post_as, superuser):
    """A body corrected in the admin is re-rendered (body_html is what every page shows)."""
    comment = post_as(thread, "John", "My phone number is 555-0100.")
    client.get(comments_url(thread))
    admin = Client()
    admin.force_login(superuser)
    _admin_save(admin, comment, body="[number removed by a moderator]")
    shown = client.get(f"{API}/comments/{comment.pk}").json()["body_html"]
    assert "555-0100" not in shown
    assert "555-0100" not in client.get(comments_url(thread)).content.decode()


# -- posting --------------------------------------------------------------------------------------


def test_guest_posts_and_gets_location_the_comment_and_an_edit_token(client, thread):
    from parley.discussion.models import Comment

    response = post_json(
        client,
        comments_url(thread),
        {
            "name": "John Smith",
            "email": "john@example.org",
            "website": "example.org/john",
            "body": "The *noon* opening is good.",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    comment = Comment.objects.get()
    assert response["Location"] == f"/c/{comment.pk}/"
    assert data["id"] == comment.pk and data["thread_id"] == thread.pk
    assert data["author"] == {
        "name": "John Smith",
        "website": "https://example.org/john",
        "badge": "",
    }
    assert "email" not in json.dumps(data), "the e-mail address is never shown"
    assert data["body"] == "The *noon* opening is good."
    assert data["body_html"] == "<p>The <em>noon</em> opening is good.</p>\n"
    assert data["edit_token"]
    assert (data["status"], data["depth"], data["parent_id"], data["quotes"]) == (
        "published",
        0,
        None,
        [],
    )
    assert client.get(f"{API}/threads/{thread.pk}").json()["comment_count"] == 1
    assert client.get(response["Location"]).status_code == 302  # the permalink finds it


def test_logged_in_reader_posts_under_their_account_without_an_edit_token(
    csrf_client, thread, rosa
):
    csrf_client.force_login(rosa)
    response = post_json(
        csrf_client,
        comments_url(thread),
        {"name": "Somebody Else", "body": "Signed in."},
        headers={"X-CSRFToken": csrf_client.csrf_token()},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"]["name"] == "Rosa Lima"
    assert data.get("edit_token") is None


def test_logged_in_post_without_csrf_token_is_refused(csrf_client, thread, rosa):
    csrf_client.force_login(rosa)
    with stores_nothing():
        assert_error(
            post_json(csrf_client, comments_url(thread), {"body": "No token."}),
            403,
            "CSRF token",
            code="csrf",
        )


def test_reply_with_parent_id(client, thread, post_as):
    parent = post_as(thread, "Ana", "Will the trucks go first?")
    response = post_json(
        client, comments_url(thread), {"name": "Ben", "body": "Yes.", "parent_id": parent.pk}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["parent_id"], data["depth"]) == (parent.pk, 1)
    assert client.get(f"{API}/comments/{parent.pk}").json()["reply_count"] == 1


def test_quotes_of_a_comment_and_a_document_come_back_as_structure(client, thread, post_as):
    source = post_as(thread, "Ana Petrov", "The trucks will go first, as agreed.")
    body = (
        f":::quote comment {source.pk}\nthe trucks will go first\n:::\n\n"
        "Good news for the drivers.\n\n"
        ":::quote document letter\nwill reopen on Monday at noon\n:::\n\n"
        "That matches the letter."
    )
    response = post_json(client, comments_url(thread), {"name": "Ben", "body": body})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["quotes"] == [
        {
            "comment_id": source.pk,
            "document": None,
            "passage": None,
            "excerpt": "the trucks will go first",
        },
        {
            "comment_id": None,
            "document": "letter",
            "passage": 2,
            "excerpt": "will reopen on Monday at noon",
        },
    ]
    assert f'data-comment="{source.pk}"' in data["body_html"]
    assert 'data-document="letter"' in data["body_html"]
    assert "/posts/lastovo/#letter-p2" in data["body_html"]
    assert client.get(f"{API}/comments/{data['id']}").json()["quotes"] == data["quotes"]


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "status", "message", "field"),
    [
        ({"name": "John", "body": ""}, 400, "the comment is empty", "body"),
        ({"name": "John", "body": "   \n\t  \n"}, 400, "the comment is empty", "body"),
        ({"name": "John", "body": "\u200b\u00a0\u2003"}, 400, "the comment is empty", "body"),
        ({"name": "John", "body": "x" * 10_001}, 400, "the limit is 10,000", "body"),
        ({"body": "Who am I?"}, 400, "Give a name to comment as a guest", "name"),
        ({"name": "   ", "body": "Who am I?"}, 400, "Give a name to comment as a guest", "name"),
        (
            {"name": "John", "body": "Hi", "website": "javascript:alert(1)"},
            400,
            "The website must be an http or https address",
            "website",
        ),
        (
            {"name": "John", "body": "Hi", "website": "JaVaScRiPt://alert(1)"},
            400,
            "The website must be an http or https address",
            "website",
        ),
        (
            {"name": "John", "body": "Hi", "parent_id": 987654},
            400,
            "The comment you are replying to is not in this discussion, or was removed.",
            "parent_id",
        ),
        (
            {"name": "John", "body": ":::quote comment 987654\nsome words\n:::\n\nMy point."},
            400,
            "You quoted comment #987654, which does not exist in this discussion",
            "body",
        ),
        (
            {"name": "John", "body": ":::quote document dues\nThe dues rise\n:::\n\nMy point."},
            400,
            "You quoted a document (“dues”) that is not part of this post.",
            "body",
        ),
        (
            {"name": "John", "body": ":::quote document letter\nwords never written\n:::\n\nHm."},
            400,
            "The words you quoted do not appear in “Letter to the Minister”",
            "body",
        ),
        ({"name": "John", "body": "Hi", "rating": 5}, 400, "Unknown field “rating”", "rating"),
    ],
)
def test_bad_comment_is_refused_with_a_message_and_nothing_stored(
    client, thread, other_post, payload, status, message, field
):
    with stores_nothing():
        data = assert_error(post_json(client, comments_url(thread), payload), status, message)
    assert data.get("field") == field


def test_missing_body_field_names_the_body(client, thread):
    """The message names the missing field, even when that field is called "body"."""
    with stores_nothing():
        data = assert_error(
            post_json(client, comments_url(thread), {"name": "John"}),
            400,
            "The field “body” is required.",
        )
    assert data["field"] == "body"


def test_body_over_the_limit_states_the_limit(client, thread, settings):
    settings.PARLEY_COMMENT_MAX_LENGTH = 500
    with stores_nothing():
        data = assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": "y" * 501}),
            400,
            "501 characters long; the limit is 500",
            code="too_long",
        )
    assert data["field"] == "body"
    assert (
        post_json(client, comments_url(thread), {"name": "John", "body": "y" * 500}).status_code
        == 201
    )


def test_parent_from_another_thread_is_refused(client, thread, other_post, post_as):
    elsewhere = post_as(other_post.thread, "Ana", "About the harbour.")
    with stores_nothing():
        data = assert_error(
            post_json(
                client,
                comments_url(thread),
                {"name": "John", "body": "Hi", "parent_id": elsewhere.pk},
            ),
            400,
            "The comment you are replying to is not in this discussion, or was removed.",
            code="bad_parent",
        )
    assert data["field"] == "parent_id"


def test_quote_of_a_comment_in_another_thread_is_refused(client, thread, other_post, post_as):
    elsewhere = post_as(other_post.thread, "Ana", "The dues are too high.")
    body = f":::quote comment {elsewhere.pk}\nThe dues are too high\n:::\n\nAgreed."
    with stores_nothing():
        assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": body}),
            400,
            f"You quoted comment #{elsewhere.pk}, which does not exist in this discussion",
            code="quote_missing",
        )


def test_quote_whose_words_are_not_in_the_quoted_comment_is_refused(client, thread, post_as):
    source = post_as(thread, "Ana", "The crossing opens at noon.")
    body = f":::quote comment {source.pk}\nThe crossing stays closed\n:::\n\nReally?"
    with stores_nothing():
        assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": body}),
            400,
            f"The words you quoted do not appear in comment #{source.pk}",
            code="quote_mismatch",
        )


def test_comment_on_a_closed_thread_is_forbidden(client, thread):
    from parley.discussion.actions import set_thread_open

    set_thread_open(thread, False)
    with stores_nothing():
        assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": "Late."}),
            403,
            "This discussion is closed: no new comments can be posted.",
            code="thread_closed",
        )


@pytest.mark.parametrize(
    "raw", ['{"name": "John", "body": ', "{'body': 'single quotes'}", "nul\x00l"]
)
def test_malformed_json_is_refused(client, thread, raw):
    with stores_nothing():
        assert_error(
            client.post(comments_url(thread), data=raw, content_type="application/json"),
            400,
            "The request body is not valid JSON.",
        )


def test_json_that_is_not_an_object_is_refused(client, thread):
    with stores_nothing():
        assert_error(
            client.post(comments_url(thread), data="[1, 2]", content_type="application/json"), 400
        )


def test_form_encoded_body_is_415(client, thread):
    with stores_nothing():
        assert_error(
            client.post(comments_url(thread), data={"name": "John", "body": "Hi"}),
            415,
            "Content-Type: application/json",
            code="unsupported_media_type",
        )


def test_json_sent_with_another_content_type_is_415(client, thread):
    """JSON sent under another content type is refused as such (415)."""
    with stores_nothing():
        response = client.post(
            comments_url(thread),
            data=json.dumps({"name": "John", "body": "Hi"}),
            content_type="text/plain",
        )
        assert_error(response, 415, "Content-Type: application/json", code="unsupported_media_type")


def test_request_body_over_256_kb_is_413(client, thread):
    with stores_nothing():
        assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": "z" * (257 * 1024)}),
            413,
            "too large",
            "256 KB",
            code="too_large",
        )


def test_over_long_idempotency_key_is_refused(client, thread):
    with stores_nothing():
        assert_error(
            post_json(
                client,
                comments_url(thread),
                {"name": "John", "body": "Hi"},
                headers={"Idempotency-Key": "k" * 201},
            ),
            400,
            "Idempotency-Key is limited to 200 characters",
        )


# -- idempotency ----------------------------------------------------------------------------------


def test_retry_with_the_same_key_and_body_returns_the_first_comment(client, thread):
    from parley.discussion.models import Comment

    payload = {"name": "John", "body": "Sent over a bad connection."}
    key = {"Idempotency-Key": "4c1f2a1e-retry"}
    first = post_json(client, comments_url(thread), payload, headers=key)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    with stores_nothing():
        retry = post_json(client, comments_url(thread), payload, headers=key)
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Location"] == first["Location"]
    assert Comment.objects.count() == 1


def test_same_key_with_another_body_is_409(client, thread):
    key = {"Idempotency-Key": "4c1f2a1e-conflict"}
    assert (
        post_json(
            client, comments_url(thread), {"name": "John", "body": "One."}, headers=key
        ).status_code
        == 201
    )
    with stores_nothing():
        assert_error(
            post_json(client, comments_url(thread), {"name": "John", "body": "Two."}, headers=key),
            409,
            "This Idempotency-Key was already used for a different comment",
            "Use a new key",
            code="idempotency_conflict",
        )


def test_same_key_from_another_client_is_another_comment(client, thread):
    from parley.discussion.models import Comment

    payload = {"name": "John", "body": "Same words, two people."}
    key = {"Idempotency-Key": "shared-key"}
    first = post_json(
        client, comments_url(thread), payload, headers=key, REMOTE_ADDR="198.51.100.1"
    )
    second = post_json(
        client, comments_url(thread), payload, headers=key, REMOTE_ADDR="198.51.100.2"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert first.json()["id"] != second.json()["id"]
    assert Comment.objects.count() == 2


# -- editing and deleting -------------------------------------------------------------------------


def test_guest_edits_with_the_token_and_the_revision_is_kept(client, thread):
    posted = post_json(client, comments_url(thread), {"name": "John", "body": "Noon, I think."})
    data = posted.json()
    response = patch_json(
        client,
        f"{API}/comments/{data['id']}",
        {"body": "Noon, confirmed."},
        headers={"X-Edit-Token": data["edit_token"]},
    )
    assert response.status_code == 200, response.content
    edited = response.json()
    assert edited["body"] == "Noon, confirmed."
    assert edited["edited_at"] is not None
    revisions = client.get(f"{API}/comments/{data['id']}/revisions").json()
    assert [r["body"] for r in revisions] == ["Noon, I think."]
    assert revisions[0]["body_html"] == "<p>Noon, I think.</p>\n"


def test_guest_edit_needs_no_csrf_token(csrf_client, thread):
    posted = post_json(csrf_client, comments_url(thread), {"name": "John", "body": "Draft."}).json()
    response = patch_json(
        csrf_client,
        f"{API}/comments/{posted['id']}",
        {"body": "Final."},
        headers={"X-Edit-Token": posted["edit_token"]},
    )
    assert response.status_code == 200, response.content


def test_the_token_of_one_comment_does_not_open_another(client, thread):
    mine = post_json(client, comments_url(thread), {"name": "John", "body": "Mine."}).json()
    theirs = post_json(
        client, comments_url(thread), {"name": "Ana", "body": "Hers."}, REMOTE_ADDR="203.0.113.5"
    ).json()
    with stores_nothing():
        assert_error(
            patch_json(
                client,
                f"{API}/comments/{theirs['id']}",
                {"body": "Hacked."},
                headers={"X-Edit-Token": mine["edit_token"]},
            ),
            403,
            "Only the comment's author can change it, within 15 minutes of posting.",
            code="not_author",
        )
        assert_error(
            client.delete(
                f"{API}/comments/{theirs['id']}", headers={"X-Edit-Token": mine["edit_token"]}
            ),
            403,
            "Only the comment's author can change it, within 15 minutes of posting.",
        )
        assert_error(
            patch_json(client, f"{API}/comments/{theirs['id']}", {"body": "Hacked."}),
            403,
            "Only the comment's author can change it, within 15 minutes of posting.",
        )
        assert_error(
            patch_json(
                client,
                f"{API}/comments/{theirs['id']}",
                {"body": "Hacked."},
                headers={"X-Edit-Token": "not-a-token"},
            ),
            403,
            "Only the comment's author can change it, within 15 minutes of posting.",
        )
    assert client.get(f"{API}/comments/{theirs['id']}").json()["body"] == "Hers."


def test_after_the_edit_window_the_guest_can_no_longer_edit_or_delete(client, thread, settings):
    from parley.discussion import tokens
    from parley.discussion.actions import post_comment

    settings.PARLEY_EDIT_WINDOW_SECONDS = 120
    old = post_comment(
        thread,
        commenter=guest("John", client="ip:127.0.0.1"),
        body="Written a while ago.",
        created_at=timezone.now() - timedelta(seconds=121),
    )
    token = tokens.make(old.pk)  # what the POST answered with, back then
    with stores_nothing():
        assert_error(
            patch_json(
                client,
                f"{API}/comments/{old.pk}",
                {"body": "Too late."},
                headers={"X-Edit-Token": token},
            ),
            403,
            "Comments can be changed for 2 minutes after posting; that time has passed.",
            code="edit_window_closed",
        )
        assert_error(
            client.delete(f"{API}/comments/{old.pk}", headers={"X-Edit-Token": token}),
            403,
            "that time has passed",
        )
    assert client.get(f"{API}/comments/{old.pk}/revisions").json() == []


def test_window_message_counts_minutes_properly(client, thread, settings):
    """The window is counted in words that fit: "1 minute", "30 seconds"."""
    from parley.discussion import tokens
    from parley.discussion.actions import post_comment

    settings.PARLEY_EDIT_WINDOW_SECONDS = 60
    old = post_comment(
        thread,
        commenter=guest("John"),
        body="Old.",
        created_at=timezone.now() - timedelta(minutes=5),
    )
    assert_error(
        patch_json(
            client,
            f"{API}/comments/{old.pk}",
            {"body": "New."},
            headers={"X-Edit-Token": tokens.make(old.pk)},
        ),
        403,
        "Comments can be changed for 1 minute after posting",
    )
    settings.PARLEY_EDIT_WINDOW_SECONDS = 30
    data = assert_error(
        patch_json(
            client,
            f"{API}/comments/{old.pk}",
            {"body": "New."},
            headers={"X-Edit-Token": tokens.make(old.pk)},
        ),
        403,
    )
    assert "0 minutes" not in data["message"], data["message"]


def test_within_the_window_an_old_enough_comment_can_still_be_edited(client, thread, settings):
    from parley.discussion import tokens
    from parley.discussion.actions import post_comment

    settings.PARLEY_EDIT_WINDOW_SECONDS = 120
    recent = post_comment(
        thread,
        commenter=guest("John"),
        body="Written just now.",
        created_at=timezone.now() - timedelta(seconds=100),
    )
    response = patch_json(
        client,
        f"{API}/comments/{recent.pk}",
        {"body": "Still in time."},
        headers={"X-Edit-Token": tokens.make(recent.pk)},
    )
    assert response.status_code == 200, response.content


def test_logged_in_author_edits_through_the_session_with_the_csrf_token(csrf_client, thread, rosa):
    csrf_client.force_login(rosa)
    token = {"X-CSRFToken": csrf_client.csrf_token()}
    posted = post_json(
        csrf_client, comments_url(thread), {"body": "Rosa's first take."}, headers=token
    ).json()
    url = f"{API}/comments/{posted['id']}"
    with stores_nothing():
        assert_error(
            patch_json(csrf_client, url, {"body": "No CSRF."}), 403, "CSRF token", code="csrf"
        )
        assert_error(csrf_client.delete(url), 403, "CSRF token", code="csrf")
    response = patch_json(csrf_client, url, {"body": "Rosa's second take."}, headers=token)
    assert response.status_code == 200, response.content
    assert response.json()["body"] == "Rosa's second take."
    assert [r["body"] for r in csrf_client.get(f"{url}/revisions").json()] == ["Rosa's first take."]


def test_another_account_cannot_edit_a_readers_comment(client, thread, rosa, editor, post_as):
    comment = post_as(thread, "", "Rosa's words.", user=rosa)
    client.force_login(editor)  # staff, but not a moderator
    with stores_nothing():
        assert_error(
            patch_json(client, f"{API}/comments/{comment.pk}", {"body": "Edited."}),
            403,
            "Only the comment's author can change it, within 15 minutes of posting.",
        )


def test_moderator_may_edit_any_comment_after_the_window(client, thread, moderator, settings):
    from parley.discussion.actions import post_comment

    settings.PARLEY_EDIT_WINDOW_SECONDS = 60
    old = post_comment(
        thread,
        commenter=guest("John"),
        body="Rude words.",
        created_at=timezone.now() - timedelta(hours=2),
    )
    client.force_login(moderator)
    response = patch_json(client, f"{API}/comments/{old.pk}", {"body": "[removed by moderator]"})
    assert response.status_code == 200, response.content


def test_edit_refuses_an_empty_body_and_changes_nothing(client, thread):
    posted = post_json(client, comments_url(thread), {"name": "John", "body": "Keep me."}).json()
    with stores_nothing():
        assert_error(
            patch_json(
                client,
                f"{API}/comments/{posted['id']}",
                {"body": "  "},
                headers={"X-Edit-Token": posted["edit_token"]},
            ),
            400,
            "the comment is empty",
            code="empty",
        )


def test_delete_of_a_comment_with_replies_leaves_a_placeholder(client, thread):
    from parley.discussion.models import Comment

    parent = post_json(client, comments_url(thread), {"name": "John", "body": "Parent."}).json()
    post_json(
        client,
        comments_url(thread),
        {"name": "Ana", "body": "Reply.", "parent_id": parent["id"]},
        REMOTE_ADDR="203.0.113.5",
    )
    response = client.delete(
        f"{API}/comments/{parent['id']}", headers={"X-Edit-Token": parent["edit_token"]}
    )
    assert response.status_code == 204
    assert Comment.objects.count() == 2
    placeholder = client.get(f"{API}/comments/{parent['id']}").json()
    assert placeholder["status"] == "deleted"
    assert (placeholder["body"], placeholder["body_html"], placeholder["author"]["name"]) == (
        "",
        "",
        "",
    )
    assert client.get(f"{API}/threads/{thread.pk}").json()["comment_count"] == 1
    assert_error(
        patch_json(
            client,
            f"{API}/comments/{parent['id']}",
            {"body": "Back."},
            headers={"X-Edit-Token": parent["edit_token"]},
        ),
        400,
        "This comment was deleted.",
    )


def test_delete_of_a_comment_without_replies_removes_it(client, thread):
    from parley.discussion.models import Comment

    posted = post_json(client, comments_url(thread), {"name": "John", "body": "Oops."}).json()
    response = client.delete(
        f"{API}/comments/{posted['id']}", headers={"X-Edit-Token": posted["edit_token"]}
    )
    assert response.status_code == 204
    assert Comment.objects.count() == 0
    assert_error(client.get(f"{API}/comments/{posted['id']}"), 404, "There is no comment number")
    assert client.get(comments_url(thread)).json()["comments"] == []
    assert client.get(f"{API}/threads/{thread.pk}").json()["comment_count"] == 0


# -- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_document_lists_every_path_with_its_methods(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = {
        path: set(methods) & {"get", "post", "patch", "put", "delete"}
        for path, methods in response.json()["paths"].items()
    }
    assert paths == {
        f"{API}/posts/{{slug}}": {"get"},
        f"{API}/threads/{{thread_id}}": {"get"},
        f"{API}/threads/{{thread_id}}/comments": {"get", "post"},
        f"{API}/comments/{{comment_id}}": {"get", "patch", "delete"},
        f"{API}/comments/{{comment_id}}/revisions": {"get"},
        f"{API}/search": {"get"},
        f"{API}/comments/{{comment_id}}/vote": {"post"},
        f"{API}/comments/{{comment_id}}/flags": {"post"},
        f"{API}/people/{{id}}": {"get"},
        f"{API}/embed/thread": {"get", "post"},
        f"{API}/embed/counts": {"get"},
        f"{API}/embed/sso": {"post"},
        f"{API}/embed/token": {"delete"},
    }
    create = response.json()["paths"][f"{API}/threads/{{thread_id}}/comments"]["post"]
    assert {"201", "400", "403", "404", "409", "429"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


# -- rate limit -----------------------------------------------------------------------------------


def _away_from_a_window_edge(period: int) -> None:
    """The limit counts in fixed windows; start well inside one so four posts share it."""
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)


def test_fourth_comment_in_the_window_is_429_with_retry_after(client, thread, settings):
    from parley.discussion.models import Comment

    settings.PARLEY_COMMENT_RATE = (3, 60)
    _away_from_a_window_edge(60)
    for n in range(3):
        assert (
            post_json(
                client, comments_url(thread), {"name": "John", "body": f"Comment {n}."}
            ).status_code
            == 201
        )
    with stores_nothing():
        response = post_json(client, comments_url(thread), {"name": "John", "body": "One more."})
    data = assert_error(response, 429, "You are posting too fast", code="rate_limited")
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    assert f"Try again in {wait} seconds." in data["message"]
    assert data["retry_after"] == wait
    assert Comment.objects.count() == 3

    other = post_json(
        client, comments_url(thread), {"name": "Ana", "body": "Mine."}, REMOTE_ADDR="203.0.113.44"
    )
    assert other.status_code == 201, "another client is not affected"


def test_idempotent_retry_is_not_counted_against_the_limit(client, thread, settings):
    settings.PARLEY_COMMENT_RATE = (3, 60)
    _away_from_a_window_edge(60)
    payload = {"name": "John", "body": "Retried many times."}
    for _ in range(5):
        response = post_json(
            client, comments_url(thread), payload, headers={"Idempotency-Key": "flaky-network"}
        )
        assert response.status_code == 201


def test_moderator_is_not_rate_limited(client, thread, moderator, settings):
    settings.PARLEY_COMMENT_RATE = (3, 60)
    client.force_login(moderator)
    for n in range(6):
        assert (
            post_json(client, comments_url(thread), {"body": f"Moderation note {n}."}).status_code
            == 201
        )
