"""Behind a reverse proxy: the client is found in X-Forwarded-For past trusted hops only, and
the scheme comes from X-Forwarded-Proto only when the peer is a trusted proxy. Through HTTP."""

from __future__ import annotations

import ipaddress
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.env import envnetworks
from parley.discussion.models import Comment
from parley.moderation import bans
from parley.moderation.models import Flag
from tests.moderation.conftest import URL, set_mode

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"  # the proxy in front of the server
EDGE = "10.0.0.1"  # a second proxy (a load balancer) in front of nginx


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.PARLEY_TRUSTED_PROXIES = [
        ipaddress.ip_network(net) for net in ("10.0.0.0/8", "::1/128")
    ]


def _post(body: str, *, peer: str, forwarded: str | None = None, name: str = "Guest", **headers):
    extra = {"REMOTE_ADDR": peer, **headers}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(URL + "comments/", {"name": name, "body": body}, **extra)


def _stored_ip(body: str) -> str | None:
    return Comment.objects.get(body=body).ip_address


# -- whose address -------------------------------------------------------------------------------


def test_a_trusted_proxy_forwards_the_client_address(thread):
    assert _post("Via nginx.", peer=NGINX, forwarded="203.0.113.9").status_code == 302
    assert _stored_ip("Via nginx.") == "203.0.113.9"


def test_a_forged_header_from_an_untrusted_peer_is_ignored(thread):
    response = _post("Direct.", peer="198.51.100.4", forwarded="203.0.113.9")
    assert response.status_code == 302
    assert _stored_ip("Direct.") == "198.51.100.4"


def test_a_chain_of_trusted_hops_is_walked_to_the_client(thread):
    _post("Two hops.", peer=NGINX, forwarded=f"203.0.113.9, {EDGE}")
    assert _stored_ip("Two hops.") == "203.0.113.9"


def test_an_address_the_client_prepends_is_not_believed(thread):
    """The client sent "X-Forwarded-For: 10.0.0.7, 192.0.2.1"; nginx appended its real address."""
    _post("Spoofed.", peer=NGINX, forwarded=f"10.0.0.7, 192.0.2.1, 198.51.100.23, {EDGE}")
    assert _stored_ip("Spoofed.") == "198.51.100.23"


def test_ipv6_clients_and_bracketed_or_ported_entries(thread):
    _post("Six.", peer="::1", forwarded="[2001:db8:1:2::9]:51000")
    assert _stored_ip("Six.") == "2001:db8:1:2::9"
    _post("Four with port.", peer=NGINX, forwarded="203.0.113.9:4711")
    assert _stored_ip("Four with port.") == "203.0.113.9"
    _post("Mapped.", peer="::ffff:10.0.0.2", forwarded="2001:db8::7")
    assert _stored_ip("Mapped.") == "2001:db8::7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("", NGINX),  # an empty header: the peer is the client
        ("not-an-address", NGINX),  # garbage: the nearest trusted hop stands for the client
        (f"203.0.113.9, garbage, {EDGE}", EDGE),  # nothing left of a broken entry is believed
        (f"203.0.113.9, , {EDGE}", EDGE),  # an empty entry breaks the chain as well
        ("[2001:db8::1", NGINX),  # an unclosed bracket
        ("[2001:db8::1]x", NGINX),  # junk after the bracket
        ("203.0.113.9:port", NGINX),  # a port that is not a number
        ("999.1.2.3", NGINX),
        ("1" * 5000, NGINX),
        (f"{EDGE}, 10.0.0.3", EDGE),  # every hop trusted: the farthest one is the client
    ],
)
def test_malformed_forwarded_headers_never_fail_the_request(thread, forwarded, expected):
    response = _post("Odd header.", peer=NGINX, forwarded=forwarded)
    assert response.status_code == 302
    assert _stored_ip("Odd header.") == expected


def test_the_api_stores_the_forwarded_address(thread):
    response = Client().post(
        f"/api/v1/threads/{thread.pk}/comments",
        json.dumps({"name": "Ana", "body": "Through the API."}),
        content_type="application/json",
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR="2001:db8:5::1",
    )
    assert response.status_code == 201
    assert _stored_ip("Through the API.") == "2001:db8:5::1"


# -- what rests on the address -------------------------------------------------------------------


def test_the_rate_limit_is_per_forwarded_client(thread, settings):
    settings.PARLEY_COMMENT_RATE = (2, 3600)
    for n in range(2):
        assert _post(f"First {n}.", peer=NGINX, forwarded="203.0.113.1").status_code == 302
    assert _post("First again.", peer=NGINX, forwarded="203.0.113.1").status_code == 429
    assert _post("Second.", peer=NGINX, forwarded="203.0.113.2").status_code == 302


def test_forged_addresses_do_not_escape_the_rate_limit(thread, settings):
    settings.PARLEY_COMMENT_RATE = (2, 3600)
    for n in range(2):
        _post(f"Flood {n}.", peer="198.51.100.4", forwarded=f"203.0.113.{n}")
    assert _post("Flood 3.", peer="198.51.100.4", forwarded="203.0.113.99").status_code == 429


def test_a_ban_on_one_forwarded_client_does_not_ban_another(thread, moderator, settings):
    settings.PARLEY_COMMENT_RATE = None
    bans.ban(kind="ip", value="203.0.113.66", reason="Flooding", by=moderator)
    assert _post("Banned.", peer=NGINX, forwarded="203.0.113.66").status_code == 403
    assert _post("Neighbour.", peer=NGINX, forwarded="203.0.113.67").status_code == 302
    bans.ban(kind="network", value="2001:db8:9:9::1", reason="Sock puppets", by=moderator)
    assert _post("Same /64.", peer=NGINX, forwarded="2001:db8:9:9:abcd::2").status_code == 403
    assert _post("Other /64.", peer=NGINX, forwarded="2001:db8:9:a::2").status_code == 302


def test_flags_from_two_forwarded_clients_count_as_two(thread, post_as):
    set_mode("post", flag_threshold=2)
    comment = post_as(thread, "Bruno", "Some words.")
    for n, client in enumerate(("203.0.113.1", "198.51.100.2")):  # two networks
        response = Client().post(
            f"/c/{comment.pk}/flag/",
            {"reason": "abuse"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=client,
        )
        assert response.status_code == 302, n
    assert Flag.objects.filter(comment=comment).count() == 2
    comment.refresh_from_db()
    assert comment.status == "pending"


# -- the scheme ----------------------------------------------------------------------------------


def _csrf_post(*, peer: str, proto: str) -> int:
    """A form post whose browser says it came from https://testserver, CSRF checks on; the
    proxy passes the Host header on, as docs/deploy.md has it."""
    client = Client(enforce_csrf_checks=True)
    client.get(URL, REMOTE_ADDR=peer)
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL + "comments/",
        {"name": "Guest", "body": f"Over {proto} from {peer}.", "csrfmiddlewaretoken": token},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_PROTO=proto,
        HTTP_ORIGIN="https://testserver",
        HTTP_HOST="testserver",
    )
    return response.status_code


def test_https_reported_by_a_trusted_proxy_makes_the_request_secure(thread):
    assert _csrf_post(peer=NGINX, proto="https") == 302


def test_https_claimed_by_an_untrusted_peer_is_ignored(thread):
    assert _csrf_post(peer="198.51.100.4", proto="https") == 403


def test_the_nearest_proxys_scheme_wins_over_one_a_client_prepends(thread):
    assert _csrf_post(peer=NGINX, proto="https, http") == 403
    assert _csrf_post(peer=NGINX, proto="HTTPS") == 302
    assert _csrf_post(peer=NGINX, proto="gopher") == 403


# -- the setting ---------------------------------------------------------------------------------


def test_the_setting_reads_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("PARLEY_TRUSTED_PROXIES", " 10.0.0.0/8, 127.0.0.1 ,::1/128,")
    assert [str(net) for net in envnetworks("PARLEY_TRUSTED_PROXIES")] == [
        "10.0.0.0/8",
        "127.0.0.1/32",
        "::1/128",
    ]
    monkeypatch.delenv("PARLEY_TRUSTED_PROXIES")
    assert envnetworks("PARLEY_TRUSTED_PROXIES") == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("10.0.0.0/8,nginx", "'nginx' is not an address or a network"),
        ("10.0.0.0/40", "'10.0.0.0/40' is not an address or a network"),
        ("10.0.0.1/8", "Write 10.0.0.0/8 for the whole network, or 10.0.0.1 for that one"),
    ],
)
def test_a_malformed_entry_stops_the_server_saying_what_to_write(monkeypatch, raw, message):
    monkeypatch.setenv("PARLEY_TRUSTED_PROXIES", raw)
    with pytest.raises(ImproperlyConfigured, match="PARLEY_TRUSTED_PROXIES") as error:
        envnetworks("PARLEY_TRUSTED_PROXIES")
    assert message in str(error.value)
