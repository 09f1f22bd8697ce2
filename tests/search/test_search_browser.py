"""A reader searches the demo discussion from the header's box, in a real browser.

With PARLEY_SCREENSHOTS_OUT set to a folder, the search page is photographed there at
desktop (1280x800) and phone (390x844) widths: docs/screenshots/search-*.png were made so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parley.publishing.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_finds_words_written_without_their_marks(
    page, browser, live_server, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    post_url = Post.objects.get().get_absolute_url()

    page.goto("/")
    box = page.locator(".site-header .search-box input[name=q]")
    box.fill("saopštenje")  # the demo's Serbian readers write it "saopstenje"
    with page.expect_navigation():
        box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_have_text(re.compile("saopstenje", re.I))
    expect(page.locator(".search-thread h2")).to_have_count(1)  # one thread, grouped

    out = os.environ.get("PARLEY_SCREENSHOTS_OUT")
    if out:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=str(Path(out) / "search-desktop.png"))
        phone = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
            timezone_id="Europe/Lisbon",
        )
        shot = phone.new_page()
        shot.goto(page.url)
        shot.screenshot(path=str(Path(out) / "search-phone.png"))
        shot.goto(f"{live_server.url}{post_url}#comments")
        shot.screenshot(path=str(Path(out) / "post-search-box-phone.png"))
        phone.close()
        page.goto(f"{post_url}#comments")
        page.screenshot(path=str(Path(out) / "post-search-box-desktop.png"))
        page.go_back()

    with page.expect_navigation():
        first.locator(".search-result__meta a").first.click()
    expect(page).to_have_url(re.compile(r"/posts/[^/]+/.*#c\d+$"))

    # The box above a post's comments searches that post alone.
    page.goto(post_url)
    box = page.locator("#comments .search-box input[name=q]")
    box.fill("pismo")
    with page.expect_navigation():
        box.press("Enter")
    expect(page.locator(".search-scope")).to_be_visible()
    expect(page.locator(".search-thread")).to_have_count(1)
