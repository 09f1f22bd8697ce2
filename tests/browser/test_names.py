"""A name cannot look like a staff badge on the thread page, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"


def test_a_refused_name_is_explained_and_a_badge_carries_a_mark_no_name_can(
    page: Page, thread, moderator, post_as
):
    post_as(thread, "", "From the moderators: keep to the documents.", user=moderator)
    post_as(thread, "אורי כהן", "A right-to-left name beside the time.")
    page.goto(URL)

    # A guest tries to look like a moderator and is told what to change.
    form = page.locator("#reply-form")
    form.locator("input[name=name]").fill("Ana [Moderator]")
    form.locator("textarea[name=body]").fill("Trust me.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#form-error")).to_contain_text(
        "Names cannot contain “moderator” or a word that looks like it"
    )
    expect(form.locator("input[name=name]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".comment-head .author", has_text="Ana")).to_have_count(0)

    badge = page.locator(".badge--moderator").first
    expect(badge).to_have_text("Moderator")
    # The badge shows a check mark that names are refused, drawn by the stylesheet.
    mark = badge.evaluate("el => getComputedStyle(el, '::before').content")
    assert "✔" in mark
    background = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    # A name is isolated: a right-to-left name cannot reorder the badge or the time after it.
    for author in page.locator(".comment-head .author").all():
        assert author.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
