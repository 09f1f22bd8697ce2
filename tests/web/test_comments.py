"""Writing through the HTML pages: post, reply, quote, edit with history, delete."""

from __future__ import annotations

import re

import pytest

from parley.discussion.models import Comment, Quote, Revision

pytestmark = pytest.mark.django_db


def _post(client, body, **fields):
    data = {"name": "Guest Gil", "body": body, **fields}
    return client.post("/posts/lastovo/comments/", data)


def test_guest_posts_and_lands_on_the_comment(client, thread):
    response = _post(
        client, "Where is the **annex**?", email="gil@example.org", website="gil.example.net"
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/c/{comment.pk}/"
    assert (
        comment.author_name == "Guest Gil" and comment.author_website == "https://gil.example.net"
    )
    html = client.get("/posts/lastovo/").content.decode()
    assert "<strong>annex</strong>" in html and "gil@example.org" not in html
    assert 'href="https://gil.example.net" rel="nofollow ugc noopener noreferrer">Guest Gil' in html


def test_account_posts_under_its_display_name(client, thread, rosa):
    client.force_login(rosa)
    _post(client, "Hello from Rosa", name="ignored")
    comment = Comment.objects.get()
    assert comment.author == rosa and comment.author_name == "Rosa Lima"
    assert (
        "Commenting as <strong>Rosa Lima</strong>" in client.get("/posts/lastovo/").content.decode()
    )


def test_reply_through_the_form(client, thread, post_as):
    parent = post_as(thread, "Ana", "Top")
    html = client.get(f"/posts/lastovo/?reply={parent.pk}").content.decode()
    assert f'name="parent_id" value="{parent.pk}"' in html and "Replying to" in html
    _post(client, "An answer", parent_id=str(parent.pk))
    reply = Comment.objects.get(parent=parent)
    assert reply.depth == 1 and reply.root_id == parent.pk
    parent.refresh_from_db()
    assert parent.reply_count == 1 and parent.subtree_count == 1


def test_quote_link_prefills_the_form_without_javascript(client, thread, post_as):
    source = post_as(thread, "Ana", "The crossing opens at noon.\n\nSecond paragraph.")
    html = client.get(f"/posts/lastovo/?quote=c{source.pk}").content.decode()
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert textarea.startswith(f":::quote comment {source.pk}\nThe crossing opens at noon.")
    body = textarea.replace("&#x27;", "'") + "Not according to the letter."
    _post(client, __import__("html").unescape(body), parent_id=str(source.pk))
    quote = Quote.objects.get()
    assert quote.source_comment == source and "noon" in quote.excerpt
    page = client.get("/posts/lastovo/").content.decode()
    assert re.search(
        rf'<blockquote class="quote quote--comment" data-comment="{source.pk}"><header>'
        rf'<a href="/c/{source.pk}/">Ana · <time class="reader-time" datetime="[^"]+">'
        rf"\d+ \w+ \d{{4}}, \d\d:\d\d \w+</time></a>",
        page,
    )


def test_document_passage_quote_links_to_the_passage(client, thread):
    html = client.get("/posts/lastovo/?quote=d:briefing:2").content.decode()
    assert ":::quote document briefing\nIt will open at noon" in html
    _post(client, ":::quote document briefing\nIt will open at noon\n:::\n\nWhich noon?")
    quote = Quote.objects.get()
    assert quote.source_document.slug == "briefing" and quote.passage == 2
    page = client.get("/posts/lastovo/").content.decode()
    assert (
        '<a href="/posts/lastovo/#briefing-p2">Ministry of Foreign Affairs · Press briefing · '
        "3 February 2022, 11:00 CET</a>"
    ) in page


def test_mentions_link_to_the_latest_comment_of_that_person(client, thread, post_as):
    post_as(thread, "John Smith", "first")
    latest = post_as(thread, "John Smith", "second")
    _post(client, "@John Smith you forgot the annex; @ john smith again; @Nobody")
    html = Comment.objects.latest("id").body_html
    assert html.count(f'href="/c/{latest.pk}/" class="mention"') == 2
    assert "@Nobody" in html


def test_double_submit_with_the_same_form_stores_one_comment(client, thread):
    html = client.get("/posts/lastovo/").content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', html).group(1)
    first = _post(client, "Only once", idempotency_key=key)
    second = _post(client, "Only once", idempotency_key=key)
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_guest_edits_within_the_window_and_history_keeps_the_earlier_version(client, thread):
    _post(client, "Teh first version")
    comment = Comment.objects.get()
    html = client.get("/posts/lastovo/").content.decode()
    assert f'href="/c/{comment.pk}/edit/"' in html  # the cookie token shows the Edit link
    response = client.post(f"/c/{comment.pk}/edit/", {"body": "The first version, fixed"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The first version, fixed" and comment.edited_at is not None
    assert Revision.objects.get(comment=comment).body == "Teh first version"
    page = client.get("/posts/lastovo/").content.decode()
    assert f'<a class="edited" href="/c/{comment.pk}/history/">edited</a>' in page
    history = client.get(f"/c/{comment.pk}/history/").content.decode()
    assert "Teh first version" in history and "The first version, fixed" in history


def test_other_readers_cannot_edit_or_delete(client, thread, post_as):
    comment = post_as(thread, "Ana", "Mine")
    assert f"/c/{comment.pk}/edit/" not in client.get("/posts/lastovo/").content.decode()
    assert client.get(f"/c/{comment.pk}/edit/").status_code == 403
    response = client.post(f"/c/{comment.pk}/edit/", {"body": "Hijacked"})
    assert response.status_code == 403 and "Only the comment" in response.content.decode()
    assert client.post(f"/c/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_edit_window_closes(client, thread, settings):
    _post(client, "Soon frozen")
    comment = Comment.objects.get()
    settings.PARLEY_EDIT_WINDOW_SECONDS = 0
    response = client.post(f"/c/{comment.pk}/edit/", {"body": "Too late"})
    assert response.status_code == 403
    assert (
        "that time has passed" in response.content.decode()
        or "within 0 minutes" in response.content.decode()
    )


def test_account_edits_own_comment_and_moderator_any(client, thread, rosa, moderator, post_as):
    mine = post_as(thread, "", "Rosa's words", user=rosa)
    client.force_login(rosa)
    assert client.post(f"/c/{mine.pk}/edit/", {"body": "Rosa's better words"}).status_code == 302
    client.force_login(moderator)
    assert (
        client.post(f"/c/{mine.pk}/edit/", {"body": "[edited by a moderator]"}).status_code == 302
    )
    assert Revision.objects.filter(comment=mine).count() == 2


def test_delete_through_the_pages(client, thread, post_as):
    _post(client, "Delete me")
    comment = Comment.objects.get()
    assert "Delete your comment?" in client.get(f"/c/{comment.pk}/delete/").content.decode()
    response = client.post(f"/c/{comment.pk}/delete/")
    assert response.status_code == 302
    assert not Comment.objects.exists()
    thread.refresh_from_db()
    assert thread.comment_count == 0


def test_closed_thread_shows_why_and_refuses(client, thread):
    from parley.discussion.actions import set_thread_open

    set_thread_open(thread, False)
    html = client.get("/posts/lastovo/").content.decode()
    assert "This discussion is closed" in html
    response = _post(client, "Too late")
    assert response.status_code == 403 and not Comment.objects.exists()


def test_a_first_name_mentions_the_only_person_with_that_first_name(client, thread, post_as):
    john = post_as(thread, "John Whitfield", "first")
    post_as(thread, "Ana Lima", "one")
    post_as(thread, "Ana Souza", "two")
    _post(client, "@ John on 2 February at 8:15 am was right; @Ana is ambiguous")
    html = Comment.objects.latest("id").body_html
    assert f'<a href="/c/{john.pk}/" class="mention"' in html and ">@ John</a>" in html
    assert "@Ana is ambiguous" in html and html.count('class="mention"') == 1


def test_quote_header_time_follows_the_reader_zone(client, thread, post_as, settings):
    settings.TIME_ZONE = "America/New_York"
    source = post_as(thread, "Ana", "The crossing opens at noon.")
    _post(client, f":::quote comment {source.pk}\nopens at noon\n:::\n\nWhich noon?")
    assert "EST</time>" in Comment.objects.latest("id").body_html  # stored in the site's zone
    client.cookies["parley_tz"] = "Asia/Tokyo"
    html = client.get("/posts/lastovo/").content.decode()
    assert re.search(
        r'<time class="reader-time" datetime="[^"]+">\d+ \w+ \d{4}, \d\d:\d\d JST</time>', html
    )
