"""Bans by account, e-mail, address and network; time-outs; shadow-bans. Through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.discussion.models import Comment
from parley.moderation import bans
from parley.moderation.models import Ban, Decision
from tests.moderation.conftest import URL, post_form

pytestmark = pytest.mark.django_db


def test_a_banned_account_is_told_why_and_nothing_is_stored(client, thread, rosa, moderator):
    bans.ban(kind="account", value="rosa", reason="Repeated insults", by=moderator, days=7)
    client.force_login(rosa)
    response = client.post(URL + "comments/", {"body": "Let me in."})
    assert response.status_code == 403
    assert "You cannot comment until" in response.content.decode()
    assert "Repeated insults" in response.content.decode()
    assert not Comment.objects.exists()
    assert Decision.objects.get().action == "timeout"


def test_a_ban_by_email_and_by_address(thread, moderator, no_rate_limit):
    bans.ban(kind="email", value="Troll@Example.org", reason="Spam", by=moderator)
    response = post_form(Client(), "Buy now", email="troll@example.org")
    assert response.status_code == 403
    assert "You cannot comment here any more: Spam" in response.content.decode()
    bans.ban(kind="ip", value="198.51.100.7", reason="Flooding", by=moderator)
    assert post_form(Client(), "Hello", ip="198.51.100.7").status_code == 403
    assert post_form(Client(), "Hello from elsewhere", ip="198.51.100.8").status_code == 302


def test_an_ipv6_ban_covers_its_64(thread, moderator, no_rate_limit):
    made = bans.ban(kind="network", value="2001:db8:1:2::99", reason="Sock puppets", by=moderator)
    assert made.value == "2001:db8:1:2::/64"
    assert post_form(Client(), "Hi", ip="2001:db8:1:2:abcd::1").status_code == 403
    assert post_form(Client(), "Hi", ip="2001:db8:1:3::1").status_code == 302


def test_an_expired_time_out_no_longer_applies(thread, moderator, no_rate_limit):
    made = bans.ban(kind="ip", value="198.51.100.7", reason="Cool down", by=moderator, days=1)
    Ban.objects.filter(pk=made.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert post_form(Client(), "Back again", ip="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("ip", "300.1.2.3", "“300.1.2.3” is not an IP address"),
        ("ip", "", "“” is not an IP address"),
        ("network", "2001:db8::/200", "is not a network"),
        ("email", "not-an-address", "is not an e-mail address"),
        ("account", "nobody", "There is no account “nobody”."),
    ],
)
def test_a_ban_with_a_bad_value_is_refused_and_changes_nothing(
    client, moderator, kind, value, message
):
    client.force_login(moderator)
    response = client.post(
        "/moderation/bans/", {"kind": kind, "value": value, "reason": "x", "days": "1"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ban.objects.exists() and not Decision.objects.exists()


def test_the_bans_page_bans_and_lifts(client, moderator):
    client.force_login(moderator)
    response = client.post(
        "/moderation/bans/",
        {"kind": "network", "value": "203.0.113.0/24", "reason": "Spam wave", "days": ""},
    )
    assert response.status_code == 302
    page = client.get("/moderation/bans/").content.decode()
    assert "203.0.113.0/24" in page and "for good" in page
    made = Ban.objects.get()
    client.post("/moderation/bans/", {"lift": made.pk})
    made.refresh_from_db()
    assert made.lifted_at is not None
    assert [d.action for d in Decision.objects.order_by("id")] == ["ban", "unban"]


def test_a_shadow_banned_guest_sees_their_comment_and_nobody_else_does(
    thread, moderator, no_rate_limit
):
    bans.ban(kind="email", value="shade@example.org", reason="Baiting", by=moderator, shadow=True)
    author = Client()
    response = post_form(author, "You are all sheep.", email="shade@example.org")
    assert response.status_code == 302  # not told
    comment = Comment.objects.get()
    assert comment.status == "pending"
    mine = author.get(URL).content.decode()
    assert "You are all sheep." in mine
    assert "Only you can see" not in mine  # shown as if published
    assert "You are all sheep." not in Client().get(URL).content.decode()
    thread.refresh_from_db()
    assert thread.comment_count == 0
