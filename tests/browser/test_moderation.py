"""A moderator in headless Chromium works the queue from the keyboard and in bulk; a reader
flags a comment from the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parley.discussion.models import Comment
from tests.moderation.conftest import set_mode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


def test_moderator_approves_with_a_key_and_rejects_in_bulk(page, thread, post_as, moderator):
    set_mode("all")
    first = post_as(thread, "Gil", "Waiting comment one, about the schedule.")
    second = post_as(thread, "Hana", "Waiting comment two, about the trucks.")
    third = post_as(thread, "Ivo", "Waiting comment three, with nothing new.")
    _log_in(page, "moderator", "moderator-pass-1234")
    page.goto("/moderation/")
    items = page.locator(".mod-item")
    expect(items).to_have_count(3)
    expect(page.locator(f"#m{first.pk} .mod-why")).to_have_text("held: every comment is reviewed")
    expect(page.locator(f"#m{first.pk} .mod-rank")).to_contain_text("waiting for approval")
    expect(page.locator(f"#m{first.pk}")).to_have_class(re.compile("mod-item--current"))
    page.keyboard.press("a")  # approve the current (first) comment
    expect(page.locator(".messages")).to_contain_text("Done for 1 comment(s): approved.")
    expect(items).to_have_count(2)
    expect(items.first).to_have_class(re.compile("mod-item--current"))  # the keys are live
    # Select both that are left with x (moving with j), then reject them in bulk.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.locator("#bulk").get_by_role("button", name="Reject").click()
    expect(page.locator(".mod-empty")).to_have_text("Nothing is waiting for review.")
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "published", second.pk: "rejected", third.pk: "rejected"}
    page.goto("/moderation/log/")
    expect(page.locator("tr.decision--approve")).to_have_count(1)
    expect(page.locator("tr.decision--reject")).to_have_count(2)


def test_reader_flags_a_comment_from_the_page(page, thread, post_as):
    comment = post_as(thread, "Bruno", "Nobody cares about your tables.")
    page.goto("/posts/lastovo/")
    page.locator(f"#c{comment.pk}").get_by_role("link", name="Flag").click()
    page.get_by_label("Abuse or harassment").check()
    page.get_by_role("button", name="Flag").click()
    expect(page.locator(".messages")).to_contain_text("moderators will look at this comment")
    assert comment.flags.count() == 1


def test_a_decision_reaches_an_open_page_without_a_reload(page, thread, post_as, moderator):
    from parley.moderation.actions import decide

    keep = post_as(thread, "Ana", "A fair point about the crossing.")
    gone = post_as(thread, "Bruno", "You are all idiots and liars.")
    page.goto("/posts/lastovo/")
    expect(page.locator(f"#c{gone.pk} .comment-body")).to_have_text("You are all idiots and liars.")
    decide(gone, "reject", by=moderator, expected="published", category="insult")
    expect(page.locator(f"#c{gone.pk} .comment-body")).to_have_text(
        "This comment was removed.", timeout=15_000
    )
    expect(page.locator(f"#c{keep.pk} .comment-body")).to_have_text(
        "A fair point about the crossing."
    )


def test_shadow_ban_from_the_queue_then_the_author_alone_sees_new_comments(
    page, browser, live_server, thread, moderator
):
    set_mode("untrusted")
    troll = browser.new_context(base_url=live_server.url, locale="en-GB")
    author = troll.new_page()
    author.goto("/posts/lastovo/")
    author.get_by_label("Name").fill("Baiter")
    author.get_by_label("E-mail").fill("bait@example.org")
    author.locator("textarea[name=body]").fill("Everyone here is paid to post.")
    author.get_by_role("button", name="Post comment").click()
    expect(author.locator(".awaiting-note")).to_have_text(
        "Only you can see this comment until a moderator approves it."
    )
    first = Comment.objects.get()

    _log_in(page, "moderator", "moderator-pass-1234")
    page.goto("/moderation/")
    item = page.locator(f"#m{first.pk}")
    item.get_by_text("Ban…").click()
    item.get_by_placeholder("Reason, shown to them").fill("Baiting")
    item.get_by_role("button", name="Shadow-ban").click()
    expect(page.locator(".messages")).to_contain_text("Done for 1 comment(s)")
    page.goto("/moderation/bans/")
    expect(page.locator("table.mod-log")).to_contain_text("bait@example.org")
    expect(page.locator("table.mod-log")).to_contain_text("(shadow)")

    # The shadow-banned author posts again: they see it, unmarked; a reader does not.
    author.locator("textarea[name=body]").fill("Still paid, all of you.")
    author.get_by_role("button", name="Post comment").click()
    second = Comment.objects.latest("id")
    expect(author.locator(f"#c{second.pk} .comment-body")).to_have_text("Still paid, all of you.")
    expect(author.locator(f"#c{second.pk} .awaiting-note")).to_have_count(0)
    page.goto("/posts/lastovo/")
    expect(page.locator(f"#c{first.pk}")).to_have_count(0)
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto("/posts/lastovo/")
    expect(reader.get_by_text("Still paid, all of you.")).to_have_count(0)
    troll.close()
    page.goto("/moderation/log/")
    expect(page.locator("tr.decision--shadowban")).to_contain_text("Baiting")


BODIES = [
    "The letter says noon, the briefing says Monday morning. Which one is it?",
    "Trucks have waited since Friday. Nobody at the crossing could tell us why, and the "
    "hotline rang out every time we called it over the weekend.",
    "Read the press release again: it welcomes the reopening but never names a date.",
    "Inspections shared between both services sounds fine on paper. In practice one side "
    "always waits for the other, and the queue on the bridge grows by the hour. We saw it "
    "last winter and nobody learned anything from it.",
    "Thanks for posting the transcript.",
    "Two million a day is the figure the ministry gives every year; it was never checked.",
]


@pytest.fixture
def busy_queue(thread, post_as):
    """Fourteen held comments of one to four lines each, some of them replies."""
    shown = [post_as(thread, f"Earlier {n}", f"An earlier point, number {n}.") for n in range(3)]
    set_mode("all")
    return [
        post_as(
            thread,
            f"Reader {n}",
            f"{BODIES[n % len(BODIES)]} ({n})",
            parent=shown[n % 3] if n % 4 == 3 else None,
        )
        for n in range(14)
    ]


def _moderator_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    page = context.new_page()
    _log_in(page, "moderator", "moderator-pass-1234")
    page.goto("/moderation/")
    return context, page


ITEM_TOPS = "[...document.querySelectorAll('.mod-item')].map(i => i.getBoundingClientRect().top)"


def test_eight_comments_fit_a_desktop_screen(browser, live_server, busy_queue, moderator):
    context, page = _moderator_page(browser, live_server, viewport={"width": 1280, "height": 800})
    tops = page.evaluate(ITEM_TOPS)
    assert len(tops) == 14
    on_screen = [top for top in tops if 0 <= top < 800]
    assert len(on_screen) >= 8, f"only {len(on_screen)} comments start on a 1280x800 screen"
    expect(page.locator(".keys")).to_be_visible()  # a desktop shows the keys
    context.close()


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_the_queue_fits_a_phone_with_touch_sized_actions(
    browser, live_server, busy_queue, moderator
):
    context, page = _moderator_page(browser, live_server, **PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".keys")).to_be_hidden()  # no keyboard hints on a touch screen
    first = page.locator(".mod-item").first
    controls = first.locator(".mod-actions > button, .mod-actions > a, .mod-ban > summary")
    assert controls.count() == 6  # approve, reject, spam, delete, edit, ban…
    for index in range(controls.count()):
        control = controls.nth(index)
        expect(control).to_be_visible()
        box = control.bounding_box()
        name = control.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{name} is cut off"
        assert box["width"] >= 44 and box["height"] >= 44, f"{name} is {box} on a phone"
    box = first.locator(".mod-select").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    # The filters fold away, the bulk buttons wait for a selection; open, they fit too.
    expect(page.locator(".mod-filters")).to_be_hidden()
    expect(page.locator("#bulk")).to_be_hidden()
    page.get_by_text("Filter and order").click()
    expect(page.locator(".mod-filters select[name=reason]")).to_be_visible()
    first.locator(".mod-select").tap()
    expect(page.locator("#bulk")).to_be_visible()
    bulk = page.locator("#bulk button")
    for index in range(bulk.count()):
        box = bulk.nth(index).bounding_box()
        assert box["x"] + box["width"] <= 390 and box["width"] >= 44 and box["height"] >= 44
    first.get_by_text("Ban…").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
