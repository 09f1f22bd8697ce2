"""CSRF on the HTML form, security headers on every kind of page, guests' edit cookies, and the
form's error path: refused comments re-render the page with the message and the typed text."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.security.pages import assert_safe, scan

pytestmark = pytest.mark.django_db

FORM = "/posts/lastovo/comments/"


def _state() -> tuple:
    from parley.discussion.models import Comment, Revision, Thread

    return (
        Comment.objects.count(),
        Revision.objects.count(),
        sorted(Thread.objects.values_list("pk", "version", "comment_count")),
        sorted(Comment.objects.values_list("pk", "body", "status")),
    )


def form_token(page_html: str) -> str:
    """The token of the page's forms (the comment form and the language picker share it)."""
    tokens = {f.attrs["value"] for f in scan(page_html).find("input", name="csrfmiddlewaretoken")}
    [token] = tokens
    return token


# -- CSRF -----------------------------------------------------------------------------------------


def test_form_post_without_csrf_token_gets_the_friendly_page_and_stores_nothing(dossier):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/posts/lastovo/")  # has the cookie, but the post below omits the token
    before = _state()
    response = browser.post(FORM, {"name": "John", "body": "Forged from another site."})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be accepted" in html
    assert "Nothing was stored" in html and "reload the page and send it again" in html
    assert_safe(html, "CSRF failure page")
    assert _state() == before


def test_form_post_with_a_forged_token_is_refused(dossier):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/posts/lastovo/")
    before = _state()
    response = browser.post(
        FORM, {"name": "John", "body": "Forged.", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert "This form could not be accepted" in response.content.decode()
    assert _state() == before


def test_form_post_with_the_token_is_stored(dossier):
    from parley.discussion.models import Comment

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/posts/lastovo/")
    response = browser.post(
        FORM,
        {
            "name": "John",
            "body": "With the token.",
            "csrfmiddlewaretoken": form_token(page.content.decode()),
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"] == f"/c/{comment.pk}/"
    assert (comment.author_name, comment.body) == ("John", "With the token.")


def test_logged_in_form_post_needs_the_token_too(dossier, rosa):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rosa)
    browser.get("/posts/lastovo/")
    before = _state()
    assert browser.post(FORM, {"body": "Forged for Rosa."}).status_code == 403
    assert _state() == before


def test_edit_and_delete_forms_need_the_token(dossier):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/posts/lastovo/")
    browser.post(
        FORM,
        {"name": "John", "body": "Mine.", "csrfmiddlewaretoken": form_token(page.content.decode())},
    )
    from parley.discussion.models import Comment

    pk = Comment.objects.get().pk
    before = _state()
    assert browser.post(f"/c/{pk}/edit/", {"body": "Forged edit."}).status_code == 403
    assert browser.post(f"/c/{pk}/delete/").status_code == 403
    assert _state() == before


# -- headers --------------------------------------------------------------------------------------


@pytest.fixture
def one_comment(dossier, post_as):
    return post_as(dossier.thread, "John", "Hello.")


PAGES = [
    "/",
    "/posts/lastovo/",
    "/posts/lastovo/?partial=1",
    "/posts/lastovo/comments/{pk}/",
    "/c/{pk}/history/",
    "/c/{pk}/edit/",
    "/login/",
    "/signup/",
    "/posts/no-such-post/",
    "/api/v1/threads/{thread}/comments",
    "/api/v1/openapi.json",
    "/admin/login/",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_kind_of_page(client, one_comment, url):
    response = client.get(url.format(pk=one_comment.pk, thread=one_comment.thread_id))
    assert response.status_code in (200, 403, 404), response.status_code
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"], csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_csrf_failure_page_has_the_headers_too(dossier):
    response = Client(enforce_csrf_checks=True).post(FORM, {"name": "John", "body": "x"})
    assert response.status_code == 403
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_pages_load_only_the_sites_own_script(client, one_comment):
    for url in (
        "/",
        "/posts/lastovo/",
        f"/posts/lastovo/comments/{one_comment.pk}/",
        f"/c/{one_comment.pk}/history/",
        "/login/",
    ):
        page = assert_safe(client.get(url).content, url)
        assert [e.attrs["src"] for e in page.find("script")] == ["/static/parley/parley.js"], url


# -- guests' edit cookies -------------------------------------------------------------------------


def _post_as_guest(browser: Client, name: str, body: str) -> int:
    response = browser.post(FORM, {"name": name, "body": body})
    assert response.status_code == 302, response.content.decode()[:2000]
    return int(re.fullmatch(r"/c/(\d+)/", response["Location"])[1])


def test_edit_cookie_is_http_only_and_same_site(dossier):
    browser = Client()
    browser.post(FORM, {"name": "John", "body": "Hello."})
    cookie = browser.cookies["parley_edit"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 15 * 60


def test_edit_cookie_of_comment_a_does_not_open_comment_b(dossier):
    from parley.discussion.models import Revision

    john, ana = Client(), Client()
    a = _post_as_guest(john, "John", "John's comment.")
    b = _post_as_guest(ana, "Ana", "Ana's comment.")

    own = john.get(f"/c/{a}/edit/")
    assert own.status_code == 200

    page = john.get(f"/c/{b}/edit/")
    assert page.status_code == 403
    assert "You cannot edit this comment" in page.content.decode()
    assert "Only the comment&#x27;s author can change it, within 15 minutes of posting." in (
        page.content.decode()
    )

    before = _state()
    attempt = john.post(f"/c/{b}/edit/", {"body": "John rewrote Ana."})
    assert attempt.status_code == 403
    assert (
        "Only the comment&#x27;s author can change it, within 15 minutes of posting."
        in attempt.content.decode()
    )
    assert john.get(f"/c/{b}/delete/").status_code == 403
    removal = john.post(f"/c/{b}/delete/")
    assert removal.status_code == 403
    assert "The comment was not deleted" in removal.content.decode()
    assert _state() == before
    assert Revision.objects.count() == 0

    # a cookie carrying both tokens still opens only the comments it names
    john.cookies["parley_edit"] = john.cookies["parley_edit"].value + " not-a-token"
    assert john.get(f"/c/{b}/edit/").status_code == 403
    assert john.post(f"/c/{a}/edit/", {"body": "John's comment, corrected."}).status_code == 302


def test_thread_page_shows_edit_links_only_for_the_guests_own_comments(dossier):
    john, ana = Client(), Client()
    a = _post_as_guest(john, "John", "John's comment.")
    b = _post_as_guest(ana, "Ana", "Ana's comment.")
    page = scan(john.get("/posts/lastovo/").content)
    edit_links = [e.attrs["href"] for e in page.with_class("edit")]
    assert edit_links == [f"/c/{a}/edit/"]
    assert f"/c/{b}/edit/" not in edit_links
    assert scan(Client().get("/posts/lastovo/").content).with_class("edit") == []


# -- the form's error path ------------------------------------------------------------------------


def _refused(browser: Client, data: dict, status: int, message: str):
    before = _state()
    response = browser.post(FORM, data)
    assert response.status_code == status, response.status_code
    assert _state() == before, "a refused comment stores nothing"
    page = assert_safe(response.content, "re-rendered post page")
    errors = [e.text for e in page.find("p", id="form-error")]
    assert errors and message in errors[0], errors
    [textarea] = page.find("textarea", name="body")
    assert textarea.text.replace("\r\n", "\n") == data["body"], "the typed text is kept"
    if "name" in data:
        [name] = page.find("input", name="name")
        assert name.attrs["value"] == data["name"]
    return page


def test_empty_body_re_renders_with_the_message(client, dossier):
    page = _refused(
        client,
        {"name": "John", "website": "example.org", "body": "  \n  "},
        400,
        "Write something before posting: the comment is empty.",
    )
    [textarea] = page.find("textarea", name="body")
    assert textarea.attrs.get("aria-invalid") == "true"
    [website] = page.find("input", name="website")
    assert website.attrs["value"] == "example.org"


def test_oversized_body_re_renders_with_the_limit_and_the_text(client, dossier):
    body = "The crossing matters. " * 460  # 10,120 characters
    _refused(
        client,
        {"name": "John", "body": body},
        400,
        f"The comment is {len(body):,} characters long; the limit is 10,000.",
    )


def test_missing_name_re_renders_with_the_message(client, dossier):
    page = _refused(
        client,
        {"name": "", "body": "Who wrote this?"},
        400,
        "Give a name to comment as a guest, or log in.",
    )
    [name] = page.find("input", name="name")
    assert name.attrs.get("aria-invalid") == "true"


def test_parent_of_another_thread_re_renders_with_the_message(client, dossier, editor, post_as):
    from parley.publishing.actions import create_post

    other = create_post(slug="harbour", title="The harbour dues", author=editor)
    elsewhere = post_as(other.thread, "Ana", "About the harbour.")
    page = _refused(
        client,
        {"name": "John", "body": "A reply that went astray.", "parent_id": str(elsewhere.pk)},
        400,
        "The comment you are replying to is not in this discussion, or was removed.",
    )
    [parent] = page.find("input", name="parent_id")
    assert parent.attrs["value"] == "", "the other thread's comment is not offered as parent"


@pytest.mark.parametrize("parent_id", ["abc", "-1", "987654"])
def test_bad_parent_id_re_renders_with_the_message(client, dossier, parent_id):
    _refused(
        client,
        {"name": "John", "body": "Replying to nothing.", "parent_id": parent_id},
        400,
        "The comment you are replying to is not in this discussion, or was removed.",
    )


def test_closed_thread_re_renders_with_403_and_the_message(client, dossier):
    from parley.discussion.actions import set_thread_open

    set_thread_open(dossier.thread, False)
    page = _refused(
        client,
        {"name": "John", "body": "Too late, but I wrote it."},
        403,
        "This discussion is closed: no new comments can be posted.",
    )
    [button] = [
        e
        for e in page.find("button")
        if e.attrs.get("type") == "submit" and "button" in e.attrs.get("class", "").split()
    ]
    assert "disabled" in button.attrs


def test_rate_limited_form_post_re_renders_with_429_and_retry_after(client, dossier, settings):
    import time

    settings.PARLEY_COMMENT_RATE = (2, 60)
    if 60 - time.time() % 60 < 5:  # fixed windows: start well inside one
        time.sleep(6)
    for n in range(2):
        _post_as_guest(client, "John", f"Comment {n}.")
    before = _state()
    response = client.post(FORM, {"name": "John", "body": "A third, too fast."})
    assert response.status_code == 429
    assert _state() == before
    wait = int(response["Retry-After"])
    page = scan(response.content)
    [error] = page.find("p", id="form-error")
    assert f"Try again in {wait} seconds." in error.text
    [textarea] = page.find("textarea", name="body")
    assert textarea.text == "A third, too fast."


def test_reply_to_a_comment_awaiting_review_reveals_nothing_about_it(client, dossier, post_as):
    """A refused reply to a hidden comment says nothing about it: the page does not name its
    author, and the API gives the same answer as for a number that does not exist."""
    import json

    from parley.discussion.models import Comment

    hidden = post_as(dossier.thread, "Secret Sam", "Held for review.")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.PENDING)
    page = _refused(
        client, {"name": "John", "body": "Replying blind.", "parent_id": str(hidden.pk)}, 400, ""
    )
    assert "Secret Sam" not in page.all_text
    [parent] = page.find("input", name="parent_id")
    assert parent.attrs["value"] == ""

    def api_message(parent_id: int) -> str:
        response = client.post(
            f"/api/v1/threads/{dossier.thread.pk}/comments",
            data=json.dumps({"name": "John", "body": "Hi", "parent_id": parent_id}),
            content_type="application/json",
        )
        assert response.status_code == 400
        return response.json()["message"]

    assert api_message(hidden.pk) == api_message(987654)


# -- redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_signup_does_not_redirect_to_another_site(client, db, target):
    """Like log-in, sign-up only follows `next` to this site."""
    response = client.post(
        "/signup/",
        {
            "username": "nina",
            "display_name": "Nina",
            "email": "",
            "password1": "a-long-pass-phrase-93",
            "password2": "a-long-pass-phrase-93",
            "next": target,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_login_does_not_redirect_to_another_site(client, rosa, target):
    response = client.post(
        "/login/", {"username": "rosa", "password": "rosa-pass-1234", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
