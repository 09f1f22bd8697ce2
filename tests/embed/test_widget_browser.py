"""The widget in a real browser, on another site's page (the two origins and the browser:
tests/embed/widget_pages.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from parley.discussion.models import Comment, Vote
from parley.embed.actions import open_page
from parley.embed.models import EmbeddedPage, Site
from parley.language.translations import translate_now
from parley.moderation.models import Flag
from tests.conftest import ROOT
from tests.embed.widget_pages import blog, ready, snippet, thread_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PT = "O governo mentiu sobre a barragem e ninguém foi responsabilizado."
EN = "The minister signed the letter two days before the meeting, not after it."
WORDS = "letter minister crossing trucks customs noon Monday treaty border".split()


# -- the browser --------------------------------------------------------------------------


def test_the_browser_sends_no_parley_cookie_from_the_site_s_page(reader, host_site, parley):
    origin, pages = host_site()
    pages["/hello/"] = snippet(parley)
    page = reader()
    # Parley sets a cookie that browsers would send anywhere, were third-party cookies allowed.
    page.goto(parley + "/embed.js")
    page.evaluate("document.cookie = 'probe=1; SameSite=None; Secure; Path=/'")
    with page.expect_request(f"{parley}/count.js") as first:
        page.evaluate("url => fetch(url, {credentials: 'include'})", parley + "/count.js")
    assert "probe=1" in first.value.all_headers().get("cookie", "")  # first party: sent

    page.goto(origin + "/hello/")
    with page.expect_request(f"{parley}/count.js") as third:
        page.evaluate(
            "url => fetch(url, {credentials: 'include', mode: 'no-cors'})",
            parley + "/count.js",
        )
    assert "cookie" not in third.value.all_headers()  # third party: blocked


def test_the_widget_adds_one_global_and_nothing_to_the_page_s_styles(
    reader, host_site, parley, post_as
):
    origin, pages = host_site()
    blog(origin)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.add_init_script("window.__before = Object.keys(window)")
    page.goto(origin + "/hello/")
    widget = ready(page)
    # The page's own styles reach the widget only through its custom properties.
    button = page.get_by_role("button", name="Post comment")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 92, 173)"
    widget.evaluate("el => el.style.setProperty('--parley-accent', 'rgb(122, 31, 92)')")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 31, 92)"
    added = page.evaluate(
        "Object.keys(window).filter(k => k !== '__before' && !window.__before.includes(k))"
    )
    assert added == ["Parley"]
    assert page.evaluate("document.styleSheets.length") == 0
    assert page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').length") == 0
    assert widget.evaluate("el => el.shadowRoot.mode") == "open"
    assert page.evaluate("typeof Parley.mount + typeof Parley.destroy + typeof Parley.update")
    assert (
        page.evaluate("Parley.version")
        == json.loads((ROOT / "package.json").read_text())["version"]
    )
    marks = page.evaluate("performance.getEntriesByType('mark').map(m => m.name)")
    assert marks == ["parley:answer", "parley:render"]
    # The first render took two requests to Parley: the script and the thread.
    asked = page.evaluate(
        "origin => performance.getEntriesByType('resource')"
        ".filter(r => r.name.startsWith(origin)).map(r => new URL(r.name).pathname)",
        parley,
    )
    assert asked == ["/embed.js", "/api/v1/embed/thread"]
    # A single-page site shows another page's thread in the same element.
    other = thread_of(Site.objects.get(), origin, "/other/")
    post_as(other, "Ana Lima", EN)
    page.evaluate(
        "url => Parley.update(document.querySelector('[data-parley-thread]'), {url})",
        origin + "/other/",
    )
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    page.evaluate("Parley.destroy(document.querySelector('[data-parley-thread]'))")
    expect(widget).not_to_have_attribute("data-parley-state", "ready")
    assert page.errors == []


# -- a guest's discussion ------------------------------------------------------------------


def test_a_guest_comments_replies_quotes_and_edits_within_the_window(
    reader, host_site, parley, no_rate_limit
):
    origin, pages = host_site()
    blog(origin)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()

    # The page's first comment opens its thread.
    page.get_by_label("Comment", exact=True).fill("The letter was signed on Monday morning.")
    page.get_by_label("Name").fill("Ana Lima")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status").filter(has_text="published")).to_be_visible()
    first = Comment.objects.get()
    assert first.author_name == "Ana Lima"
    assert EmbeddedPage.objects.get().post.thread == first.thread
    node = page.locator(f"#parley-comment-{first.pk}")
    expect(node).to_contain_text("The letter was signed on Monday morning.")
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()

    # A reply, quoting words selected in the first comment.
    node.get_by_role("button", name="Reply").click()
    expect(page.get_by_text("Replying to Ana Lima")).to_be_visible()
    node.locator(".body.original p").evaluate(
        """p => {
            const text = p.firstChild, start = text.data.indexOf('signed on Monday');
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + 'signed on Monday'.length);
            const selection = p.getRootNode().getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    page.locator(".quote-selection").click()
    body = page.get_by_label("Comment", exact=True)
    expect(body).to_have_value(f":::quote comment {first.pk}\nsigned on Monday\n:::\n\n")
    body.press("End")
    body.type("No, on Tuesday.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="2 comments")).to_be_visible()
    reply = Comment.objects.exclude(pk=first.pk).get()
    assert reply.parent_id == first.pk
    assert reply.quotes.get().source_comment_id == first.pk
    expect(page.locator(f"#parley-comment-{reply.pk} blockquote")).to_contain_text(
        "signed on Monday"
    )

    # Editing within the window, with the edit token kept in the page's storage.
    stored = page.evaluate(f"JSON.parse(localStorage['parley:{parley}:edits'])")
    assert set(stored) == {str(first.pk), str(reply.pk)}
    mine = page.locator(f"#parley-comment-{first.pk}")
    mine.get_by_role("button", name="Edit").click()
    field = mine.get_by_label("Comment")
    expect(field).to_have_value("The letter was signed on Monday morning.")
    field.fill("The letter was signed on Monday at nine.")
    mine.get_by_role("button", name="Save").click()
    expect(mine.locator(".body")).to_contain_text("Monday at nine")
    first.refresh_from_db()
    assert first.body == "The letter was signed on Monday at nine."

    # After a reload: the comment still has its Edit button and its permalink opens it.
    page.goto(f"{origin}/hello/#parley-comment-{reply.pk}")
    ready(page)
    target = page.locator(f"#parley-comment-{reply.pk}")
    expect(target).to_have_class("comment d1 target")
    expect(target.locator("a.when")).to_have_attribute("href", f"#parley-comment-{reply.pk}")
    expect(page.locator(f"#parley-comment-{first.pk}").get_by_role("button", name="Edit"))
    # Past the window, no more Edit.
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    page.reload()
    ready(page)
    expect(
        page.locator(f"#parley-comment-{first.pk}").get_by_role("button", name="Edit")
    ).to_have_count(0)
    # The reply, still within it, can be deleted.
    page.locator(f"#parley-comment-{reply.pk}").get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(f"#parley-comment-{reply.pk}")).to_have_count(0)
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    assert not Comment.objects.filter(pk=reply.pk, status=Comment.Status.PUBLISHED).exists()
    assert page.errors == []


def test_the_reader_switches_language_and_reads_a_translation(reader, host_site, parley, post_as):
    origin, pages = host_site()
    site = blog(origin)
    thread = thread_of(site, origin)
    portuguese = post_as(thread, "Rafael Costa", PT)
    english = post_as(thread, "Ana Lima", EN)
    assert translate_now("comment", portuguese.pk, "en") == "done"
    pages["/hello/"] = snippet(parley, attributes='data-parley-lang="pt"')
    page = reader(locale="pt-PT")
    page.goto(origin + "/hello/")
    ready(page)
    node = page.locator(f"#parley-comment-{portuguese.pk}")
    expect(node.locator(".body.original")).to_have_text(PT)
    expect(page.get_by_role("heading", name="2 comentários")).to_be_visible()
    # The English one is being translated: the widget asks again until it comes.
    other = page.locator(f"#parley-comment-{english.pk}")
    expect(other.locator(".translation-note")).to_have_text("Escrito em inglês · a traduzir…")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(other.locator(".translation-note")).to_contain_text(
        "Traduzido do inglês", timeout=20_000
    )
    expect(other.locator(".body.translated")).to_contain_text("ministro")

    page.get_by_label("Ler em").select_option("en")
    ready(page)
    expect(page.get_by_role("heading", name="2 comments")).to_be_visible()
    note = node.locator(".translation-note")
    expect(note).to_contain_text("Translated from Portuguese")
    expect(node.locator(".body.translated")).to_contain_text("The government lied about the dam")
    expect(node.locator(".body.original")).to_be_hidden()
    note.get_by_role("button", name="Show original").click()
    expect(node.locator(".body.original")).to_have_text(PT)
    expect(node.locator(".body.translated")).to_be_hidden()
    note.get_by_role("button", name="Show translation").click()
    expect(node.locator(".body.translated")).to_be_visible()
    assert page.errors == []


def test_a_reader_signs_in_through_the_pop_up_comments_as_their_account_and_signs_out(
    reader, host_site, parley, rosa, no_rate_limit
):
    origin, pages = host_site()
    blog(origin)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Sign in").click()
    popup = opened.value
    popup.wait_for_load_state()
    popup.get_by_role("link", name=re.compile("log in", re.IGNORECASE)).first.click()
    popup.get_by_label("User name").fill("rosa")
    popup.get_by_label("Password").fill("rosa-pass-1234")
    popup.locator("main").get_by_role("button", name="Log in").click()
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Allow").click()
    ready(page)
    expect(page.get_by_text("Commenting as Rosa Lima")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_count(0)
    page.get_by_label("Comment", exact=True).fill("Signed in from the blog's own page.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment").filter(has_text="Signed in from")).to_contain_text("Rosa Lima")
    assert Comment.objects.get().author == rosa

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate(f"localStorage['parley:{parley}:session']") is None
    assert page.errors == []


def test_a_reader_marks_a_comment_useful_and_flags_it(reader, host_site, parley, post_as):
    origin, pages = host_site()
    site = blog(origin)
    comment = post_as(thread_of(site, origin), "Ana Lima", EN)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    node = page.locator(f"#parley-comment-{comment.pk}")
    vote = node.get_by_role("button", name="Useful")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_contain_text("Useful · 1")
    assert Vote.objects.get(comment=comment).value == 1

    node.get_by_role("button", name="Flag").click()
    node.get_by_label("Reason").select_option("offtopic")
    node.get_by_label("Anything to add").fill("Not about the letter at all.")
    node.get_by_role("button", name="Send to moderators").click()
    expect(node.get_by_role("status")).to_have_text(
        "Thank you: moderators will look at this comment."
    )
    flag = Flag.objects.get(comment=comment)
    assert flag.reason == "offtopic"
    assert page.errors == []


def test_load_more_and_a_permalink_past_the_first_page(
    reader, host_site, parley, post_as, no_rate_limit
):
    origin, pages = host_site()
    site = blog(origin)
    thread = thread_of(site, origin)
    for n in range(56):
        post_as(thread, f"Reader {n}", f"Comment {n}: " + " ".join(WORDS[n % 7 :] * 2))
    published = list(Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by("pk"))
    assert len(published) > 50
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    expect(page.get_by_role("heading", name=f"{len(published)} comments")).to_be_visible()
    expect(page.locator("li.comment")).to_have_count(50)
    page.get_by_role("button", name="Load more comments").click()
    expect(page.locator("li.comment")).to_have_count(len(published))
    expect(page.get_by_role("button", name="Load more comments")).to_have_count(0)

    last = published[-1]
    page.goto(f"{origin}/hello/#parley-comment-{last.pk}")
    ready(page)
    target = page.locator(f"#parley-comment-{last.pk}")
    expect(target).to_have_class("comment d0 target")
    expect(target).to_be_in_viewport()

    page.get_by_label("Sort by").select_option("newest")
    ready(page)
    expect(page.locator("li.comment").first).to_have_attribute("id", f"parley-comment-{last.pk}")
    assert page.errors == []


def sso_payload(secret: str, **identity) -> str:
    data = {
        "exp": int(time.time()) + 3600,
        "nonce": hashlib.sha256(str(time.time_ns()).encode()).hexdigest()[:16],
        **identity,
    }
    part = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    signature = hmac.new(secret.encode(), part.encode(), hashlib.sha256).hexdigest()
    return f"{part}.{signature}"


def test_a_reader_signed_in_on_the_site_comments_as_themselves(
    reader, host_site, parley, no_rate_limit
):
    origin, pages = host_site()
    site = blog(origin)
    payload = sso_payload(site.sso_secret, id="u-17", name="Iva Site", email="iva@example.org")
    pages["/hello/"] = snippet(parley, attributes=f'data-parley-sso="{payload}"')
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    expect(page.get_by_text("Commenting as Iva Site")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_count(0)
    page.get_by_label("Comment", exact=True).fill("Written by the site's own reader.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment").filter(has_text="Written by")).to_contain_text("Iva Site")
    comment = Comment.objects.get()
    assert comment.author_name == "Iva Site" or comment.author.display_name == "Iva Site"
    session = page.evaluate(f"JSON.parse(localStorage['parley:{parley}:session'])")
    assert session["kind"] == "sso" and session["sso_id"] == "u-17"
    assert page.errors == []


def test_a_held_comment_is_shown_to_its_author_also_after_a_reload(
    reader, host_site, parley, no_rate_limit
):
    origin, pages = host_site()
    blog(origin, hold_for_review=True)
    pages["/hello/"] = snippet(parley)
    page = reader()
    page.goto(origin + "/hello/")
    ready(page)
    page.get_by_label("Comment", exact=True).fill("Held until a moderator reads it, surely.")
    page.get_by_label("Name").fill("Ana Lima")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment .badge.awaiting")).to_have_text("Awaiting review")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    node = page.locator(f"#parley-comment-{comment.pk}")
    expect(node.locator(".held")).to_be_visible()
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()

    page.reload()
    ready(page)
    expect(node.locator(".badge.awaiting")).to_have_text("Awaiting review")
    expect(node).to_contain_text("Held until a moderator reads it")
    # Another reader does not see it.
    other = reader()
    other.goto(origin + "/hello/")
    ready(other)
    expect(other.locator(f"#parley-comment-{comment.pk}")).to_have_count(0)
    assert page.errors == []


def test_the_widget_loads_when_it_nears_the_screen_unless_told_otherwise(reader, host_site, parley):
    origin, pages = host_site()
    blog(origin)
    spacer = '<div style="height: 5000px">A long post.</div>'
    pages["/lazy/"] = snippet(parley, before=spacer).replace('data-parley-lazy="false"', "")
    pages["/eager/"] = snippet(parley, before=spacer)
    page = reader()
    page.goto(origin + "/lazy/")
    widget = page.locator("[data-parley-thread]")
    expect(widget).to_have_attribute("data-parley-state", "loading")
    page.wait_for_timeout(300)
    assert page.evaluate("performance.getEntriesByName('parley:answer').length") == 0
    page.mouse.wheel(0, 4600)
    ready(page)
    page.goto(origin + "/eager/")
    ready(page)
    assert page.errors == []


# -- counts, and a page that may not use the comments --------------------------------------


def test_counts_appear_on_an_index_page(reader, host_site, parley, post_as):
    origin, pages = host_site()
    site = blog(origin)
    for path, n in (("/one/", 2), ("/two/", 1)):
        thread = thread_of(site, origin, path)
        for i in range(n):
            post_as(thread, f"Reader {i}", f"Comment number {i} on {path}, long enough.")
    # A page known by its data-parley-id, which the index links under another address.
    known, _ = open_page(
        site,
        origin=origin,
        client="test",
        url=origin + "/2024/four/",
        title="Four",
        identifier="p4",
    )
    post_as(known.post.thread, "Reader", "Counted by the page's id, wherever it moved.")
    pages["/"] = (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Index</title>'
        '<a href="/one/#comments" data-parley-count id="one">one</a>'
        f'<span data-parley-count="{origin}/two/" id="two">two</span>'
        f'<span data-parley-count="{origin}/three/" id="three">three</span>'
        '<a href="/four/#comments" data-parley-count data-parley-id="p4" id="four">four</a>'
        f'<script async src="{parley}/count.js"></script>'
    )
    page = reader()
    page.goto(origin + "/")
    expect(page.locator("#one")).to_have_text("2 comments")
    expect(page.locator("#two")).to_have_text("1 comment")
    expect(page.locator("#three")).to_have_text("0 comments")
    expect(page.locator("#four")).to_have_text("1 comment")
    assert page.errors == []


def test_a_page_of_another_origin_gets_the_error_state_and_creates_nothing(
    reader, host_site, parley
):
    origin, _ = host_site()
    blog(origin)
    hostile, pages = host_site()  # another port: an origin no site lists
    pages["/steal/"] = snippet(parley)
    page = reader()
    page.goto(hostile + "/steal/")
    widget = page.locator("[data-parley-thread]")
    expect(widget).to_have_attribute("data-parley-state", "error", timeout=15_000)
    expect(widget.get_by_role("alert")).to_have_text(
        f"The comments cannot be shown on this page: {parley} does not serve this site."
    )
    assert any("Parley:" in error for error in page.errors)
    assert not EmbeddedPage.objects.exists()
    assert not Comment.objects.exists()


# -- accessibility and looks ---------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_serious_violation_in_the_widget(
    reader, host_site, parley, post_as, theme, tmp_path
):
    origin, pages = host_site()
    site = blog(origin)
    thread = thread_of(site, origin)
    first = post_as(thread, "Ana Lima", EN)
    post_as(thread, "Rafael Costa", "I read it **differently**: see the transcript.", parent=first)
    background = "#111" if theme == "dark" else "#fff"
    pages["/hello/"] = snippet(
        parley,
        attributes=f'data-parley-theme="{theme}"',
        before=f"<main><p>A post.</p></main><style>body{{background:{background}}}</style>",
    )
    for name, viewport in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page = reader(viewport={"width": viewport[0], "height": viewport[1]})
        page.goto(origin + "/hello/")
        ready(page)
        page.locator(f"#parley-comment-{first.pk}").get_by_role("button", name="Flag").click()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
                const result = await axe.run({include: [['[data-parley-thread]']]},
                                             {resultTypes: ['violations']});
                return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
            }"""
        )
        assert violations == [], violations
        page.screenshot(path=str(tmp_path / f"widget-{theme}-{name}.png"), full_page=True)
