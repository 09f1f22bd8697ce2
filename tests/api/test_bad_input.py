"""/api/v1 refuses malformed input with a 4xx JSON answer a person can act on, never a 500,
and stores nothing: bodies that are empty, not an object, not UTF-8 or not text, and ids no
row can have."""

from __future__ import annotations

import json

import pytest

from tests.api.test_comments_api import API, assert_error, comments_url, stores_nothing

pytestmark = pytest.mark.django_db

PAST_64_BITS = 2**63  # one more than the largest id a row can have
TWENTY_DIGITS = "9" * 20


def _raw_post(client, url: str, raw: bytes):
    return client.post(url, data=raw, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"name": "John", "body": "Half a pair: \\ud800."}', "body"),
        (b'{"name": "\\udc00John", "body": "Fine text."}', "name"),
        (b'{"name": "John", "body": "Fine.", "\\ud800": 1}', None),
    ],
)
def test_a_lone_surrogate_in_the_body_is_refused(client, thread, raw, field):
    with stores_nothing():
        data = assert_error(
            _raw_post(client, comments_url(thread), raw),
            400,
            "half of a UTF-16 surrogate pair",
            "send the character itself",
            code="invalid_request",
        )
    assert data.get("field") == field
    assert "\\u" in data["message"]


def test_a_surrogate_pair_is_one_character_and_is_accepted(client, thread, no_rate_limit):
    raw = b'{"name": "John", "body": "A face: \\ud83d\\ude00"}'
    response = _raw_post(client, comments_url(thread), raw)
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "A face: \U0001f600"


def test_a_lone_surrogate_in_an_edit_is_refused(client, thread):
    posted = client.post(
        comments_url(thread),
        data=json.dumps({"name": "John", "body": "First words."}),
        content_type="application/json",
    ).json()
    with stores_nothing():
        response = client.patch(
            f"{API}/comments/{posted['id']}",
            data=b'{"body": "\\udfff"}',
            content_type="application/json",
            headers={"X-Edit-Token": posted["edit_token"]},
        )
        data = assert_error(response, 400, "surrogate", code="invalid_request")
    assert data["field"] == "body"


def test_an_empty_body_is_refused_in_words(client, thread):
    with stores_nothing():
        data = assert_error(
            _raw_post(client, comments_url(thread), b""),
            400,
            "The request body is empty",
            '{"body": "…"}',
            code="invalid_request",
        )
    assert "None" not in data["message"]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b"[1, 2]", "an array"), (b'"body"', "a string"), (b"12", "a number"), (b"null", "null")],
)
def test_json_that_is_not_an_object_says_what_to_send(client, thread, raw, kind):
    with stores_nothing():
        data = assert_error(
            _raw_post(client, comments_url(thread), raw),
            400,
            "The request body must be a JSON object",
            f"not {kind}.",
            code="invalid_request",
        )
    assert "dictionary" not in data["message"]  # pydantic's words never reach the client


def test_a_body_that_is_not_utf8_is_refused(client, thread):
    with stores_nothing():
        assert_error(
            _raw_post(client, comments_url(thread), b'{"name": "J\xe9r\xf4me", "body": "Hi"}'),
            400,
            "not UTF-8",
            code="invalid_request",
        )


@pytest.mark.parametrize("thread_id", [PAST_64_BITS, TWENTY_DIGITS, 0])
def test_a_thread_id_no_row_can_have_is_not_found(client, thread, thread_id):
    for response in (
        client.get(f"{API}/threads/{thread_id}"),
        client.get(f"{API}/threads/{thread_id}/comments"),
    ):
        assert_error(response, 404, f"There is no discussion number {thread_id}.", code="not_found")
    with stores_nothing():
        response = client.post(
            f"{API}/threads/{thread_id}/comments",
            data=json.dumps({"name": "John", "body": "Hello."}),
            content_type="application/json",
        )
        assert_error(response, 404, "There is no discussion number", code="not_found")


def test_a_comment_id_no_row_can_have_is_not_found(client, thread, post_as):
    post_as(thread, "Ana", "A comment that exists.")
    for url in (f"{API}/comments/{PAST_64_BITS}", f"{API}/comments/{PAST_64_BITS}/revisions"):
        assert_error(client.get(url), 404, f"There is no comment number {PAST_64_BITS}")
    with stores_nothing():
        response = client.delete(f"{API}/comments/{TWENTY_DIGITS}")
        assert_error(response, 404, "There is no comment number", code="not_found")


def test_a_parent_id_no_row_can_have_is_refused(client, thread):
    with stores_nothing():
        response = client.post(
            comments_url(thread),
            data=json.dumps({"name": "John", "body": "A reply.", "parent_id": PAST_64_BITS}),
            content_type="application/json",
        )
        data = assert_error(response, 400)
    assert data["field"] == "parent_id"


def test_a_website_holding_a_control_character_is_refused(client, thread):
    """A NUL would reach the database, which PostgreSQL refuses in any text column."""
    with stores_nothing():
        response = client.post(
            comments_url(thread),
            data=json.dumps(
                {"name": "John", "body": "Hi.", "website": "https://example.org/a\u0000b"}
            ),
            content_type="application/json",
        )
        data = assert_error(response, 400, "http or https address", code="bad_website")
    assert data["field"] == "website"
