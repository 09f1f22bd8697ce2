"""The example blog `make run` serves beside Parley: its pages over real HTTP, as a browser
gets them from another origin."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request

import pytest

from parley.demo import host_site
from parley.demo.loader import load_example_blog

pytestmark = pytest.mark.django_db(transaction=True)  # the site's thread reads the database

PARLEY = "http://127.0.0.1:8000"
SLUGS = ["harbour-ferry-timetable", "lighthouse-reopens", "feira-do-livro"]


@pytest.fixture
def blog():
    running = host_site.HostSite("127.0.0.1", 0, parley_url=PARLEY).start()
    yield running
    running.stop()


def get(url: str, host: str | None = None, method: str = "GET"):
    request = urllib.request.Request(url, method=method)  # noqa: S310  (loopback only)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def assert_no_inline_script(html: str) -> None:
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL)
    assert scripts and all(not body.strip() for body in scripts), scripts
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert not re.search(r"\son[a-z]+=", html)  # no event handler attributes either


def test_the_index_lists_the_articles_each_with_its_count_snippet(blog):
    status, headers, html = get(blog.url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    for slug in SLUGS:
        snippet = f'<a href="/articles/{slug}/#parley-thread" data-parley-count'
        assert f'{snippet} data-parley-id="example-blog-{slug}">' in html
    assert html.count("data-parley-count") == 3
    assert f'<script async src="{PARLEY}/count.js"></script>' in html
    assert "embed.js" not in html
    assert_no_inline_script(html)
    policy = headers["Content-Security-Policy"]
    assert f"script-src 'self' {PARLEY}" in policy and f"connect-src 'self' {PARLEY}" in policy
    assert "'unsafe-inline'" not in policy and "style-src 'self';" in policy


def test_an_article_embeds_its_thread_under_its_canonical_address(blog):
    status, _headers, html = get(f"{blog.url}articles/harbour-ferry-timetable/")
    assert status == 200
    assert "<h1>The harbour ferry keeps its winter timetable</h1>" in html
    canonical = f'<link rel="canonical" href="{blog.origins[0]}/articles/harbour-ferry-timetable/">'
    assert canonical in html
    assert (
        '<div data-parley-thread data-parley-id="example-blog-harbour-ferry-timetable"></div>'
        in html
    )
    assert f'<script async src="{PARLEY}/embed.js"></script>' in html
    assert "data-parley-sso" not in html and "data-parley-theme" not in html
    assert 'href="/members/harbour-ferry-timetable/"' in html
    assert_no_inline_script(html)


def test_the_canonical_address_is_the_origin_the_reader_asked_for(blog):
    other = f"localhost:{blog.port}"
    assert blog.origins == [f"http://127.0.0.1:{blog.port}", f"http://{other}"]
    _status, _headers, html = get(f"{blog.url}articles/lighthouse-reopens/", host=other)
    assert f'<link rel="canonical" href="http://{other}/articles/lighthouse-reopens/">' in html
    # A Host header the site does not answer to is not echoed into its pages.
    _status, _headers, html = get(f"{blog.url}articles/lighthouse-reopens/", host="evil.example")
    assert "evil.example" not in html
    assert f'href="{blog.origins[0]}/articles/lighthouse-reopens/"' in html


def test_the_portuguese_article_says_its_language(blog):
    _status, _headers, html = get(f"{blog.url}articles/feira-do-livro/")
    assert '<article class="story" lang="pt">' in html
    assert "A feira do livro volta à praça do mercado" in html


def test_the_theme_switch_sets_the_widgets_theme(blog):
    _status, _headers, dark = get(f"{blog.url}articles/lighthouse-reopens/?theme=dark")
    assert 'data-parley-theme="dark"' in dark and 'data-theme="dark"' in dark
    assert 'href="/articles/lighthouse-reopens/?theme=light"' in dark
    _status, _headers, light = get(f"{blog.url}articles/lighthouse-reopens/?theme=light")
    assert 'data-parley-theme="light"' in light
    _status, _headers, other = get(f'{blog.url}articles/lighthouse-reopens/?theme="><b>')
    assert "data-parley-theme" not in other and "<b>" not in other


def test_an_unknown_page_is_a_404_that_says_where_to_go(blog):
    for path in ("articles/no-such-article/", "elsewhere", "articles/feira-do-livro"):
        status, _headers, html = get(blog.url + path)
        assert status == 404, path
        assert "This blog has no page at this address." in html
        assert 'href="/"' in html


def test_head_answers_like_get_without_a_body(blog):
    status, headers, body = get(blog.url, method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 500


def test_the_stylesheet_and_the_icon_are_served(blog):
    status, headers, css = get(f"{blog.url}host.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert "prefers-color-scheme: dark" in css
    status, headers, svg = get(f"{blog.url}favicon.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert svg.startswith("<svg")
    _status, _headers, html = get(blog.url)
    assert '<link rel="icon" href="/favicon.svg"' in html


def _claims(payload: str, secret: str) -> dict:
    encoded, _dot, signature = payload.partition(".")
    expected = hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def test_a_member_page_carries_a_fresh_identity_signed_with_the_sites_secret(blog):
    site = load_example_blog(blog.origins).site
    payloads = []
    for _load in range(2):
        status, _headers, html = get(f"{blog.url}members/harbour-ferry-timetable/?theme=dark")
        assert status == 200
        assert "Signed in to Example blog as <strong>Beatriz Lopes</strong>" in html
        payloads.append(re.search(r'data-parley-sso="([^"]+)"', html)[1])
        assert 'data-parley-theme="dark"' in html
        assert_no_inline_script(html)
    first, second = (_claims(p, site.sso_secret) for p in payloads)
    assert first["id"] == "member-beatriz" and first["name"] == "Beatriz Lopes"
    assert first["email"] == "beatriz.lopes@example.org"
    assert abs(first["exp"] - (time.time() + 600)) < 30
    assert first["nonce"] != second["nonce"] and len(first["nonce"]) >= 16
    # The article's canonical address is the article's, not the member page's.
    assert f'href="{blog.origins[0]}/articles/harbour-ferry-timetable/"' in html


def test_a_member_page_says_what_to_run_when_the_site_is_not_loaded(blog):
    status, _headers, html = get(f"{blog.url}members/lighthouse-reopens/")
    assert status == 200
    assert "data-parley-sso" not in html
    assert "run `parley load_demo`" in html


def test_the_signature_is_the_one_the_contract_describes():
    payload = host_site.sign_sso("s3cret", {"id": "7", "name": "Ana"})
    encoded, signature = payload.split(".")
    assert "=" not in encoded
    assert base64.urlsafe_b64decode(encoded + "==") == b'{"id":"7","name":"Ana"}'
    assert signature == hmac.new(b"s3cret", encoded.encode(), hashlib.sha256).hexdigest()


def test_a_site_stopped_before_it_started_frees_its_port():
    unstarted = host_site.HostSite("127.0.0.1", 0, parley_url=PARLEY)
    port = unstarted.port
    unstarted.stop()
    again = host_site.HostSite("127.0.0.1", port, parley_url=PARLEY)
    again.stop()
