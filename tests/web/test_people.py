"""Readers' profiles (/people/<id>/): the public part every reader sees, the account's own
extras, what never shows (hidden comments, login names, e-mail, guests), paging and the
number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parley.accounts.models import User
from parley.discussion import follows
from parley.discussion.actions import Commenter, delete_comment, post_comment, set_comment_status
from parley.discussion.models import Comment
from parley.discussion.votes import Voter, cast_vote
from parley.publishing.actions import create_post
from parley.publishing.models import Post
from parley.web.people import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivan(db):
    return User.objects.create_user(
        "ivan_login", "ivan@example.org", "ivan-pass-1234", display_name="Ivan Petrov"
    )


@pytest.fixture
def other_post(editor):
    return create_post(slug="trucks", title="The trucks at the border", author=editor)


def say(thread, user, body: str, parent=None) -> Comment:
    return post_comment(
        thread,
        commenter=Commenter(user=user),
        body=body,
        parent_id=parent.pk if parent is not None else None,
    )


def _voter(user) -> Voter:
    # Each from a network of its own: votes from one network in a burst count once.
    return Voter(user=user, key=f"user:{user.pk}", address=f"198.51.{user.pk}.7")


def _texts(html: str) -> list[str]:
    return re.findall(r'<p class="person-comment__text"[^>]*>(.*?)</p>', html, re.S)


def _url(user) -> str:
    return f"/people/{user.pk}/"


def test_every_reader_sees_the_name_record_and_comments_newest_first(
    client, thread, other_post, ivan, rosa, no_rate_limit
):
    first = say(thread, ivan, "The letter came first, on the first of February.")
    second = say(other_post.thread, ivan, "The trucks waited since Friday.")
    third = say(thread, ivan, "The press release came a day later.")
    cast_vote(first, _voter(rosa), 1)
    cast_vote(third, _voter(rosa), 1)
    client.force_login(rosa)
    response = client.get(_url(ivan))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Ivan Petrov" in html
    assert "ivan_login" not in html and "ivan@example.org" not in html
    assert f"Joined {ivan.date_joined:%B %Y}" in html
    assert "3 comments" in html
    assert "2 “useful” votes received" in html
    assert "not useful" not in html  # the site counts no downvotes
    assert _texts(html) == [
        "The press release came a day later.",
        "The trucks waited since Friday.",
        "The letter came first, on the first of February.",
    ]
    assert "The trucks at the border" in html and "The Lastovo crossing" in html
    for comment in (first, second, third):
        assert f'href="/c/{comment.pk}/"' in html
        assert f'href="/c/{comment.pk}/context/"' in html
    # Another reader's view holds none of the account's own parts.
    assert "Discussions you follow" not in html and "awaiting review" not in html.lower()


def test_a_moderator_has_the_badge(client, thread, moderator, ivan):
    assert 'badge--moderator">Moderator' in client.get(_url(moderator)).content.decode()
    assert "badge--moderator" not in client.get(_url(ivan)).content.decode()


def test_a_name_without_display_name_is_the_username(client, thread):
    plain = User.objects.create_user("marko", "marko@example.org", "marko-pass-1234")
    html = client.get(_url(plain)).content.decode()
    assert '<h1 class="page-title person-name">marko' in html
    assert "marko@example.org" not in html
    assert "0 comments" in html


def test_votes_not_useful_count_where_the_site_offers_them(
    client, thread, ivan, rosa, moderator, settings
):
    settings.PARLEY_DOWNVOTES = True
    comment = say(thread, ivan, "The crossing opens at noon.")
    cast_vote(comment, _voter(rosa), -1)
    cast_vote(comment, _voter(moderator), 1)
    html = client.get(_url(ivan)).content.decode()
    assert "1 “useful” vote received, 1 “not useful”" in html
    settings.PARLEY_DOWNVOTES = False
    assert "not useful" not in client.get(_url(ivan)).content.decode()


def test_hidden_comments_never_show_to_others_nor_count(
    client, thread, other_post, ivan, rosa, moderator, no_rate_limit
):
    say(thread, ivan, "Visiblemarker stays on the page.")
    held = say(thread, ivan, "Heldmarker awaits a moderator.")
    set_comment_status(held, Comment.Status.PENDING, by=moderator)
    rejected = say(thread, ivan, "Rejectedmarker was refused.")
    set_comment_status(rejected, Comment.Status.REJECTED, by=moderator)
    deleted = say(thread, ivan, "Deletedmarker was taken back.")
    say(thread, rosa, "A reply keeps its place.", parent=deleted)
    delete_comment(deleted, user=ivan)
    say(other_post.thread, ivan, "Takenbackmarker under a post taken back.")
    Post.objects.filter(pk=other_post.pk).update(is_published=False)
    for who in (None, rosa, moderator):
        reader = Client()
        if who is not None:
            reader.force_login(who)
        html = reader.get(_url(ivan)).content.decode()
        assert "Visiblemarker" in html, who
        for marker in ("Heldmarker", "Rejectedmarker", "Deletedmarker", "Takenbackmarker"):
            assert marker not in html, (who, marker)
        assert "1 comment<" in html


def test_the_account_sees_its_followed_threads_and_held_comments(
    client, thread, other_post, ivan, moderator, no_rate_limit
):
    say(thread, ivan, "Visiblemarker stays on the page.")
    held = say(other_post.thread, ivan, "Heldmarker awaits a moderator.")
    set_comment_status(held, Comment.Status.PENDING, by=moderator)
    follows.follow(ivan, thread)
    follows.follow(ivan, other_post.thread)
    follows.stop_following(ivan, other_post.thread)
    client.force_login(ivan)
    html = client.get(_url(ivan)).content.decode()
    followed = re.search(
        r'<section class="person-section person-followed".*?</section>', html, re.S
    )
    assert followed is not None
    assert "The Lastovo crossing" in followed.group(0)
    assert "The trucks at the border" not in followed.group(0)  # stopped
    assert f'action="/threads/{thread.pk}/follow/"' in followed.group(0)
    assert 'name="state" value="stopped"' in followed.group(0)
    assert f'name="next" value="{_url(ivan)}"' in followed.group(0)
    held_part = re.search(r'<section class="person-section person-held".*?</section>', html, re.S)
    assert held_part is not None
    assert "Heldmarker" in held_part.group(0) and "Awaiting review" in held_part.group(0)
    assert f'href="/c/{held.pk}/"' in held_part.group(0)
    assert _texts(html)[-1] == "Visiblemarker stays on the page."
    assert "1 comment<" in html  # the held one is not counted


def test_stopping_from_the_profile_comes_back_to_it(thread, ivan):
    follows.follow(ivan, thread)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ivan)
    client.get(_url(ivan))
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/threads/{thread.pk}/follow/",
        {"state": "stopped", "next": _url(ivan), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == _url(ivan)
    html = client.get(_url(ivan)).content.decode()
    assert "You follow no discussion yet." in html
    assert not follows.is_following(ivan, thread)


def test_a_followed_thread_whose_post_went_away_is_not_listed(client, thread, ivan):
    follows.follow(ivan, thread)
    Post.objects.filter(pk=thread.post_id).update(is_published=False)
    client.force_login(ivan)
    assert "The Lastovo crossing" not in client.get(_url(ivan)).content.decode()


def test_comments_come_in_pages_and_a_page_past_the_end_is_404(client, thread, ivan, no_rate_limit):
    for n in range(PAGE_SIZE + 3):
        say(thread, ivan, f"Comment number {n} on the crossing.")
    first = client.get(_url(ivan)).content.decode()
    assert len(_texts(first)) == PAGE_SIZE
    assert _texts(first)[0] == f"Comment number {PAGE_SIZE + 2} on the crossing."
    assert 'href="?page=2" rel="next"' in first
    second = client.get(_url(ivan) + "?page=2").content.decode()
    assert _texts(second) == [f"Comment number {n} on the crossing." for n in (2, 1, 0)]
    assert 'rel="next"' not in second and 'href="?page=1" rel="prev"' in second
    past = client.get(_url(ivan) + "?page=3")
    assert past.status_code == 404
    assert "fit on 2 page(s)" in past.content.decode()
    for bad in ("0", "abc", "²", "9999999999"):
        assert client.get(_url(ivan) + f"?page={bad}").status_code == 404, bad


def test_a_page_costs_the_same_queries_whatever_the_comments(
    thread, other_post, ivan, rosa, no_rate_limit, django_assert_num_queries
):
    say(thread, ivan, "One comment only.")
    follows.follow(ivan, thread)
    for who in (rosa, ivan):
        reader = Client()
        reader.force_login(who)
        reader.get(_url(ivan))
    counts = {}
    for who in (rosa, ivan):
        reader = Client()
        reader.force_login(who)
        with CaptureQueriesContext(connection) as small:
            reader.get(_url(ivan))
        counts[who.pk] = len(small.captured_queries)
    for n in range(PAGE_SIZE + 5):
        say(thread if n % 2 else other_post.thread, ivan, f"Comment number {n}.")
    held = say(thread, ivan, "Held one.")
    set_comment_status(held, Comment.Status.PENDING, by=None)
    follows.follow(ivan, other_post.thread)
    for who in (rosa, ivan):
        reader = Client()
        reader.force_login(who)
        with django_assert_num_queries(counts[who.pk]):
            response = reader.get(_url(ivan))
        assert len(_texts(response.content.decode())) == PAGE_SIZE + (who == ivan)
    # The account's own view reads two lists more (followed threads, held comments).
    assert counts[ivan.pk] == counts[rosa.pk] + 2


def test_an_inactive_account_or_an_unknown_id_is_404(client, thread, ivan):
    say(thread, ivan, "The crossing opens at noon.")
    assert client.get(_url(ivan)).status_code == 200
    User.objects.filter(pk=ivan.pk).update(is_active=False)
    response = client.get(_url(ivan))
    assert response.status_code == 404
    assert "The crossing opens at noon." not in response.content.decode()
    assert client.get(f"/people/{ivan.pk + 100}/").status_code == 404
    assert client.get(f"/people/{2**63}/").status_code == 404


def test_account_names_link_to_profiles_and_guest_names_do_not(
    client, thread, ivan, post_as, no_rate_limit
):
    say(thread, ivan, "From an account.")
    post_as(thread, "Bruno", "From a guest.")
    post_as(thread, "Carla", "From a guest with a site.", website="https://carla.example/")
    for _round in range(2):  # rendered, then from the thread cache
        html = client.get("/posts/lastovo/").content.decode()
        assert f'<a class="author author--person" href="/people/{ivan.pk}/">Ivan Petrov</a>' in html
        assert '<span class="author">Bruno</span>' in html
        assert 'href="https://carla.example/" rel="nofollow ugc noopener noreferrer">Carla' in html
        assert html.count("/people/") == 1
    home = client.get("/").content.decode()
    assert f'href="/people/{ivan.pk}/"' in home and '<span class="author">Bruno</span>' in home


def test_the_account_page_links_the_readers_own_profile(client, rosa):
    client.force_login(rosa)
    assert f'href="/people/{rosa.pk}/"' in client.get("/account/").content.decode()


def test_the_header_links_a_signed_in_reader_to_their_profile(client, rosa):
    client.force_login(rosa)
    html = client.get("/").content.decode()
    assert f'<a href="/people/{rosa.pk}/" title="Your profile">{rosa.public_name}</a>' in html
