"""A newcomer's first minutes with the demo that `make run` loads."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parley.discussion.models import Comment
from parley.publishing.models import Post
from tests.browser.test_discussion import _post, _select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_joins_the_demo_discussion(page, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    post = Post.objects.get()
    letter = post.documents.get(kind="letter")
    url = post.get_absolute_url()

    page.goto(url)
    expect(page.locator("h1")).to_have_text(post.title)
    expect(page.locator("#comments-title")).to_contain_text(f"{post.thread.comment_count} comments")
    expect(page.locator("details.node").first).to_be_visible()
    expect(page.locator("blockquote.quote").first).to_be_visible()
    expect(page.locator("a.load-more")).to_be_visible()

    # Quote the letter's second passage and post as a guest.
    passage = f"#{letter.slug}-p2"
    words = " ".join(page.locator(f"{passage} p").first.inner_text().split()[:6])
    _select(page, passage, words)
    page.locator(".quote-button").click()
    _post(page, "Is that what the letter really says?", name="Newcomer Nora")
    mine = Comment.objects.get(author_name="Newcomer Nora")
    node = page.locator(f"#c{mine.pk}")
    expect(node.locator("> .comment-body blockquote.quote--document header a")).to_have_attribute(
        "href", f"{url}#{letter.slug}-p2"
    )

    # Reply to the first comment on the page, in place.
    first = page.locator("details.node").first
    first_id = int(first.get_attribute("id")[1:])
    first.locator("> .comment-actions a.reply").click()
    _post(page, "Welcome to the thread.", name="Newcomer Nora")
    reply = Comment.objects.get(author_name="Newcomer Nora", parent_id=first_id)
    expect(page).to_have_url(re.compile(rf"#c{reply.pk}$"))
    expect(page.locator(f"#c{first_id} > .replies > #c{reply.pk}")).to_be_visible()
