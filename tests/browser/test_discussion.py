"""A reader in headless Chromium: reads the dossier, posts, replies, quotes, edits, deletes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parley.discussion.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"


def _select(page, selector: str, text: str) -> None:
    """Select `text` inside the element, as a reader dragging the mouse would."""
    page.evaluate(
        """([selector, text]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const at = node.textContent.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found: " + text);
        }""",
        [selector, text],
    )


def _post(page, body: str, name: str | None = "Rita Reader") -> None:
    form = page.locator("#reply-form")
    if name is not None and form.locator("input[name=name]").count():
        form.locator("input[name=name]").fill(name)
    textarea = form.locator("textarea[name=body]")
    textarea.fill(textarea.input_value() + body)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_reader_sees_documents_in_event_order_and_follows_the_contents(page, dossier):
    page.goto(URL)
    expect(page.locator("h1")).to_have_text("The Lastovo crossing")
    titles = page.locator("section.document h2").all_inner_texts()
    assert titles == ["Letter to the Minister", "Ministry welcomes reopening", "Press briefing"]
    expect(page.locator("#briefing .turn--question .speaker").first).to_have_text("Question")
    page.locator(".toc a", has_text="Press briefing").click()
    expect(page).to_have_url(re.compile(r"#briefing$"))


def test_post_reply_in_place_and_see_the_nesting(page, dossier):
    page.goto(URL)
    _post(page, "Who signed the letter?")
    first = Comment.objects.get()
    expect(page).to_have_url(re.compile(rf"#c{first.pk}$"))
    node = page.locator(f"#c{first.pk}")
    expect(node.locator(".author")).to_have_text("Rita Reader")
    expect(node.locator(".comment-body")).to_have_text("Who signed the letter?")

    node.locator("a.reply").click()  # the form moves under the comment
    expect(page.locator(f"#c{first.pk} > #reply-form")).to_have_count(1)
    expect(page.locator("#reply-form .replying-to")).to_have_text("Rita Reader")
    _post(page, "The ambassador did.", name="Bo Answer")
    reply = Comment.objects.get(parent=first)
    expect(page.locator(f"#c{first.pk} > .replies > #c{reply.pk} .author")).to_have_text(
        "Bo Answer"
    )


def test_quote_a_document_passage_and_a_comment_by_selecting_text(page, dossier, post_as):
    earlier = post_as(dossier.thread, "Ana Petrova", "The trucks were stuck for three days.")
    page.goto(URL)

    _select(page, "#letter-p2", "reopen on Monday at noon")
    page.locator(".quote-button").click()
    expect(page.locator("#reply-form textarea")).to_have_value(
        re.compile(r"^:::quote document letter\nreopen on Monday at noon\n:::\n\n$")
    )
    _select(page, f".comment-body[data-comment='{earlier.pk}']", "stuck for three days")
    page.locator(".quote-button").click()
    _post(page, "So which is it? @Ana Petrova")

    posted = Comment.objects.latest("id")
    node = page.locator(f"#c{posted.pk}")
    document_quote = node.locator("blockquote.quote--document")
    expect(document_quote.locator("header a")).to_have_attribute("href", f"{URL}#letter-p2")
    expect(document_quote.locator("header")).to_contain_text("Embassy of Ostrava")
    expect(document_quote.locator("p")).to_have_text("reopen on Monday at noon")
    comment_quote = node.locator("blockquote.quote--comment")
    expect(comment_quote.locator("header a")).to_have_attribute("href", f"/c/{earlier.pk}/")
    expect(comment_quote.locator("header")).to_contain_text(re.compile(r"Ana Petrova · \d+ \w+"))
    expect(node.locator("a.mention")).to_have_attribute("href", f"/c/{earlier.pk}/")

    document_quote.locator("header a").click()  # back to the exact passage
    expect(page).to_have_url(re.compile(r"#letter-p2$"))


def test_edit_keeps_history_and_delete_keeps_replies(page, dossier, post_as):
    page.goto(URL)
    _post(page, "The letter is dated the 2nd.")
    mine = Comment.objects.get()
    post_as(dossier.thread, "Bo Answer", "No, the 1st.", parent=mine)
    page.goto(URL)

    page.locator(f"#c{mine.pk} a.edit").click()
    page.locator("textarea[name=body]").fill("The letter is dated the 1st. My mistake.")
    page.locator("button[type=submit]").click()
    node = page.locator(f"#c{mine.pk}")
    expect(node.locator("> .comment-body")).to_have_text("The letter is dated the 1st. My mistake.")
    node.locator("> summary a.edited").click()
    expect(page.locator(".revision").nth(1)).to_contain_text("The letter is dated the 2nd.")

    page.goto(URL)
    page.locator(f"#c{mine.pk} a.delete").click()
    page.locator("button[type=submit]", has_text="Delete").click()
    page.goto(URL)
    expect(page.locator(f"#c{mine.pk} > .comment-body")).to_have_text("This comment was deleted.")
    expect(page.locator(f"#c{mine.pk} .replies .comment-body")).to_have_text("No, the 1st.")


def test_a_subtree_collapses_and_more_comments_load_in_place(page, dossier, post_as, settings):
    settings.PARLEY_PAGE_SIZE = 3
    settings.PARLEY_COMMENT_RATE = None
    top = post_as(dossier.thread, "Ana", "Top")
    post_as(dossier.thread, "Bo", "Reply", parent=top)
    for n in range(4):
        post_as(dossier.thread, f"Reader {n}", f"Later comment {n}")
    page.goto(URL)
    replies = page.locator(f"#c{top.pk} > .replies")
    expect(replies).to_be_visible()
    page.locator(f"#c{top.pk} > summary .author").click()
    expect(replies).to_be_hidden()
    expect(page.locator(f"#c{top.pk} > summary .collapsed-note")).to_have_text("1 reply hidden")

    expect(page.locator("details.node")).to_have_count(3)
    page.locator("a.load-more").click()
    expect(page.locator("details.node")).to_have_count(6)
    expect(page).to_have_url(re.compile(r"/posts/lastovo/$"))  # loaded in place


def test_empty_comment_shows_the_error_and_stores_nothing(page, dossier):
    page.goto(URL)
    _post(page, "   ")
    expect(page.locator("#form-error")).to_have_text(
        "Write something before posting: the comment is empty."
    )
    assert not Comment.objects.exists()


def test_deep_replies_stop_indenting_and_say_whom_they_answer(page, dossier, post_as, settings):
    settings.PARLEY_COMMENT_RATE = None
    parent = post_as(dossier.thread, "Level 0", "Start")
    chain = [parent]
    for depth in range(1, 12):
        parent = post_as(dossier.thread, f"Level {depth}", f"Depth {depth}", parent=parent)
        chain.append(parent)
    page.goto(URL)
    left = [page.locator(f"#c{c.pk} > .comment-body").bounding_box()["x"] for c in chain]
    assert left[0] < left[3] < left[6]  # indented up to the limit (6)
    assert left[6] == left[7] == left[11]  # then lined up
    expect(page.locator(f"#c{chain[8].pk} > summary .in-reply-to")).to_have_text(
        "in reply to Level 7"
    )


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    yield context.new_page()
    context.close()


def test_without_javascript_quote_links_prefill_and_more_pages_are_links(
    no_js_page, dossier, post_as, settings
):
    settings.PARLEY_PAGE_SIZE = 2
    settings.PARLEY_COMMENT_RATE = None
    source = post_as(dossier.thread, "Ana", "The crossing opens at noon.")
    for n in range(3):
        post_as(dossier.thread, f"Reader {n}", f"Comment {n}")
    page = no_js_page
    page.goto(URL)
    page.locator(f"#c{source.pk} a.quote-link").click()
    expect(page.locator("#reply-form textarea")).to_have_value(
        f":::quote comment {source.pk}\nThe crossing opens at noon.\n:::\n\n"
    )
    _post(page, "Noon in which time zone?", name="Nils NoScript")
    assert Comment.objects.filter(author_name="Nils NoScript", quotes__source_comment=source)

    page.goto(URL)
    page.locator("a.load-more").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("details.node .comment-body").first).to_have_text("Comment 0")
