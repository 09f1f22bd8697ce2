"""The post's article (its introduction and documents) is kept rendered per process, keyed by
a digest of all it shows: a second read does not render it again, and a change made anywhere
(straight in the database, as another server process would) is on the next read."""

from __future__ import annotations

import pytest
from django.test.signals import template_rendered

from parley.language.models import Translation
from parley.lib import memo
from parley.publishing.models import Post, SourceDocument

pytestmark = pytest.mark.django_db

ARTICLE = "parley/_post_article.html"


@pytest.fixture
def renders():
    """The names of the templates rendered while the test runs."""
    names: list[str] = []

    def seen(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    yield names
    template_rendered.disconnect(seen)


def _page(client, **extra) -> str:
    response = client.get("/posts/lastovo/", **extra)
    assert response.status_code == 200
    return response.content.decode()


def _articles() -> list[str]:
    return [key for key in memo.threads._entries if key.startswith("article:")]


def test_a_second_read_does_not_render_the_article_again(client, dossier, renders):
    first = _page(client)
    assert renders.count(ARTICLE) == 1
    again = _page(client)
    assert renders.count(ARTICLE) == 1
    block = memo.threads.get(_articles()[0])
    assert block in first
    assert block in again
    assert "Letter to the Minister" in block


def test_with_the_cache_off_it_is_rendered_each_time(client, dossier, renders, settings):
    settings.PARLEY_THREAD_CACHE = False
    _page(client)
    _page(client)
    assert renders.count(ARTICLE) == 2
    assert _articles() == []


def test_a_document_changed_in_the_database_is_on_the_next_read(client, dossier):
    assert "Letter to the Minister" in _page(client)
    SourceDocument.objects.filter(slug="letter").update(
        title="Second letter", body_html="<p>Words changed elsewhere.</p>"
    )
    page = _page(client)
    assert "Second letter" in page
    assert "Words changed elsewhere." in page
    assert "Letter to the Minister" not in page


def test_the_post_and_its_authors_name_changed_in_the_database(client, dossier, editor):
    _page(client)
    Post.objects.filter(pk=dossier.pk).update(title="The crossing, reopened")
    assert "The crossing, reopened" in _page(client)
    type(editor).objects.filter(pk=editor.pk).update(display_name="Desk of the Editor")
    assert "Desk of the Editor" in _page(client)


def test_a_new_comment_changes_the_count_in_the_contents(client, dossier, post_as):
    assert "0 comments" in _page(client)
    post_as(dossier.thread, "Ana", "The crossing opens at noon.")
    assert "1 comment<" in _page(client)


def test_each_reader_zone_and_language_has_its_own_block(client, dossier):
    client.cookies["parley_tz"] = "Asia/Tokyo"
    assert "JST" in _page(client)
    client.cookies["parley_tz"] = "Europe/Lisbon"
    assert "JST" not in _page(client)
    client.cookies["parley_lang"] = "pt"
    _page(client)
    assert len(_articles()) == 3


def test_a_finished_translation_is_on_the_next_read(client, dossier):
    client.cookies["parley_lang"] = "pt"
    assert "Texto traduzido" not in _page(client)
    claimed = Translation.objects.filter(kind=Translation.Kind.DOCUMENT)
    assert claimed.exists()
    claimed.update(state="done", html="<p>Texto traduzido.</p>", title="Carta")
    assert "Texto traduzido." in _page(client)


def test_the_block_holds_nothing_of_one_readers_own(client, dossier, rosa):
    guest = _page(client)
    client.force_login(rosa)
    signed_in = _page(client)
    assert len(_articles()) == 1  # the same block served to both
    block = memo.threads.get(_articles()[0])
    assert block in guest
    assert block in signed_in
    assert "csrfmiddlewaretoken" not in block
    assert "rosa" not in block.lower()
