"""A long thread is pleasant to read, in headless Chromium: comments keep their line breaks,
authors carry marks, the reader's own comments and replies to them stand out, the form is one
line until the reader writes in it and its guest fields line up; the home page shows the site.

With PARLEY_SCREENSHOTS=DIR set, the pages are photographed into DIR at desktop and phone
widths (docs/screenshots/ holds the pictures)."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from parley.discussion.models import Comment
from parley.web.templatetags.parley_tags import LONG_THREAD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WORDS = [
    "The letter is dated before the briefing",
    "Nobody asked the ministry about the ferry",
    "Read the press release again",
    "Transcripts leave out the pauses",
    "Lisbon answered within a day",
    "The embassy never denied it",
    "Customs figures tell another story",
    "My grandfather crossed there in 1970",
    "Where is the original PDF",
    "This was settled in February",
    "Fishermen were not consulted",
    "The minister contradicts himself twice",
    "Compare the dateline with the stamp",
]
VOCABULARY = (
    "ferry harbour customs ledger stamp minister embassy treaty crossing island season permit "
    "quota fishermen tariff border convoy archive clause draft signature memo envoy dispatch "
    "summit port cargo schedule notice inquiry witness record timeline ballot council mayor "
    "budget lighthouse pier tide storm channel chart license registry"
).split()
NAMES = ["Ana Lima", "Marko Ivić", "Rosa", "John Stewart", "Вера Петрова", "Lena Kraus"]


def _shoot(page: Page, name: str, at: str = "") -> None:
    folder = os.environ.get("PARLEY_SCREENSHOTS")
    if not folder:
        return
    for suffix, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        if at:
            page.locator(at).evaluate("el => window.scrollTo(0, el.offsetTop - 8)")
        page.screenshot(path=str(Path(folder) / f"{name}-{suffix}.png"))
    page.set_viewport_size(DESKTOP)


def _long_thread(thread, post_as) -> None:
    previous = None
    for n in range(LONG_THREAD):
        name = NAMES[n % len(NAMES)]
        rng = random.Random(n)
        lines = [WORDS[n % len(WORDS)]] + [" ".join(rng.sample(VOCABULARY, 8)) for _ in range(2)]
        body = ".\n".join(line.capitalize() for line in lines) + "."
        parent = previous if n % 3 == 1 else None
        previous = post_as(thread, name, body, parent=parent)


def test_a_long_thread_reads_well(page: Page, thread, post_as, no_rate_limit):
    _long_thread(thread, post_as)
    page.set_viewport_size(DESKTOP)
    page.goto(URL)

    # One thought per line stays one per line.
    first = page.locator(".comment-body").first
    expect(first.locator("br")).to_have_count(2)
    # Each author has a mark; the same author the same colour.
    marks = page.locator(".comment-head .author-mark")
    expect(marks.first).to_be_visible()
    colours = {}
    for head in page.locator(".comment-head").all()[:12]:
        name = head.locator(".author").inner_text()
        colour = head.locator(".author-mark").evaluate("el => getComputedStyle(el).backgroundColor")
        assert colours.setdefault(name, colour) == colour
    assert len(set(colours.values())) > 1

    # The form is one line on a long thread; writing in it opens it, fields in one row.
    form = page.locator("#reply-form")
    expect(form.locator(".guest-fields")).to_be_hidden()
    assert form.bounding_box()["height"] < 160
    form.locator("textarea[name=body]").click()
    expect(form.locator(".guest-fields")).to_be_visible()
    tops = [
        form.locator(f"input[name={f}]").bounding_box()["y"] for f in ("name", "email", "website")
    ]
    assert max(tops) - min(tops) < 1, tops

    # The reader posts; their comment and the reply to it are marked.
    form.locator("input[name=name]").fill("Teodora")
    form.locator("textarea[name=body]").fill("My reading:\nthe letter came first.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    mine = Comment.objects.get(author_name="Teodora")
    post_as(thread, "Marko Ivić", "Teodora, I agree.\nBut the date?", parent=mine)
    page.goto(URL + "?sort=newest")
    expect(page.locator(f"#c{mine.pk} .badge--yours")).to_have_text("You")
    expect(page.locator(".badge--to-you")).to_have_text("Reply to you")
    expect(page.locator(f"#c{mine.pk} > .comment-body br")).to_have_count(1)
    _shoot(page, "reading-thread", at="#comments")


def test_the_home_page_shows_a_living_site(page: Page, thread, post_as, no_rate_limit):
    _long_thread(thread, post_as)
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.locator(".post-item__intro")).to_contain_text("Three documents on the reopening")
    expect(page.locator(".lively-list li")).to_have_count(1)
    expect(page.locator(".latest-comment")).to_have_count(8)
    expect(page.locator(".latest-comment .author-mark").first).to_be_visible()
    _shoot(page, "home")


def test_a_reply_on_a_later_page_opens_in_context(
    page: Page, thread, post_as, settings, no_rate_limit
):
    settings.PARLEY_PAGE_SIZE = 2
    top = post_as(thread, "Ana Lima", "The letter came first.\nLook at its date.")
    post_as(thread, "Marko Ivić", "It did, by a day.", parent=top)
    late = post_as(thread, "Rosa", "But the release was drafted before it.", parent=top)
    post_as(thread, "Ana Lima", "Drafted is not sent.", parent=late)
    page.goto(URL + "?page=2")
    page.locator(f"#c{late.pk} .context-link").click()
    expect(page).to_have_url(re.compile(rf"/c/{late.pk}/context/#c{late.pk}$"))
    expect(page.locator("details.node")).to_have_count(3)
    expect(page.locator("details.node").first).to_contain_text("The letter came first.")
    expect(page.locator(".context-note")).to_contain_text("1 reply follows it.")
    head = page.locator(f"#c{late.pk} > .comment-head")
    assert head.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 246, 214)"
    _shoot(page, "context")
    page.locator(".in-place").click()
    expect(page).to_have_url(re.compile(rf"/posts/lastovo/\?page=2#c{late.pk}$"))
