"""The dossier page: introduction, table of contents, documents by date, transcripts."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_documents_are_in_the_order_events_happened(client, dossier):
    html = client.get("/posts/lastovo/").content.decode()
    positions = [html.index(f'id="{slug}"') for slug in ("letter", "press", "briefing")]
    assert positions == sorted(positions), (
        "entered briefing, letter, press; events: letter, press, briefing"
    )
    toc = html[html.index('class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    assert [m for m in re.findall(r'href="#([\w-]+)"', toc)] == [
        "letter",
        "press",
        "briefing",
        "comments",
    ]


def test_each_document_shows_its_dateline_in_its_own_zone_and_its_source(client, dossier):
    html = client.get("/posts/lastovo/").content.decode()
    assert "Embassy of Ostrava" in html
    assert "1 February 2022, 09:30 CET" in html  # the letter, in Vienna
    assert "2 February 2022, 15:00 WET" in html  # the press release, in Lisbon
    assert 'href="https://example.org/letter.pdf"' in html
    assert "<strong>reopening</strong>" in html  # the introduction's Markdown


def test_transcript_renders_as_a_dialogue_with_speakers_marked(client, dossier):
    html = client.get("/posts/lastovo/").content.decode()
    assert re.search(
        r'class="passage turn turn--question" id="briefing-p1".*?<p class="speaker">Question</p>',
        html,
        re.S,
    )
    assert re.search(
        r'class="passage turn turn--answer" id="briefing-p2".*?<p class="speaker">Ana Petrov</p>',
        html,
        re.S,
    )
    assert "It will open at noon" in html


def test_every_passage_has_an_anchor_and_a_quote_link(client, dossier):
    html = client.get("/posts/lastovo/").content.decode()
    for anchor in ("letter-p1", "letter-p3", "press-p2", "briefing-p4"):
        assert f'id="{anchor}"' in html
        slug, number = anchor.split("-p")
        assert f'href="/posts/lastovo/?quote=d:{slug}:{number}#reply-form"' in html


def test_unknown_post_is_a_clear_404(client, db):
    response = client.get("/posts/nope/")
    assert response.status_code == 404
    assert "There is no post at this address." in response.content.decode()


def test_comment_shows_author_badge_time_zone_and_permalink(
    client, thread, editor, post_as, settings
):
    settings.TIME_ZONE = "America/New_York"
    c = post_as(thread, "", "Thanks for reading.", user=editor)
    html = client.get("/posts/lastovo/").content.decode()
    assert f'id="c{c.pk}"' in html
    assert "badge--author" in html
    assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d E[SD]T", html)
    assert f'href="/c/{c.pk}/"' in html


def test_reader_time_zone_from_cookie(client, thread, post_as):
    post_as(thread, "John", "Hello")
    client.cookies["parley_tz"] = "Asia/Tokyo"
    assert "JST" in client.get("/posts/lastovo/").content.decode()
    client.cookies["parley_tz"] = "Not/AZone"
    assert client.get("/posts/lastovo/").status_code == 200


def test_security_headers(client, dossier):
    response = client.get("/posts/lastovo/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_a_page_loading_more_comments_asks_in_its_own_zone(client, thread, post_as):
    post_as(thread, "John", "Hello")
    client.cookies["parley_tz"] = "Asia/Tokyo"
    html = client.get("/posts/lastovo/?partial=1&tz=Europe/Lisbon").content.decode()
    assert "WET" in html and "JST" not in html
    assert 'data-time-zone="Asia/Tokyo"' in client.get("/posts/lastovo/").content.decode()


def test_reloading_a_refused_post_goes_back_to_the_form(client, dossier):
    response = client.get("/posts/lastovo/comments/")
    assert response.status_code == 302 and response["Location"] == "/posts/lastovo/#reply-form"
