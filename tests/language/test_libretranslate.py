"""The LibreTranslate engine against a real HTTP server speaking LibreTranslate's API."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from parley.language.providers.base import EngineError, EngineUnavailable
from parley.language.providers.libretranslate import LibreTranslateProvider

from .libretranslate_server import LibreTranslateServer

PAIRS = frozenset({("pt", "en"), ("en", "pt")})


@pytest.fixture
def memory_cache(settings) -> Iterator[None]:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def server(memory_cache) -> Iterator[LibreTranslateServer]:
    with LibreTranslateServer() as running:
        yield running


def provider(server: LibreTranslateServer, **kwargs) -> LibreTranslateProvider:
    return LibreTranslateProvider(url=server.url, **kwargs)


# -- pairs --------------------------------------------------------------------------------------


def test_pairs_before_refresh_are_empty_and_do_not_connect(server):
    engine = provider(server)
    assert engine.pairs() == frozenset()
    server.stop()  # even a server that is gone is not asked
    assert LibreTranslateProvider(url=server.url).pairs() == frozenset()
    assert server.requests == []


def test_refresh_learns_the_pairs_the_server_offers(server):
    engine = provider(server)
    engine.refresh()
    assert engine.pairs() == PAIRS  # ("en", "en") and ("pt", "pt") are left out
    assert [r["path"] for r in server.requests] == ["/languages"]
    # Another instance (another process) learns them from the cache, without asking.
    assert provider(server).pairs() == PAIRS
    assert len(server.requests) == 1


def test_pairs_are_kept_per_server(server):
    provider(server).refresh()
    with LibreTranslateServer() as other:
        assert provider(other).pairs() == frozenset()


def test_pairs_outlive_the_server_going_away(server):
    engine = provider(server)
    engine.refresh()
    server.stop()
    assert engine.pairs() == PAIRS
    with pytest.raises(EngineUnavailable, match="could not be reached"):
        engine.refresh()
    assert engine.pairs() == PAIRS  # a failed refresh forgets nothing


@pytest.mark.django_db
def test_pairs_are_shared_through_the_configured_cache():
    with LibreTranslateServer() as running:
        LibreTranslateProvider(url=running.url).refresh()
        assert LibreTranslateProvider(url=running.url).pairs() == PAIRS


def test_refresh_failure_names_the_status_and_error(server):
    server.fail_status = 500
    with pytest.raises(EngineUnavailable) as raised:
        provider(server).refresh()
    assert raised.value.message == (
        f"The LibreTranslate server at {server.url} answered 500: Simulated failure (500)."
    )
    assert raised.value.retry is True


# -- translate ----------------------------------------------------------------------------------


def test_translates_portuguese_into_english(server):
    [english] = provider(server).translate(["O governo mentiu."], "pt", "en")
    assert "government" in english.lower()


def test_translates_english_into_portuguese(server):
    [portuguese] = provider(server).translate(["The government lied."], "en", "pt")
    assert "governo" in portuguese.lower()


def test_several_sentences_go_in_one_request_in_order(server):
    sentences = ["O governo mentiu.", "", "A casa é grande.", "Eu gosto de livros."]
    out = provider(server).translate(sentences, "pt", "en")
    assert len(out) == 4
    assert "government" in out[0].lower()
    assert out[1] == ""  # blank sentences are kept, not sent
    assert "house" in out[2].lower()
    assert "books" in out[3].lower()
    [request] = server.requests
    assert request["path"] == "/translate"
    assert request["body"]["q"] == [sentences[0], sentences[2], sentences[3]]
    assert request["body"]["source"] == "pt"
    assert request["body"]["target"] == "en"
    assert request["body"]["format"] == "text"
    assert "api_key" not in request["body"]


def test_no_sentences_make_no_request(server):
    engine = provider(server)
    assert engine.translate([], "pt", "en") == []
    assert engine.translate(["  "], "pt", "en") == ["  "]
    assert server.requests == []


def test_the_api_key_is_sent(server):
    server.api_key = "s3cret"
    [english] = provider(server, api_key="s3cret").translate(["Bom dia."], "pt", "en")
    assert english
    assert server.requests[-1]["api_key"] == "s3cret"


def test_a_wrong_api_key_is_not_retried(server):
    server.api_key = "s3cret"
    with pytest.raises(EngineError) as raised:
        provider(server, api_key="wrong").translate(["Bom dia."], "pt", "en")
    assert not isinstance(raised.value, EngineUnavailable)
    assert raised.value.retry is False
    assert "403" in raised.value.message
    assert "Invalid API key" in raised.value.message


def test_an_unsupported_pair_is_not_retried(server):
    with pytest.raises(EngineError) as raised:
        provider(server).translate(["Bonjour."], "fr", "en")
    assert raised.value.retry is False
    assert "400" in raised.value.message
    assert "fr is not supported" in raised.value.message


def test_a_stopped_server_is_unavailable_at_once(server):
    engine = provider(server, timeout=5)
    server.stop()
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as raised:
        engine.translate(["O governo mentiu."], "pt", "en")
    assert time.monotonic() - started < 1
    assert raised.value.retry is True
    assert raised.value.message == (
        f"The LibreTranslate server at {server.url} could not be reached: connection refused."
    )


def test_a_slow_server_is_given_up_on_after_the_timeout(server):
    server.delay = 3
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as raised:
        provider(server, timeout=1).translate(["O governo mentiu."], "pt", "en")
    assert time.monotonic() - started < 2
    assert raised.value.message == (
        f"The LibreTranslate server at {server.url} did not answer within 1 second."
    )


def test_a_server_error_is_retried_later(server):
    server.fail_status = 500
    with pytest.raises(EngineUnavailable) as raised:
        provider(server).translate(["O governo mentiu."], "pt", "en")
    assert raised.value.retry is True
    assert "500" in raised.value.message
    assert "Simulated failure" in raised.value.message


def test_too_many_requests_is_retried_later(server):
    server.fail_status = 429
    with pytest.raises(EngineUnavailable, match="429"):
        provider(server).translate(["O governo mentiu."], "pt", "en")


def test_an_answer_that_is_not_json_is_not_retried(server):
    server.raw_answer = b"<html><body>Welcome to nginx!</body></html>"
    engine = provider(server)
    with pytest.raises(EngineError) as raised:
        engine.translate(["O governo mentiu."], "pt", "en")
    assert raised.value.retry is False
    assert "not JSON" in raised.value.message
    with pytest.raises(EngineUnavailable, match="not JSON"):
        engine.refresh()
    assert engine.pairs() == frozenset()


def test_an_answer_with_too_few_translations_is_not_retried(server):
    server.raw_answer = b'{"translatedText": ["Only one."]}'
    with pytest.raises(EngineError) as raised:
        provider(server).translate(["Uma.", "Duas."], "pt", "en")
    assert raised.value.retry is False
    assert "one translation for each of the 2 sentences" in raised.value.message


def test_a_list_that_is_not_languages_is_unavailable(server):
    server.raw_answer = b'{"translatedText": []}'
    with pytest.raises(EngineUnavailable, match="other than a list of languages"):
        provider(server).refresh()


def test_a_server_that_is_not_libretranslate_is_reported(server):
    # Any path the server does not know answers 404 with {"error": "Not Found"}.
    engine = LibreTranslateProvider(url=server.url + "/nothing-here")
    with pytest.raises(EngineError) as raised:
        engine.translate(["O governo mentiu."], "pt", "en")
    assert raised.value.retry is False
    assert "404" in raised.value.message
    with pytest.raises(EngineUnavailable, match="404"):
        engine.refresh()


# -- configuration ------------------------------------------------------------------------------


def test_model_version_names_the_server():
    assert (
        LibreTranslateProvider(url="http://127.0.0.1:5000/").model_version("pt", "en")
        == "libretranslate@127.0.0.1:5000"
    )
    assert (
        LibreTranslateProvider(url="https://translate.example.org").model_version("pt", "en")
        == "libretranslate@translate.example.org:443"
    )


def test_defaults_come_from_the_settings(settings):
    settings.PARLEY_LIBRETRANSLATE_URL = "http://lt.example.org:5000/"
    settings.PARLEY_LIBRETRANSLATE_API_KEY = "k"
    settings.PARLEY_LIBRETRANSLATE_TIMEOUT = 7
    engine = LibreTranslateProvider()
    assert (engine.url, engine.api_key, engine.timeout) == ("http://lt.example.org:5000", "k", 7)
    assert engine.name == "libretranslate"
    assert engine.label == "LibreTranslate"


@pytest.mark.parametrize("url", ["", "ftp://x", "localhost:5000", "http://"])
def test_check_reports_an_unusable_url(url):
    engine = LibreTranslateProvider(url=url)
    [problem] = engine.check()
    assert "PARLEY_LIBRETRANSLATE_URL" in problem.message
    assert "PARLEY_LIBRETRANSLATE_URL" in problem.hint
    with pytest.raises(EngineError) as raised:
        engine.translate(["O governo mentiu."], "pt", "en")
    assert raised.value.retry is False


def test_check_accepts_an_http_url_without_connecting(server):
    server.stop()
    assert LibreTranslateProvider(url=server.url).check() == []
    assert LibreTranslateProvider(url="https://lt.example.org/api").check() == []
    assert server.requests == []
