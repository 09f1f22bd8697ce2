"""A reader in headless Chromium marks a comment useful in place, withdraws the vote, reads
the thread best first, and votes without JavaScript through the vote page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from parley.discussion.models import Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"


@pytest.fixture
def two_comments(dossier, post_as):
    first = post_as(dossier.thread, "Ana", "The first comment, nobody finds it useful.")
    second = post_as(dossier.thread, "Bruno", "The second comment, useful to this reader.")
    return first, second


def test_a_reader_marks_a_comment_useful_in_place_and_takes_it_back(page: Page, two_comments):
    first, second = two_comments
    page.goto(URL)
    button = page.locator(f"#c{second.pk} .vote--up")
    expect(button).to_have_text("Useful 0")
    button.click()
    expect(button).to_have_text("Useful 1")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(URL)  # no page load
    assert Vote.objects.filter(comment=second, value=1).count() == 1
    page.goto(URL + "?sort=best#comments")
    expect(page.locator("nav.sort [aria-current=true]")).to_have_text("Best first")
    expect(page.locator("details.node").first).to_have_attribute("id", f"c{second.pk}")
    page.locator(f"#c{second.pk} .vote--up").click()  # not pressed after a reload: a new vote
    expect(page.locator(f"#c{second.pk} .vote-note")).to_contain_text("already marked")
    page.goto(URL)
    page.locator(f"#c{second.pk} .vote--up").click()
    expect(page.locator(f"#c{second.pk} .vote-note")).to_contain_text("already marked")


def test_withdrawing_in_place(page: Page, two_comments):
    _first, second = two_comments
    page.goto(URL)
    button = page.locator(f"#c{second.pk} .vote--up")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_text("Useful 0")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.exists()


def test_without_javascript_the_vote_page_takes_the_vote(browser, live_server, two_comments):
    _first, second = two_comments
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(URL)
    page.locator(f"#c{second.pk} .vote--up").click()
    expect(page.locator("h1")).to_have_text("Vote on a comment")
    page.get_by_role("button", name="Useful").click()
    expect(page.get_by_text("Thank you: your vote is recorded.")).to_be_visible()
    expect(page.locator(f"#c{second.pk} .vote--up")).to_have_text("Useful 1")
    context.close()


def test_another_readers_vote_shows_on_an_open_page(page: Page, two_comments):
    from parley.discussion import votes

    _first, second = two_comments
    page.goto(URL)
    button = page.locator(f"#c{second.pk} .vote--up")
    button.click()
    expect(button).to_have_text("Useful 1")
    other = votes.Voter(user=None, key="ip:198.51.100.7", address="198.51.100.7")
    votes.cast_vote(second, other, 1)
    expect(button).to_have_text("Useful 2", timeout=15_000)
    expect(button).to_have_attribute("aria-pressed", "true")  # the page kept the reader's vote
    # The actions line holds the vote form in place (a <div>, which a <form> may sit in).
    assert page.locator(f"#c{second.pk} > .comment-actions > form.votes").count() == 1
