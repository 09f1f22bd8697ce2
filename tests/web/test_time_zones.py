"""Time-zone names from readers are checked against a set read once, not per new value."""

from __future__ import annotations

import secrets
import zoneinfo

from parley.web import middleware


def test_random_zone_names_never_read_the_zone_database_again(client, thread, post_as, monkeypatch):
    post_as(thread, "John", "Hello")
    calls = []
    real = zoneinfo.available_timezones

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    middleware.known_zone_names.cache_clear()
    try:
        for _ in range(40):
            name = f"Mars/{secrets.token_hex(6)}"
            response = client.get(f"/posts/lastovo/?partial=1&tz={name}")
            assert response.status_code == 200
        assert len(calls) == 1
        html = client.get("/posts/lastovo/?partial=1&tz=Asia/Tokyo").content.decode()
        assert "JST" in html
        assert len(calls) == 1
    finally:
        middleware.known_zone_names.cache_clear()


def test_unknown_overlong_and_empty_names_fall_back_to_the_cookie(client, thread, post_as):
    post_as(thread, "John", "Hello")
    client.cookies["parley_tz"] = "Asia/Tokyo"
    for name in ("Not/AZone", "Europe/" + "x" * 80, "", "../../etc/passwd"):
        html = client.get("/posts/lastovo/?partial=1", {"tz": name}).content.decode()
        assert "JST" in html, name


def test_every_zone_the_system_knows_is_accepted():
    names = middleware.known_zone_names()
    assert "Europe/Lisbon" in names and "UTC" in names
    assert all(len(n) <= middleware.MAX_NAME for n in names)
    assert middleware._zone("Europe/Lisbon") == zoneinfo.ZoneInfo("Europe/Lisbon")
    assert middleware._zone("Mars/Olympus_Mons") is None
