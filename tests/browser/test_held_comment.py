"""A guest in headless Chromium posts a reply that is held, deep in a long thread, and finds it
where it belongs, marked for them alone; folding the thread does not lose it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parley.discussion.models import Comment
from tests.moderation.conftest import set_mode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"
AWAITING = "Only you can see this comment until a moderator approves it."
REPEATED = "The crossing opened at noon on Monday, as the letter to the minister says."


@pytest.fixture(autouse=True)
def _no_model(settings):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    settings.PARLEY_COMMENT_RATE = None


def test_a_guest_finds_their_held_reply_in_place_on_a_later_page(
    page, browser, live_server, dossier, post_as, settings
):
    settings.PARLEY_PAGE_SIZE = 4
    thread = dossier.thread
    top = post_as(thread, "Ana", "The first point, answered at length.")
    answers = [post_as(thread, f"Reader {n}", f"Answer {n}", parent=top) for n in range(5)]
    for n in range(3):
        post_as(thread, f"Later {n}", f"A later top-level comment {n}")
    set_mode("untrusted")

    page.goto(URL)
    first = page.locator(f"#c{answers[0].pk}")
    first.locator("> .comment-actions a.reply").click()  # the form moves under the comment
    form = first.locator("> #reply-form")
    form.locator("input[name=name]").fill("Gil Guest")
    form.locator("textarea[name=body]").fill("A held answer to the first answer.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    mine = Comment.objects.get(author_name="Gil Guest")
    assert mine.status == "pending"
    # Six comments come before it in Ana's thread: it is on the second page of four.
    expect(page).to_have_url(re.compile(rf"{URL}\?page=2#c{mine.pk}$"))
    node = page.locator(f"#c{mine.pk}")
    expect(node).to_be_in_viewport()
    expect(node.locator("> summary .badge--awaiting")).to_have_text("Awaiting review")
    expect(node.locator("> .awaiting .awaiting-note")).to_have_text(AWAITING)
    expect(node.locator("> .comment-body")).to_have_text("A held answer to the first answer.")
    expect(node.locator("> summary .in-reply-to")).to_have_text("in reply to Reader 0")

    # Folded away with the rest of the page, it opens again when its address is followed.
    page.locator(f"#c{answers[3].pk} > summary .author").click()
    page.locator(f"#c{answers[4].pk} > summary .author").click()
    page.locator(f"#c{mine.pk} > summary .author").click()
    expect(node.locator("> .comment-body")).to_be_hidden()
    page.evaluate("location.hash = '#comments'")
    page.evaluate(f"location.hash = '#c{mine.pk}'")
    expect(node.locator("> .comment-body")).to_be_visible()
    expect(node).to_be_in_viewport()

    # Its permalink brings the guest back to it; another reader finds nothing there.
    page.goto("/")
    page.goto(f"/c/{mine.pk}/")
    expect(page).to_have_url(re.compile(rf"{URL}\?page=2#c{mine.pk}$"))
    expect(page.locator(f"#c{mine.pk} > .awaiting .awaiting-note")).to_have_text(AWAITING)
    other = browser.new_context(base_url=live_server.url).new_page()
    other.goto(f"{URL}?page=2")
    expect(other.locator(f"#c{answers[4].pk}")).to_be_visible()
    expect(other.locator(f"#c{mine.pk}")).to_have_count(0)
    assert other.goto(f"/c/{mine.pk}/").status == 404
    other.context.close()


def test_a_guest_who_posts_twice_is_shown_the_first(page, dossier):
    page.goto(URL)
    for _attempt in range(2):
        form = page.locator("#reply-form")
        form.locator("input[name=name]").fill("Gil Guest")
        form.locator("textarea[name=body]").fill(REPEATED)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    first, second = Comment.objects.order_by("pk")
    assert (first.status, second.status) == ("published", "pending")
    expect(page).to_have_url(re.compile(rf"{URL}#c{second.pk}$"))
    note = page.locator(f"#c{second.pk} .repeat-note")
    expect(note).to_have_text(re.compile(r"^You posted this at \d\d:\d\d\.$"))
    note.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"{URL}#c{first.pk}$"))
    expect(page.locator(f"#c{first.pk}")).to_be_in_viewport()
