"""A reader in headless Chromium logs in, follows a discussion from its post page, finds it on
their own profile, and stops following it there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from parley.discussion import follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"


def _log_in(page: Page, user: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_a_reader_follows_a_thread_sees_it_on_their_profile_and_stops(
    page: Page, thread, rosa, post_as
):
    bruno = post_as(thread, "Bruno", "The crossing opens at noon.")
    page.goto(URL)
    expect(page.locator(".discussion-header .follow-login")).to_have_text("Sign in to follow")

    _log_in(page, "rosa", "rosa-pass-1234")
    page.goto(URL)
    header = page.locator(".discussion-header")
    header.get_by_role("button", name="Follow").click()
    expect(page.locator(".message")).to_have_text("You follow this discussion.")
    expect(header.locator(".follow-button")).to_have_text("Following ✓ (stop)")
    assert follows.is_following(rosa, thread)
    # The comments below are the page every reader shares: Bruno's, with its guest name.
    expect(page.locator(f"#c{bruno.pk} > summary .author")).to_have_text("Bruno")

    page.goto("/account/")
    page.get_by_role("link", name="Your profile").click()
    expect(page.locator("h1")).to_contain_text("Rosa Lima")
    followed = page.locator(".person-followed")
    expect(followed.get_by_role("link", name="The Lastovo crossing")).to_be_visible()
    followed.get_by_role("button", name="Stop following The Lastovo crossing").click()
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/{rosa.pk}/")
    expect(page.locator(".person-followed")).to_contain_text("You follow no discussion yet.")
    assert not follows.is_following(rosa, thread)

    page.goto(URL)
    expect(page.locator(".discussion-header .follow-button")).to_have_text("Follow")
