"""Two readers on one thread in headless Chromium, against `parley serve` (pages on WSGI, the
stream on ASGI at the same address): what one does reaches the other's open page within a
second, without a reload; a restart of the server, a hidden tab and a browser without
EventSource each catch up with nothing missing and nothing twice. The moderation queue shows
a newly held comment live, and another moderator's decision takes it out."""

from __future__ import annotations

import os
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from parley.discussion.models import Comment
from tests.conftest import Server
from tests.moderation.conftest import set_mode

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"
SECOND = 1_000  # ms: how soon a change must show on the other page


@pytest.fixture(autouse=True)
def _no_model(settings):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    settings.PARLEY_COMMENT_RATE = None


def _streams(url: str) -> bool:
    """Whether the server answers the thread's stream itself (not a WSGI process's 307)."""
    request = urllib.request.Request(url, headers={"Accept": "text/event-stream"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.headers.get_content_type() == "text/event-stream"
    except OSError:
        return False


@pytest.fixture
def served(transactional_db, tmp_path, dossier, settings):
    """`parley serve` with its worker. Changes made here in the test reach its stream process
    as the server's own do (the local broker publishes to the stream processes of the data
    directory)."""
    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    env = {"PARLEY_COMMENT_RATE": "off", "PARLEY_MODERATION_SIGNALS": "rules,duplicates"}
    running = Server(tmp_path, env=env).start()
    yield running
    running.stop()


@pytest.fixture
def site(served, dossier):
    """The server, routing /live/ to its stream process."""
    if not _streams(f"{served.url}/live/threads/{dossier.thread.pk}/"):
        message = "`parley serve` does not serve /live/ streams at its address"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return served


def _reader(browser, site, **options):
    context = browser.new_context(
        viewport=options.pop("viewport", {"width": 1280, "height": 900}),
        locale="en-GB",
        timezone_id="Europe/Lisbon",
        base_url=site.url,
        **options,
    )
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]
    return page


def _streaming(page) -> None:
    """Wait until the page's stream is open (its first bytes came)."""
    page.wait_for_function("() => document.querySelector('.discussion').dataset.streaming === '1'")


def _post(page, body: str, *, name: str = "Ana", under: Comment | None = None) -> Comment:
    if under is not None:
        page.locator(f"#c{under.pk} > .comment-actions a.reply").click()
    form = page.locator("#reply-form")
    form.locator("input[name=name]").fill(name)
    form.locator("textarea[name=body]").fill(body)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return Comment.objects.get(body=body)


def _shown_ids(page) -> list[int]:
    ids = page.eval_on_selector_all("#comment-list details.node", "n => n.map(e => e.dataset.id)")
    return [int(i) for i in ids]


def test_what_a_posts_reaches_b_at_once(browser, site, thread, post_as):
    first = post_as(thread, "Bruno", "The crossing opens at noon, the letter says.")
    a, b = _reader(browser, site), _reader(browser, site)
    a.goto(URL)
    b.goto(URL)
    _streaming(b)

    # A top-level comment: B is told, and the page does not move until B opens it.
    mine = _post(a, "And the trucks go first, the briefing says.")
    bar = b.locator(".new-comments")
    expect(bar).to_have_text("1 new comment", timeout=SECOND)
    expect(b.locator(f"#c{mine.pk}")).to_have_count(0)
    expect(b.locator(".live-status")).to_have_text("1 new comment")
    expect(b.locator("#comments-title")).to_have_text("2 comments")
    bar.click()
    expect(bar).to_be_hidden()
    node = b.locator(f"#c{mine.pk}")
    expect(node.locator("> .comment-body")).to_have_text(
        "And the trucks go first, the briefing says."
    )
    expect(node).to_have_class(re.compile(r"\bnode--new\b"))
    assert _shown_ids(b) == [first.pk, mine.pk]

    # A reply to a comment B shows: under it at once, marked new.
    reply = _post(a, "Noon on Monday, to be exact.", name="Cleo", under=first)
    answer = b.locator(f"#c{first.pk} > .replies > #c{reply.pk}")
    expect(answer.locator("> .comment-body")).to_have_text(
        "Noon on Monday, to be exact.", timeout=SECOND
    )
    expect(answer).to_have_class(
        re.compile(r"\bnode--new\b.*\blevel-1\b|\blevel-1\b.*\bnode--new\b")
    )
    expect(answer.locator("> summary .new-mark")).to_have_text("new")
    expect(answer.locator("> summary .in-reply-to")).to_have_count(0)
    expect(b.locator(".live-status")).to_have_text("1 new reply")
    expect(b.locator(".new-comments")).to_be_hidden()

    # A edits: B sees the new words and the edited mark.
    a.goto(f"/c/{reply.pk}/edit/")
    a.locator("textarea[name=body]").fill("Noon on Monday, to be exact, local time.")
    with a.expect_navigation():
        a.locator("main button[type=submit]").click()
    expect(answer.locator("> .comment-body")).to_have_text(
        "Noon on Monday, to be exact, local time.", timeout=SECOND
    )
    expect(answer.locator("> summary a.edited")).to_have_text("edited")

    # A deletes: the placeholder takes its place on B's page.
    a.goto(f"/c/{reply.pk}/delete/")
    with a.expect_navigation():
        a.locator("main button[type=submit]").click()
    expect(answer.locator("> .comment-body")).to_have_text(
        "This comment was removed.", timeout=SECOND
    )
    expect(b.get_by_text("local time.")).to_have_count(0)
    expect(b.locator("#comments-title")).to_have_text("2 comments")
    assert b.url.endswith(URL), "B's page was never reloaded"
    assert not a.errors and not b.errors  # type: ignore[attr-defined]


def test_a_moderators_removal_leaves_bs_page(browser, site, thread, post_as, moderator):
    from parley.moderation.actions import decide

    keep = post_as(thread, "Ana", "A fair point about the crossing.")
    gone = post_as(thread, "Bruno", "You are all idiots and liars.")
    b = _reader(browser, site)
    b.goto(URL)
    _streaming(b)
    decide(gone, "reject", by=moderator, expected="published", category="insult")
    expect(b.locator(f"#c{gone.pk} > .comment-body")).to_have_text(
        "This comment was removed.", timeout=SECOND
    )
    expect(b.get_by_text("You are all idiots and liars.")).to_have_count(0)
    expect(b.locator(f"#c{gone.pk} > .comment-actions")).to_have_count(0)
    expect(b.locator(f"#c{keep.pk} > .comment-body")).to_have_text(
        "A fair point about the crossing."
    )
    expect(b.locator("#comments-title")).to_have_text("1 comment")


def test_after_a_restart_b_catches_up_with_nothing_missing_or_twice(browser, site, thread, post_as):
    first = post_as(thread, "Ana", "Before the restart.")
    b = _reader(browser, site)
    b.goto(URL)
    _streaming(b)
    site.stop()
    # While the server is down, the thread goes on (the events are kept in the database).
    later = [
        post_as(thread, f"Reader {n}", f"Said while the server was down, {n}.") for n in (1, 2)
    ]
    answer = post_as(thread, "Cleo", "An answer while it was down.", parent=first)
    site.start()
    bar = b.locator(".new-comments")
    expect(bar).to_have_text("2 new comments", timeout=35_000)
    expect(b.locator(f"#c{first.pk} > .replies > #c{answer.pk}")).to_have_count(1)
    bar.click()
    shown = _shown_ids(b)
    in_database = list(Comment.objects.filter(status="published").values_list("pk", flat=True))
    assert (
        sorted(shown)
        == sorted(in_database)
        == sorted([first.pk, answer.pk, *(c.pk for c in later)])
    )
    assert len(shown) == len(set(shown))
    # One more comment after the reconnection arrives once, as any other.
    more = post_as(thread, "Dora", "After the restart.")
    expect(bar).to_have_text("1 new comment", timeout=SECOND)
    bar.click()
    assert sorted(_shown_ids(b)) == sorted([*in_database, more.pk])


HIDE = """(hidden) => {
    const state = hidden ? 'hidden' : 'visible';
    Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_a_hidden_tab_closes_its_stream_and_catches_up_when_shown(browser, site, thread, post_as):
    b = _reader(browser, site)
    b.goto(URL)
    _streaming(b)
    b.evaluate(HIDE, True)
    b.wait_for_function("() => document.querySelector('.discussion').dataset.streaming !== '1'")
    mine = post_as(thread, "Ana", "Posted while the tab was hidden.")
    time.sleep(1.5)
    expect(b.locator(".new-comments")).to_be_hidden()  # its stream is closed
    b.evaluate(HIDE, False)
    expect(b.locator(".new-comments")).to_have_text("1 new comment", timeout=SECOND * 3)
    b.locator(".new-comments").click()
    expect(b.locator(f"#c{mine.pk} > .comment-body")).to_have_text(
        "Posted while the tab was hidden."
    )
    assert _shown_ids(b) == [mine.pk]


def test_without_eventsource_the_page_polls_the_events(browser, served, thread, post_as):
    first = post_as(thread, "Ana", "The crossing opens at noon.")
    b = _reader(browser, served)
    b.context.add_init_script("delete window.EventSource")
    b.goto(URL)
    b.wait_for_timeout(300)
    mine = post_as(thread, "Bruno", "A new point, fetched by polling.")
    reply = post_as(thread, "Cleo", "A reply, fetched by polling.", parent=first)
    bar = b.locator(".new-comments")
    expect(bar).to_have_text("1 new comment", timeout=7_000)
    expect(b.locator(f"#c{first.pk} > .replies > #c{reply.pk}")).to_have_count(1)
    bar.click()
    assert _shown_ids(b) == [first.pk, reply.pk, mine.pk]


def _log_in(page, user: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Log in").click()


def test_the_queue_shows_a_newly_held_comment_live(browser, site, thread, post_as, moderator):
    from parley.moderation.actions import decide

    set_mode("all")
    waiting = post_as(thread, "Gil", "Waiting comment one, about the schedule.")
    mod = _reader(browser, site)
    _log_in(mod, "moderator", "moderator-pass-1234")
    mod.goto("/moderation/")
    expect(mod.locator(".mod-item")).to_have_count(1)
    mod.locator(f"#m{waiting.pk} input[type=checkbox]").check()
    mod.wait_for_timeout(500)  # the stream opens
    held = post_as(thread, "Hana", "A second one, held as it is posted.")
    expect(mod.locator(f"#m{held.pk}")).to_have_count(1, timeout=SECOND * 2)
    expect(mod.locator(".mod-item")).to_have_count(2)
    expect(mod.locator(".page-title .count")).to_have_text("(2)")
    expect(mod.locator(f"#m{waiting.pk} input[type=checkbox]")).to_be_checked()
    expect(mod.locator(".mod-live-status")).to_have_text("Queue updated")
    # Another moderator's decision takes the comment out of this moderator's queue.
    decide(held, "reject", by=moderator, expected="pending", category="insult")
    expect(mod.locator(f"#m{held.pk}")).to_have_count(0, timeout=SECOND * 2)
    expect(mod.locator(".page-title .count")).to_have_text("(1)")
    expect(mod.locator(f"#m{waiting.pk} input[type=checkbox]")).to_be_checked()
    # The keys work on the new list: approve the current (first) comment.
    mod.locator("body").press("a")
    expect(mod.locator(".messages")).to_contain_text("Done for 1 comment(s): approved.")


def test_closing_the_discussion_tells_the_open_page(browser, site, thread, post_as):
    from parley.discussion.actions import set_thread_open

    said = post_as(thread, "Ana", "Before it closed.")
    b = _reader(browser, site)
    b.goto(URL)
    _streaming(b)
    set_thread_open(thread, False)
    notice = b.locator(".live-notice")
    expect(notice).to_contain_text(
        "This discussion changed since the page was opened.", timeout=SECOND
    )
    with b.expect_navigation():
        notice.get_by_role("link", name="Reload the page").click()
    expect(b.locator(".live-notice")).to_be_hidden()
    expect(b.locator(f"#c{said.pk} > .comment-actions a.reply")).to_have_count(0)


def test_an_approval_reaches_the_author_of_the_held_comment(browser, site, thread, moderator):
    from parley.moderation.actions import decide

    set_mode("all")
    a = _reader(browser, site)
    a.goto(URL)
    mine = _post(a, "Held until a moderator reads it.")
    assert mine.status == "pending"
    node = a.locator(f"#c{mine.pk}")
    expect(node.locator("> summary .badge--awaiting")).to_have_text("Awaiting review")
    _streaming(a)
    decide(mine, "approve", by=moderator, expected="pending")
    expect(node.locator("> summary .badge--awaiting")).to_have_count(0, timeout=SECOND)
    expect(node.locator("> .comment-body")).to_have_text("Held until a moderator reads it.")
    expect(node.locator("> .comment-actions a.reply")).to_have_count(1)
    expect(a.locator(".new-comments")).to_be_hidden()
    expect(a.locator("#comments-title")).to_have_text("1 comment")
