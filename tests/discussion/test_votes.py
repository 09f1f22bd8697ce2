"""Votes: one per reader and changeable, never on one's own comment, counted once per network
in a burst, and the "best" order by the lower bound of the Wilson interval."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley.accounts.models import User
from parley.discussion import queries, votes
from parley.discussion.models import Comment, Vote
from parley.lib.errors import Conflict, Forbidden, Invalid, TooManyRequests
from parley.realtime.models import Event


def _voter(name: str, ip: str = "203.0.113.9") -> votes.Voter:
    user = User.objects.create_user(name, password=f"{name}-pass-1234")
    return votes.Voter(user=user, key=f"user:{user.pk}", address=ip)


def _guest(ip: str) -> votes.Voter:
    return votes.Voter(user=None, key=f"ip:{ip}", address=ip)


def _counts(comment: Comment) -> tuple[int, int, float]:
    comment.refresh_from_db()
    return comment.up_count, comment.down_count, comment.best_score


@pytest.fixture
def comment(thread, post_as):
    return post_as(thread, "Bruno", "The crossing opens at noon.")


def test_wilson_lower_bound_prefers_many_good_votes_to_few():
    assert votes.wilson_lower_bound(0, 0) == 0.0
    assert votes.wilson_lower_bound(2, 0) == pytest.approx(0.342, abs=0.001)
    assert votes.wilson_lower_bound(95, 5) == pytest.approx(0.888, abs=0.001)
    assert votes.wilson_lower_bound(95, 5) > votes.wilson_lower_bound(2, 0)
    assert votes.wilson_lower_bound(0, 5) == 0.0


def test_a_vote_counts_changes_and_is_withdrawn(comment, settings):
    settings.PARLEY_DOWNVOTES = True
    ana = _voter("ana")
    tally = votes.cast_vote(comment, ana, 1)
    assert (tally.up, tally.down, tally.mine, tally.counted) == (1, 0, 1, True)
    assert _counts(comment) == (1, 0, pytest.approx(votes.wilson_lower_bound(1, 0)))
    votes.cast_vote(comment, ana, -1)
    assert _counts(comment)[:2] == (0, 1)
    votes.withdraw_vote(comment, ana)
    assert _counts(comment) == (0, 0, 0.0)
    assert not Vote.objects.exists()


def test_a_vote_bumps_the_thread_version_with_a_voted_event(comment, thread):
    before = comment.thread.__class__.objects.get(pk=thread.pk).version
    votes.cast_vote(comment, _voter("ana"), 1)
    thread.refresh_from_db()
    assert thread.version == before + 1
    event = Event.objects.get(thread=thread, version=thread.version)
    assert (event.kind, event.comments, event.staff_only) == ("voted", [comment.pk], False)


def test_the_same_vote_twice_is_refused_and_stores_nothing(comment):
    ana = _voter("ana")
    votes.cast_vote(comment, ana, 1)
    with pytest.raises(Conflict, match="already marked this comment"):
        votes.cast_vote(comment, ana, 1)
    with pytest.raises(Conflict, match="no vote to withdraw"):
        votes.withdraw_vote(comment, _voter("bo", "198.51.100.1"))
    assert Vote.objects.count() == 1
    assert _counts(comment)[:2] == (1, 0)


def test_authors_cannot_vote_for_themselves(thread, post_as):
    rosa = _voter("rosa")
    own = post_as(thread, "", "My own words.", user=rosa.user)
    with pytest.raises(Forbidden, match="your own comment"):
        votes.cast_vote(own, rosa, 1)
    guest_comment = post_as(thread, "Guest", "A guest's words.")
    guest = votes.Voter(
        user=None, key="ip:192.0.2.1", address="192.0.2.1", posted=frozenset({guest_comment.pk})
    )
    with pytest.raises(Forbidden):
        votes.cast_vote(guest_comment, guest, 1)
    assert not Vote.objects.exists()


def test_removed_comments_and_bad_values_are_refused(comment, settings):
    with pytest.raises(Invalid, match="only “useful” votes"):
        votes.cast_vote(comment, _voter("ana"), -1)
    for bad in (2, "1", True, None):
        with pytest.raises(Invalid, match="A vote is 1"):
            votes.cast_vote(comment, _voter(f"x{abs(hash(repr(bad)))}"), bad)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.DELETED)
    comment.refresh_from_db()
    with pytest.raises(Invalid, match="cannot be voted on"):
        votes.cast_vote(comment, _voter("bo"), 1)
    assert not Vote.objects.exists()
    assert _counts(comment) == (0, 0, 0.0)


def test_votes_from_one_network_in_a_burst_count_once(comment):
    for name, ip in (("s1", "203.0.113.5"), ("s2", "203.0.113.77"), ("s3", "203.0.113.200")):
        votes.cast_vote(comment, _voter(name, ip), 1)
    votes.cast_vote(comment, _voter("far", "198.51.100.4"), 1)
    assert Vote.objects.count() == 4
    assert Vote.objects.filter(counted=True).count() == 2
    assert _counts(comment)[:2] == (2, 0)


def test_after_the_window_the_network_counts_again(comment):
    votes.cast_vote(comment, _voter("s1", "203.0.113.5"), 1)
    earlier = Vote.objects.get().created_at - votes.BURST_WINDOW - timedelta(seconds=1)
    Vote.objects.update(created_at=earlier)
    votes.cast_vote(comment, _voter("s2", "203.0.113.6"), 1)
    assert _counts(comment)[:2] == (2, 0)


def test_a_withdrawn_counted_vote_hands_its_place_to_the_burst(comment):
    first = _voter("s1", "2001:db8:1:2::1")
    votes.cast_vote(comment, first, 1)
    votes.cast_vote(comment, _voter("s2", "2001:db8:1:2:ffff::2"), 1)
    assert _counts(comment)[:2] == (1, 0)
    votes.withdraw_vote(comment, first)
    assert _counts(comment)[:2] == (1, 0)
    assert Vote.objects.get().counted


def test_guests_are_limited_per_network(comment, thread, post_as, settings):
    settings.PARLEY_VOTE_RATE = [(2, 3600)]
    others = [post_as(thread, "Bruno", f"Comment {n}.") for n in range(3)]
    votes.cast_vote(others[0], _guest("203.0.113.1"), 1)
    votes.cast_vote(others[1], _guest("203.0.113.2"), 1)
    with pytest.raises(TooManyRequests, match="Too many votes from you"):
        votes.cast_vote(others[2], _guest("203.0.113.3"), 1)
    assert Vote.objects.count() == 2
    votes.cast_vote(others[2], _guest("198.51.100.3"), 1)  # another network


def test_best_order_puts_95_of_100_before_2_of_2(thread, post_as):
    few = post_as(thread, "Few", "Two votes, both useful.")
    many = post_as(thread, "Many", "A hundred votes, 95 useful.")
    none = post_as(thread, "None", "No votes.")
    reply = post_as(thread, "Reply", "A reply to the few.", parent=few)
    Comment.objects.filter(pk=few.pk).update(up_count=2, best_score=votes.wilson_lower_bound(2, 0))
    Comment.objects.filter(pk=many.pk).update(
        up_count=95, down_count=5, best_score=votes.wilson_lower_bound(95, 5)
    )
    order = [c.pk for c in queries.ordered(thread, "best")]
    assert order == [many.pk, few.pk, reply.pk, none.pk]
    for position, pk in enumerate(order):
        assert queries.position(Comment.objects.get(pk=pk), sort="best") == position
