"""The policy and ban look-ups every post makes: one query each (one small statement for the
bans when none is in force), never cached, so a change made by another server process (here:
straight in the database) applies to the next comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.moderation import bans, policy
from parley.moderation.models import Ban, Decision, Policy
from tests.moderation.conftest import post_form

pytestmark = pytest.mark.django_db


def test_the_policy_in_force_is_one_query(thread, site_policy, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert policy.for_post(thread.post_id).pk == site_policy.pk


def test_a_posts_own_policy_wins_and_changes_apply_at_once(thread, site_policy):
    Policy.objects.filter(pk=site_policy.pk).update(max_links=5)
    assert policy.for_post(thread.post_id).max_links == 5
    own = Policy.objects.create(post_id=thread.post_id, max_links=1)
    assert policy.for_post(thread.post_id).pk == own.pk
    Policy.objects.filter(pk=own.pk).update(max_links=2)
    assert policy.for_post(thread.post_id).max_links == 2
    own.delete()
    assert policy.for_post(thread.post_id).pk == site_policy.pk


def test_without_a_site_policy_one_is_made(thread):
    Policy.objects.all().delete()
    found = policy.for_post(thread.post_id)
    assert found.post_id is None
    assert Policy.objects.get().pk == found.pk


def test_without_a_ban_in_force_the_look_up_is_one_small_query(
    moderator, django_assert_num_queries
):
    Ban.objects.create(
        kind=Ban.Kind.IP, value="203.0.113.9", reason="Lifted", lifted_at=timezone.now()
    )
    Ban.objects.create(
        kind=Ban.Kind.IP,
        value="203.0.113.9",
        reason="Over",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    with django_assert_num_queries(1):
        assert bans.matching(user_id=7, email="a@example.org", ip="203.0.113.9") is None


def test_with_a_ban_in_force_the_look_up_is_two_queries(moderator, django_assert_num_queries):
    Ban.objects.create(
        kind=Ban.Kind.EMAIL,
        value="a@example.org",
        reason="Spam",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    with django_assert_num_queries(2):
        found = bans.matching(user_id=7, email="A@example.org", ip="203.0.113.9")
    assert found is not None
    assert found.reason == "Spam"


def test_a_ban_stored_elsewhere_applies_to_the_next_comment(thread, moderator, no_rate_limit):
    assert post_form(Client(), "Before the ban", ip="203.0.113.9").status_code == 302
    made = Ban.objects.create(
        kind=Ban.Kind.NETWORK, value="203.0.113.0/24", reason="Flooding", created_by=moderator
    )
    refused = post_form(Client(), "After the ban", ip="203.0.113.9")
    assert refused.status_code == 403
    assert "Flooding" in refused.content.decode()
    assert post_form(Client(), "Another network", ip="198.51.100.1").status_code == 302
    Ban.objects.filter(pk=made.pk).update(lifted_at=timezone.now())
    assert post_form(Client(), "After the lift", ip="203.0.113.9").status_code == 302
    assert not Decision.objects.filter(action=Decision.Action.BAN).exists()


def test_a_full_ban_comes_before_a_shadow_one(moderator):
    Ban.objects.create(kind=Ban.Kind.IP, value="203.0.113.9", reason="Shadow", shadow=True)
    Ban.objects.create(kind=Ban.Kind.NETWORK, value="203.0.113.0/24", reason="Full")
    Ban.objects.create(kind=Ban.Kind.NETWORK, value="198.51.100.0/24", reason="Elsewhere")
    found = bans.matching(user_id=None, email="", ip="203.0.113.9")
    assert found is not None
    assert found.reason == "Full"
    assert bans.matching(user_id=None, email="", ip="192.0.2.1") is None
