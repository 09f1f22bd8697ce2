"""Markdown rendering: safe output, bare links, mentions, bounded nesting."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

from parley.lib.markdown import Mentions, blocks, render


def test_links_open_safely_and_bare_urls_become_links():
    html = render(
        "See https://example.org/report.pdf and [the video](https://video.example.com/v)."
    )
    assert (
        '<a href="https://example.org/report.pdf" rel="nofollow ugc noopener noreferrer">' in html
    )
    assert (
        '<a href="https://video.example.com/v" rel="nofollow ugc noopener noreferrer">the video</a>'
        in html
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<img src=x onerror=alert(1)>",
        "![x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_raw_html_and_dangerous_urls_never_survive(source):
    tags = _tags(render(source))
    assert {name for name, _attrs in tags} <= {"p", "a"}
    for _name, attrs in tags:
        for attr, value in attrs:
            assert not attr.startswith("on")
            if attr == "href":
                assert (value or "").startswith(("https:", "http:", "mailto:", "/"))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_images_are_not_loaded():
    assert "<img" not in render("![chart](https://example.org/chart.png)")


def test_mentions_link_names_of_people_in_the_thread_only():
    mentions = Mentions({"John": "/c/1/", "Ana Maria": "/c/7/"})
    html = render("@ John and @Ana Maria, not @Nobody; mail john@example.org", mentions=mentions)
    assert (
        '<a href="/c/1/" class="mention" rel="nofollow ugc noopener noreferrer">@ John</a>' in html
    )
    assert ">@Ana Maria</a>" in html
    assert "@Nobody" in html and 'href="/c/' not in html.split("@Nobody")[1]


def test_mentions_are_not_made_inside_links_or_code():
    mentions = Mentions({"John": "/c/1/"})
    html = render("[@John](https://example.org) `@John`", mentions=mentions)
    assert "/c/1/" not in html


@pytest.mark.parametrize(
    "source",
    [
        ">" * 5000 + " deep",
        "- " * 5000 + "x",
        "1. " * 3000 + "x",
        "*" * 10000,
        "[" * 5000 + "](" * 2500,
        "`" * 10000,
    ],
)
def test_pathological_nesting_renders_in_bounded_time(source):
    started = time.perf_counter()
    html = render(source)
    assert time.perf_counter() - started < 2.0
    assert html.count("<blockquote>") <= 25 and html.count("<ul>") <= 25


def test_blocks_split_the_top_level():
    assert blocks("one\ntwo\n\n- a\n- b\n\n> q") == ["one\ntwo", "- a\n- b\n", "> q"]


@pytest.mark.parametrize(
    "source",
    [
        "plain words, no link at all",
        "example.org is a domain",
        "write to ana@example.org",
        "see https://example.org/x and www.example.com",
        "Разговор на сайте пример.рф сегодня",
        "*emphasis* and `code` and > quote",
    ],
)
def test_skipping_linkify_changes_nothing(source):
    from parley.lib import markdown

    with_linkify = markdown.clean_html(markdown._MD.render(source, {}))
    assert markdown.render(source) == with_linkify


def test_a_mention_inside_a_link_stays_part_of_the_link():
    html = render("see https://example.org/@John now", mentions=Mentions({"John": "/c/1/"}))
    assert "/c/1/" not in html and 'href="https://example.org/@John"' in html
