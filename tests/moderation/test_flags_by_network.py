"""Flags count once per network (an IPv4 /24, an IPv6 /64): accounts made from one address
cannot hide a comment by themselves, readers from several networks still can."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.accounts.models import User
from parley.moderation.models import Decision, Flag
from tests.moderation.conftest import URL, set_mode


@pytest.fixture
def comment(thread, post_as, settings):
    settings.PARLEY_MODERATION_SIGNALS = []
    set_mode("post", flag_threshold=3)
    return post_as(thread, "Bruno", "Words some readers will not like.")


def _flag_as(comment, name: str, ip: str):
    account = User.objects.create_user(name, password=f"{name}-pass-1234")
    client = Client()
    client.force_login(account)
    return client.post(f"/c/{comment.pk}/flag/", {"reason": "abuse"}, REMOTE_ADDR=ip)


def _status(comment) -> str:
    comment.refresh_from_db()
    return comment.status


def test_three_accounts_from_one_address_do_not_hide_a_comment(comment):
    for name in ("sock1", "sock2", "sock3"):
        assert _flag_as(comment, name, "203.0.113.5").status_code == 302
    assert Flag.objects.filter(comment=comment).count() == 3
    assert set(Flag.objects.values_list("reporter_network", flat=True)) == {"203.0.113.0/24"}
    assert _status(comment) == "published"
    assert "Words some readers will not like." in Client().get(URL).content.decode()
    assert not Decision.objects.filter(comment_id=comment.pk, action="hold").exists()


def test_three_accounts_from_three_networks_hide_it(comment):
    for name, ip in (("ana", "203.0.113.5"), ("bo", "198.51.100.6"), ("cy", "2001:db8:1:2::7")):
        assert _flag_as(comment, name, ip).status_code == 302
    assert _status(comment) == "pending"
    decision = Decision.objects.get(comment_id=comment.pk, action="hold")
    assert "flagged by 3 readers" in decision.reason


def test_addresses_of_one_network_count_once(comment):
    for name, ip in (("v4a", "203.0.113.5"), ("v4b", "203.0.113.250")):
        _flag_as(comment, name, ip)
    for name, ip in (("v6a", "2001:db8:1:2::1"), ("v6b", "2001:db8:1:2:ffff::2")):
        _flag_as(comment, name, ip)
    assert set(Flag.objects.values_list("reporter_network", flat=True)) == {
        "203.0.113.0/24",
        "2001:db8:1:2::/64",
    }
    assert _status(comment) == "published"  # two networks, four accounts
    _flag_as(comment, "third", "192.0.2.9")
    assert _status(comment) == "pending"


def test_guests_from_one_network_count_once(comment):
    for n in range(1, 4):
        response = Client().post(
            f"/c/{comment.pk}/flag/", {"reason": "spam"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302
    assert Flag.objects.filter(comment=comment).count() == 3
    assert _status(comment) == "published"
