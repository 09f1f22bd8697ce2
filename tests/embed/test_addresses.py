"""A page's canonical key, and the origins a site may list."""

from __future__ import annotations

import pytest

from parley.embed.addresses import (
    MAX_URL_LENGTH,
    TRACKING_PARAMETERS,
    canonical_key,
    canonical_origin,
    host_of,
    origin_host,
    origin_matches,
)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTPS://Example.ORG/a", "https://example.org/a"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org?b=1", "https://example.org/?b=1"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("http://example.org:443/a", "http://example.org:443/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?a=2&a=1", "https://example.org/a?a=1&a=2"),
        ("https://example.org/a?q=", "https://example.org/a?q="),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://example.org./a", "https://example.org/a"),
        ("https://example.org/ä b", "https://example.org/%C3%A4%20b"),
        ("https://example.org/%C3%A4", "https://example.org/%C3%A4"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
        ("https://example.org/A/", "https://example.org/A/"),  # paths keep their case
    ],
)
def test_canonical_key(url, key):
    assert canonical_key(url) == key


def test_every_tracking_parameter_is_dropped_and_the_others_kept():
    names = [p.replace("*", "source") for p in TRACKING_PARAMETERS]
    query = "&".join(f"{name}=x" for name in names)
    assert canonical_key(f"https://example.org/a?page=2&{query}") == "https://example.org/a?page=2"
    assert canonical_key("https://example.org/a?utm_campaign=x&UTM_Medium=y") == (
        "https://example.org/a"
    )
    # Only the names listed: a parameter that merely contains one stays.
    assert canonical_key("https://example.org/a?ref=x&my_fbclid=1") == (
        "https://example.org/a?my_fbclid=1&ref=x"
    )


def test_every_tracking_parameter_dropped_is_documented():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "embedding.md").read_text()
    for name in TRACKING_PARAMETERS:
        assert f"`{name}`" in documented, name


def test_one_page_reached_many_ways_has_one_key():
    ways = [
        "https://example.org/post?id=7",
        "HTTPS://EXAMPLE.org:443/post?id=7#comment-3",
        "https://example.org/post?utm_source=feed&id=7&fbclid=abc",
    ]
    assert {canonical_key(u) for u in ways} == {"https://example.org/post?id=7"}


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("ftp://example.org/a", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("example.org/a", "must start with http:// or https://"),
        ("", "must start with http:// or https://"),
        ("https://user:pass@example.org/a", "user name or password"),
        ("https://user@example.org/a", "user name or password"),
        ("https:///a", "no host name"),
        ("https://example.org:99999/a", "not a valid web address"),
        ("https://example.org/a\x00b", "control character"),
        ("https://example.org/a\nb", "control character"),
        ("https://example.org/\udcff", "control character"),
        ("https://" + "a" * 64 + ".example/", "not a valid host name"),
    ],
)
def test_addresses_that_are_no_web_page_are_refused_with_a_sentence(url, sentence):
    with pytest.raises(ValueError, match=sentence):
        canonical_key(url)


def test_the_length_limit():
    base = "https://example.org/"
    assert canonical_key(base + "a" * (MAX_URL_LENGTH - len(base)))
    with pytest.raises(ValueError, match="2,001 characters long; at most 2,000"):
        canonical_key(base + "a" * (MAX_URL_LENGTH + 1 - len(base)))


def test_host_of_a_page_and_of_an_origin_compare():
    assert host_of("https://Bücher.example/a") == origin_host("https://xn--bcher-kva.example")
    assert host_of("https://example.org:8443/a") == origin_host("https://example.org:8443")


@pytest.mark.parametrize(
    ("origin", "canonical"),
    [
        ("https://example.org", "https://example.org"),
        ("HTTPS://Example.org/", "https://example.org"),
        ("https://example.org:443", "https://example.org"),
        ("http://localhost:1313", "http://localhost:1313"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://*.example.org", "https://*.example.org"),
        ("https://*.Example.org:8443", "https://*.example.org:8443"),
    ],
)
def test_canonical_origin(origin, canonical):
    assert canonical_origin(origin) == canonical


@pytest.mark.parametrize(
    ("origin", "sentence"),
    [
        ("https://example.org/blog", "no path, query or fragment"),
        ("https://example.org?a=1", "no path, query or fragment"),
        ("https://example.org#a", "no path, query or fragment"),
        ("example.org", "write scheme://host"),
        ("ftp://example.org", "write scheme://host"),
        ("*", "a wildcard may only start the host"),
        ("https://*", "a wildcard may only start the host"),
        ("https://blog.*.org", "a wildcard may only start the host"),
        ("https://*.*.org", "a wildcard may only start the host"),
        ("*://example.org", "a wildcard may only start the host"),
        ("https://u:p@example.org", "no user name or password"),
        ("https://example.org:abc", "is not an origin"),
    ],
)
def test_bad_origins_are_refused_with_a_sentence(origin, sentence):
    with pytest.raises(ValueError, match=sentence):
        canonical_origin(origin)


def test_origin_matching():
    assert origin_matches("https://example.org", "https://example.org")
    assert not origin_matches("https://example.org", "http://example.org")
    assert not origin_matches("https://example.org", "https://example.org:8443")
    assert not origin_matches("https://example.org", "https://www.example.org")
    wild = "https://*.example.org"
    assert origin_matches(wild, "https://blog.example.org")
    assert origin_matches(wild, "https://a.b.example.org")
    assert not origin_matches(wild, "https://example.org")
    assert not origin_matches(wild, "https://badexample.org")
    assert not origin_matches(wild, "http://blog.example.org")
    assert not origin_matches(wild, "https://blog.example.org:8443")
    assert not origin_matches(wild, "https://blog.example.org.evil.net")
    assert origin_matches("https://*.example.org:8443", "https://blog.example.org:8443")
