"""A reader in headless Chromium reads a Portuguese comment in English, looks at the original,
and switches the language they read in; a translation made meanwhile arrives in the open page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parley.language.translations import translate_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/posts/lastovo/"
PT = "O governo mentiu sobre a barragem e ninguém foi responsabilizado."
EN = "The minister signed the letter two days before the meeting, not after it."


def test_reader_reads_a_translation_toggles_the_original_and_switches_language(
    page, thread, post_as
):
    portuguese = post_as(thread, "Rafael Costa", PT)
    english = post_as(thread, "Ana Lima", EN)
    assert translate_now("comment", portuguese.pk, "en") == "done"

    page.goto(URL)  # the browser asks for en-GB
    node = page.locator(f"#c{portuguese.pk}")
    note = node.locator(".translation-note")
    expect(note).to_contain_text("Translated from Portuguese by Bergamot")
    expect(node.locator(".comment-body.translated")).to_contain_text(
        "The government lied about the dam"
    )
    expect(node.locator(".comment-body.original")).to_be_hidden()

    note.get_by_role("link", name="Show original").click()
    expect(node.locator(".comment-body.original")).to_have_text(PT)
    expect(node.locator(".comment-body.translated")).to_be_hidden()
    expect(note).to_contain_text("Written in Portuguese")
    note.get_by_role("link", name="Show translation").click()
    expect(node.locator(".comment-body.translated")).to_be_visible()
    expect(node.locator(".comment-body.original")).to_be_hidden()

    # Reading in Portuguese: the Portuguese comment as written, the English one on its way.
    page.locator(".language-picker select").select_option("pt")
    expect(page.locator(".language-picker select")).to_have_value("pt")
    expect(node.locator(".comment-body")).to_have_text(PT)
    expect(node.locator(".translation-note")).to_have_count(0)
    other = page.locator(f"#c{english.pk}")
    expect(other.locator(".translation-note")).to_have_text(
        "Written in English · translating into Portuguese…"
    )
    expect(other.locator(".comment-body")).to_have_text(EN)

    # The worker translates it; the open page puts it in place without a reload.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(other.locator(".translation-note")).to_contain_text(
        "Translated from English by Bergamot", timeout=20_000
    )
    expect(other.locator(".comment-body.translated")).to_contain_text("ministro")
    # The choice is remembered on the next visit.
    page.goto(URL)
    expect(page.locator(".language-picker select")).to_have_value("pt")
