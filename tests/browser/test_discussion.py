"""A reader in headless Chromium: reads the dossier, posts, replies, quotes, edits, deletes.

Every step is checked on the screen the reader sees (visible text, links, positions); the
database is looked at only to learn the ids of what was posted, or that nothing was stored.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from playwright.sync_api import Page, expect

from parley.discussion.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"


def _select(page: Page, selector: str, text: str, *, through: str | None = None) -> None:
    """Select `text` inside the element, as a reader dragging the mouse would.

    With `through`, the selection starts at the first character of `text` and runs to the
    end of the element matched by `through` (across labels and links, as a careless drag).
    """
    page.evaluate(
        """([selector, text, through]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const at = node.textContent.indexOf(text);
                if (at < 0) { continue; }
                const range = document.createRange();
                range.setStart(node, at);
                if (through) {
                    range.setEndAfter(document.querySelector(through).lastChild);
                } else {
                    range.setEnd(node, at + text.length);
                }
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                document.dispatchEvent(new Event("selectionchange"));
                return;
            }
            throw new Error("text not found: " + text);
        }""",
        [selector, text, through],
    )


def _quote_selection(page: Page) -> None:
    button = page.locator(".quote-button")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_be_hidden()


def _post(page: Page, body: str, name: str | None = "Rita Reader") -> None:
    """Fill the comment form (keeping what quoting put there) and send it."""
    form = page.locator("#reply-form")
    if name is not None and form.locator("input[name=name]").count():
        form.locator("input[name=name]").fill(name)
    textarea = form.locator("textarea[name=body]")
    textarea.fill(textarea.input_value() + body)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _comment(page: Page, comment: Comment):
    return page.locator(f"#c{comment.pk}")


# -- reading --------------------------------------------------------------------------------------


def test_reader_sees_documents_in_event_order_and_follows_the_contents(page, dossier):
    page.goto(URL)
    expect(page.locator("h1")).to_have_text("The Lastovo crossing")
    expect(page.locator(".introduction strong")).to_have_text("reopening")
    in_order = ["Letter to the Minister", "Ministry welcomes reopening", "Press briefing"]
    expect(page.locator(".toc li > a")).to_have_text([*map(re.compile, in_order), "Discussion"])
    expect(page.locator("section.document h2")).to_have_text(in_order)
    expect(page.locator("#letter .dateline")).to_contain_text("Embassy of Ostrava · Vienna")
    expect(page.locator("#briefing .turn--question .speaker").first).to_have_text("Question")
    expect(page.locator("#briefing .turn--answer .speaker").first).to_have_text("Ana Petrov")

    page.locator(".toc a", has_text="Press briefing").click()
    expect(page).to_have_url(re.compile(r"/posts/lastovo/#briefing$"))
    expect(page.locator("#briefing h2")).to_be_in_viewport()
    page.locator(".toc a", has_text="Discussion").click()
    expect(page).to_have_url(re.compile(r"#comments$"))
    expect(page.locator("#comments-title")).to_have_text("0 comments")


# -- posting and replying -------------------------------------------------------------------------


def test_guest_posts_then_replies_in_place_and_the_reply_nests(page, dossier):
    page.goto(URL)
    _post(page, "Who signed the letter?")
    first = Comment.objects.get()
    expect(page).to_have_url(re.compile(rf"/posts/lastovo/#c{first.pk}$"))
    node = _comment(page, first)
    expect(node).to_be_in_viewport()
    expect(node.locator("> summary .author")).to_have_text("Rita Reader")
    expect(node.locator("> .comment-body")).to_have_text("Who signed the letter?")
    expect(page.locator("#comments-title")).to_have_text("1 comment")

    before = page.url
    node.locator("> .comment-actions a.reply").click()  # the form moves under the comment
    form = node.locator("> #reply-form")
    expect(form).to_be_visible()
    expect(form.locator(".replying")).to_contain_text("Replying to Rita Reader")
    expect(form.locator("textarea")).to_be_focused()
    expect(page).to_have_url(before)  # moved in place, not loaded with ?reply=
    _post(page, "The ambassador did.", name="Bo Answer")

    reply = Comment.objects.get(parent=first)
    nested = page.locator(f"#c{first.pk} > .replies > #c{reply.pk}")
    expect(nested).to_be_in_viewport()
    expect(nested.locator("> summary .author")).to_have_text("Bo Answer")
    expect(nested.locator("> .comment-body")).to_have_text("The ambassador did.")
    expect(page.locator("#comments-title")).to_have_text("2 comments")
    # The form is back in its place at the top of the discussion.
    expect(page.locator(".discussion-header + #reply-form")).to_have_count(1)


# -- quoting by selection -------------------------------------------------------------------------


def test_quote_document_passages_and_a_comment_by_selecting_text(page, dossier, post_as):
    earlier = post_as(dossier.thread, "Ana Petrova", "The trucks were stuck for three days.")
    page.goto(URL)
    textarea = page.locator("#reply-form textarea")

    _select(page, "#letter-p2", "reopen on Monday at noon")
    _quote_selection(page)
    expect(textarea).to_have_value(":::quote document letter\nreopen on Monday at noon\n:::\n\n")
    # A drag from the speaker's name to past the end of the turn, over its Quote link:
    # only the words said are quoted.
    _select(page, "#briefing-p2", "Ana Petrov", through="#briefing-p2 .said")
    _quote_selection(page)
    expect(textarea).to_have_value(
        re.compile(
            r"\n:::quote document briefing\n"
            r"It will open at noon, as the letter says, and not a minute later\.\n:::\n\n$"
        )
    )
    _select(page, f".comment-body[data-comment='{earlier.pk}']", "stuck for three days")
    _quote_selection(page)
    _post(page, "So which is it?")

    posted = Comment.objects.latest("id")
    node = _comment(page, posted)
    expect(node).to_be_in_viewport()
    letter, briefing = node.locator("blockquote.quote--document").all()
    expect(letter.locator("header a")).to_have_attribute("href", f"{URL}#letter-p2")
    expect(letter.locator("header")).to_contain_text("Embassy of Ostrava · Letter to the Minister")
    expect(letter.locator("p")).to_have_text("reopen on Monday at noon")
    expect(briefing.locator("header a")).to_have_attribute("href", f"{URL}#briefing-p2")
    expect(briefing.locator("p")).to_have_text(re.compile(r"^It will open at noon"))
    comment_quote = node.locator("blockquote.quote--comment")
    expect(comment_quote.locator("header a")).to_have_attribute("href", f"/c/{earlier.pk}/")
    expect(comment_quote.locator("header a")).to_have_text(
        re.compile(r"^Ana Petrova · \d{1,2} \w+ \d{4}, \d\d:\d\d \w+$")
    )
    expect(comment_quote.locator("p")).to_have_text("stuck for three days")
    expect(node.locator("> .comment-body > p").last).to_have_text("So which is it?")

    letter.locator("header a").click()  # back to the exact passage
    expect(page).to_have_url(re.compile(r"#letter-p2$"))
    expect(page.locator("#letter-p2")).to_be_in_viewport()
    comment_quote.locator("header a").click()  # and to the quoted comment
    expect(page).to_have_url(re.compile(rf"/posts/lastovo/#c{earlier.pk}$"))
    expect(_comment(page, earlier)).to_be_in_viewport()


def test_a_selection_across_passages_quotes_each_passage(page, dossier):
    page.goto(URL)
    _select(page, "#letter", "reopen on Monday", through="#letter-p3 p")
    _quote_selection(page)
    expect(page.locator("#reply-form textarea")).to_have_value(
        ":::quote document letter\nreopen on Monday at noon.\n:::\n\n"
        ":::quote document letter\nInspections will be shared between both customs services.\n"
        ":::\n\n"
    )
    _post(page, "Two passages, two quotes.")
    links = page.locator(f"#c{Comment.objects.get().pk} blockquote.quote--document header a")
    expect(links).to_have_count(2)
    assert [link.get_attribute("href") for link in links.all()] == [
        f"{URL}#letter-p2",
        f"{URL}#letter-p3",
    ]


def test_a_mention_links_to_the_persons_latest_comment(page, dossier, post_as):
    post_as(dossier.thread, "Ana Petrova", "Noon, Vienna time.")
    latest = post_as(dossier.thread, "Ana Petrova", "Correction: noon local time.")
    post_as(dossier.thread, "Bo", "Whose local time?")
    page.goto(URL)
    _post(page, "I agree with @Ana Petrova, not with @Nobody Here.")

    node = _comment(page, Comment.objects.latest("id"))
    mention = node.locator("a.mention")
    expect(mention).to_have_count(1)  # only people in the thread become links
    expect(mention).to_have_text("@Ana Petrova")
    expect(mention).to_have_attribute("href", f"/c/{latest.pk}/")
    expect(node.locator(".comment-body")).to_contain_text("not with @Nobody Here.")
    mention.click()
    expect(page).to_have_url(re.compile(rf"/posts/lastovo/#c{latest.pk}$"))
    expect(_comment(page, latest)).to_be_in_viewport()


# -- editing and deleting -------------------------------------------------------------------------


def test_guest_edits_their_comment_and_the_history_keeps_the_earlier_text(page, dossier, post_as):
    page.goto(URL)
    _post(page, "The letter is dated the 2nd.")
    mine = Comment.objects.get()
    theirs = post_as(dossier.thread, "Bo Answer", "No, the 1st.", parent=mine)
    page.goto(URL)

    expect(_comment(page, theirs).locator("a.edit")).to_have_count(0)  # not theirs to edit
    _comment(page, mine).locator("> .comment-actions a.edit").click()
    page.locator("textarea[name=body]").fill("The letter is dated the 1st. My mistake.")
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Save").click()
    expect(page.locator(".message")).to_contain_text("Your comment was updated")
    node = _comment(page, mine)
    expect(node.locator("> .comment-body")).to_have_text("The letter is dated the 1st. My mistake.")
    expect(node.locator("> summary a.edited")).to_have_text("edited")

    node.locator("> summary a.edited").click()
    expect(page.locator("h1")).to_have_text("History of Rita Reader’s comment")
    expect(page.locator(".revision--current .comment-body")).to_have_text(
        "The letter is dated the 1st. My mistake."
    )
    expect(page.locator(".revision:not(.revision--current) .comment-body")).to_have_text(
        "The letter is dated the 2nd."
    )


def test_deleting_leaves_a_placeholder_over_replies_and_removes_a_comment_without(
    page, dossier, post_as
):
    page.goto(URL)
    _post(page, "First thoughts.")
    answered = Comment.objects.get()
    post_as(dossier.thread, "Bo Answer", "An answer that must stay.", parent=answered)
    page.goto(URL)
    _post(page, "Second thoughts.")
    alone = Comment.objects.latest("id")
    expect(page.locator("#comments-title")).to_have_text("3 comments")

    _comment(page, answered).locator("> .comment-actions a.delete").click()
    expect(page.locator(".notice")).to_contain_text("It has replies")
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Delete").click()
    expect(page.locator(".message")).to_have_text("Your comment was deleted.")
    node = _comment(page, answered)
    expect(node.locator("> .comment-body")).to_have_text("This comment was deleted.")
    expect(node.locator("> summary .author")).to_have_text("deleted")
    expect(node.locator("> .replies .comment-body")).to_have_text("An answer that must stay.")
    expect(node.locator("a.reply, a.edit")).to_have_count(1)  # only the answer's Reply link

    _comment(page, alone).locator("> .comment-actions a.delete").click()
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Delete").click()
    expect(page).to_have_url(re.compile(r"/posts/lastovo/#comments$"))
    expect(_comment(page, alone)).to_have_count(0)
    expect(page.get_by_text("Second thoughts.")).to_have_count(0)
    expect(page.locator("#comments-title")).to_have_text("1 comment")


# -- errors ---------------------------------------------------------------------------------------


def test_an_empty_comment_shows_the_error_by_the_form_and_stores_nothing(page, dossier):
    page.goto(URL)
    _post(page, "   ")
    error = page.locator("#form-error")
    expect(error).to_have_text("Write something before posting: the comment is empty.")
    expect(error).to_be_in_viewport()  # not left below the documents, out of sight
    textarea = page.locator("#reply-form textarea")
    expect(textarea).to_have_attribute("aria-invalid", "true")
    expect(textarea).to_be_focused()
    expect(page.locator("#reply-form input[name=name]")).to_have_value("Rita Reader")
    expect(page.locator("details.node")).to_have_count(0)
    assert not Comment.objects.exists()


# -- long threads ---------------------------------------------------------------------------------


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
    expect(page.locator(f"#c{top.pk} > .comment-body")).to_be_hidden()
    expect(page.locator(f"#c{top.pk} > summary .collapsed-note")).to_have_text("1 reply hidden")
    page.locator(f"#c{top.pk} > summary .author").click()
    expect(replies).to_be_visible()

    bodies = page.locator("details.node > .comment-body")
    expect(bodies).to_have_text(["Top", "Reply", "Later comment 0"])
    page.locator("a.load-more").click()
    expect(bodies).to_have_text(
        ["Top", "Reply", "Later comment 0", "Later comment 1", "Later comment 2", "Later comment 3"]
    )
    expect(page.locator("a.load-more")).to_have_count(0)  # that was the last page
    expect(page).to_have_url(re.compile(r"/posts/lastovo/$"))  # loaded in place


def test_a_deep_thread_stops_indenting_and_says_whom_deeper_replies_answer(
    page, dossier, post_as, settings
):
    settings.PARLEY_COMMENT_RATE = None
    limit = settings.PARLEY_MAX_INDENT
    parent = post_as(dossier.thread, "Level 0", "Start")
    chain = [parent]
    for depth in range(1, 15):
        parent = post_as(dossier.thread, f"Level {depth}", f"Depth {depth}", parent=parent)
        chain.append(parent)
    page.goto(URL)

    for width in (1280, 390):  # desktop, then phone
        page.set_viewport_size({"width": width, "height": 900})
        left = [_comment(page, c).locator("> .comment-body").bounding_box()["x"] for c in chain]
        steps = [b - a for a, b in pairwise(left)]
        assert all(step > 0 for step in steps[:limit]), (width, steps)  # one step per level
        assert all(step == 0 for step in steps[limit:]), (width, steps)  # then lined up
        assert left[limit] - left[0] < width / 3, (width, left)  # room left to read
        text = _comment(page, chain[-1]).locator("> .comment-body").bounding_box()["width"]
        assert text > 250, (width, text)  # the deepest replies still have a readable measure

    for depth, comment in enumerate(chain):
        says = _comment(page, comment).locator("> summary .in-reply-to")
        if depth <= limit:
            expect(says).to_have_count(0)
        else:
            expect(says).to_have_text(f"in reply to Level {depth - 1}")
            expect(says).to_have_attribute("href", f"/c/{chain[depth - 1].pk}/")


# -- without JavaScript ---------------------------------------------------------------------------


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, timezone_id="Europe/Lisbon"
    )
    yield context.new_page()
    context.close()


def test_without_javascript_quote_links_prefill_the_form_and_posting_works(
    no_js_page, dossier, post_as
):
    page = no_js_page
    source = post_as(dossier.thread, "Ana", "The crossing opens at noon.")
    page.goto(URL)
    _comment(page, source).locator("a.quote-link").click()
    expect(page).to_have_url(re.compile(rf"\?quote=c{source.pk}#reply-form$"))
    textarea = page.locator("#reply-form textarea")
    expect(textarea).to_have_value(
        f":::quote comment {source.pk}\nThe crossing opens at noon.\n:::\n\n"
    )
    expect(page.locator("#reply-form .replying")).to_contain_text("Replying to Ana")
    _post(page, "Noon in which time zone?", name="Nils NoScript")

    posted = Comment.objects.get(author_name="Nils NoScript")
    node = page.locator(f"#c{source.pk} > .replies > #c{posted.pk}")
    expect(node.locator("> summary .author")).to_have_text("Nils NoScript")
    expect(node.locator("blockquote.quote--comment header a")).to_have_attribute(
        "href", f"/c/{source.pk}/"
    )
    expect(node.locator("blockquote.quote--comment p")).to_have_text("The crossing opens at noon.")

    page.locator("#briefing-p2 a.passage-quote").click()  # a document passage's Quote link
    expect(textarea).to_have_value(
        ":::quote document briefing\n"
        "It will open at noon, as the letter says, and not a minute later.\n:::\n\n"
    )
    _post(page, "Noon it is.", name="Nils NoScript")
    quote = page.locator(f"#c{Comment.objects.latest('id').pk} blockquote.quote--document")
    expect(quote.locator("header a")).to_have_attribute("href", f"{URL}#briefing-p2")


def test_without_javascript_load_more_is_a_link_to_the_next_page(
    no_js_page, dossier, post_as, settings
):
    settings.PARLEY_PAGE_SIZE = 2
    settings.PARLEY_COMMENT_RATE = None
    for n in range(5):
        post_as(dossier.thread, f"Reader {n}", f"Comment {n}")
    page = no_js_page
    page.goto(URL)
    bodies = page.locator("details.node > .comment-body")
    expect(bodies).to_have_text(["Comment 0", "Comment 1"])
    page.locator("a.load-more").click()
    expect(page).to_have_url(re.compile(r"/posts/lastovo/\?sort=oldest&page=2#comments$"))
    expect(bodies).to_have_text(["Comment 2", "Comment 3"])
    expect(page.locator(".pager a")).to_have_text("Earlier comments")
