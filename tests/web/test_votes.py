"""Votes on the thread page: buttons that work without script, the JSON answer parley.js
uses, the "Best first" order with a constant number of queries, and moderators' view of
vote patterns."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from parley.accounts.models import User
from parley.discussion.models import Comment, Vote

pytestmark = pytest.mark.django_db

URL = "/posts/lastovo/"


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<details class="node[^"]*" id="c(\d+)"', html)]


def _csrf_client(user=None) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(URL)
    return client, client.cookies["csrftoken"].value


def _vote(client: Client, token: str, comment, value, *, ip="203.0.113.9", json=False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        f"/c/{comment.pk}/vote/",
        {"value": value, "csrfmiddlewaretoken": token},
        headers=headers,
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def comment(thread, post_as):
    return post_as(thread, "Bruno", "The crossing opens at noon.")


def test_the_thread_page_shows_a_useful_button_with_its_count(client, comment, settings):
    html = client.get(URL).content.decode()
    form = re.search(r'<form class="votes".*?</form>', html, re.S)
    assert form is not None
    assert f'action="/c/{comment.pk}/vote/"' in form.group(0)
    assert 'name="value" value="1"' in form.group(0)
    assert '<span class="vote-count" data-count="up">0</span>' in form.group(0)
    assert "Not useful" not in form.group(0)
    settings.PARLEY_DOWNVOTES = True
    assert 'value="-1"' in Client().get(URL + "?sort=newest").content.decode()


def test_without_script_the_button_asks_then_the_form_votes(comment):
    client, token = _csrf_client()
    page = client.get(f"/c/{comment.pk}/vote/?value=1")
    assert page.status_code == 200
    assert "Vote on a comment" in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    answer = _vote(client, token, comment, 1)
    assert answer.status_code == 302
    assert answer["Location"] == f"/c/{comment.pk}/"
    comment.refresh_from_db()
    assert comment.up_count == 1
    html = client.get(URL).content.decode()
    assert '<span class="vote-count" data-count="up">1</span>' in html
    assert "Thank you: your vote is recorded." in html
    again = client.get(f"/c/{comment.pk}/vote/", REMOTE_ADDR="203.0.113.9").content.decode()
    assert "You marked it useful." in again and "Withdraw my vote" in again


def test_a_vote_without_the_csrf_token_is_refused(comment):
    client, _token = _csrf_client()
    answer = client.post(f"/c/{comment.pk}/vote/", {"value": 1})
    assert answer.status_code == 403
    assert not Vote.objects.exists()


def test_the_json_answer_gives_the_counts(comment):
    client, token = _csrf_client()
    answer = _vote(client, token, comment, 1, json=True)
    assert answer.status_code == 200
    assert answer.json()["up_count"] == 1 and answer.json()["my_vote"] == 1
    again = _vote(client, token, comment, 1, json=True)
    assert again.status_code == 409
    assert again.json()["message"] == "You already marked this comment “Useful”."
    gone = _vote(client, token, comment, 0, json=True)
    assert gone.json()["my_vote"] == 0 and gone.json()["up_count"] == 0


def test_refusals_say_why_and_store_nothing(thread, post_as):
    rosa = User.objects.create_user("rosa", password="rosa-pass-1234")
    own = post_as(thread, "", "Mine.", user=rosa)
    client, token = _csrf_client(rosa)
    answer = _vote(client, token, own, 1)
    assert answer.status_code == 403
    assert "You cannot vote on your own comment." in answer.content.decode()
    other = post_as(thread, "Ana", "Not mine.")
    answer = _vote(client, token, other, "lots")
    assert answer.status_code == 400
    assert "A vote is 1 (useful)" in answer.content.decode()
    Comment.objects.filter(pk=other.pk).update(status=Comment.Status.DELETED)
    post_as(thread, "Bo", "A reply keeps the placeholder.", parent=own)
    answer = _vote(client, token, other, 1, json=True)
    assert answer.status_code == 400 and answer.json()["error"] == "not_votable"
    assert _vote(client, token, Comment(pk=999_999), 1).status_code == 404
    assert not Vote.objects.exists()


def test_a_guest_cannot_vote_on_the_comment_they_just_posted(thread):
    client, token = _csrf_client()
    client.post(
        URL + "comments/", {"name": "Guest", "body": "My words.", "csrfmiddlewaretoken": token}
    )
    mine = Comment.objects.get(body="My words.")
    answer = _vote(client, token, mine, 1, json=True)
    assert answer.status_code == 403
    assert not Vote.objects.exists()


def test_best_first_is_offered_and_orders_by_votes(client, thread, post_as):
    first = post_as(thread, "Ana", "No votes.")
    second = post_as(thread, "Bo", "Useful to three readers.")
    for ip in ("203.0.113.1", "198.51.100.1", "192.0.2.1"):
        voter, token = _csrf_client()
        assert _vote(voter, token, second, 1, ip=ip).status_code == 302
    html = client.get(URL).content.decode()
    assert '<a href="?sort=best#comments">Best first</a>' in html
    assert _ids(client.get(URL + "?sort=best").content.decode()) == [second.pk, first.pk]
    assert _ids(client.get(URL).content.decode()) == [first.pk, second.pk]


def test_best_first_keeps_the_query_count(
    client, thread, post_as, no_rate_limit, django_assert_num_queries, settings
):
    settings.PARLEY_THREAD_CACHE = False
    settings.PARLEY_PAGE_SIZE = 500
    for n in range(3):
        post_as(thread, f"Reader {n}", f"Root comment {n}")
    client.get(URL + "?sort=best")
    with django_assert_num_queries(5) as small:
        client.get(URL + "?sort=best")
    made = [post_as(thread, f"More {n}", f"More words {n}") for n in range(60)]
    Comment.objects.filter(pk__in=[c.pk for c in made[::2]]).update(up_count=3, best_score=0.4)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL + "?sort=best")
    assert len(_ids(response.content.decode())) == 63


def test_a_vote_changes_the_cached_page(client, comment):
    assert '<span class="vote-count" data-count="up">0</span>' in client.get(URL).content.decode()
    voter, token = _csrf_client()
    _vote(voter, token, comment, 1)
    assert '<span class="vote-count" data-count="up">1</span>' in client.get(URL).content.decode()


def test_moderators_see_votes_by_network_in_the_commenters_log(thread, post_as, moderator):
    rosa = User.objects.create_user("rosa", password="rosa-pass-1234")
    own = post_as(thread, "", "Vote for me.", user=rosa)
    for n in range(1, 4):
        socks = User.objects.create_user(f"sock{n}", password="sock-pass-1234")
        voter, token = _csrf_client(socks)
        _vote(voter, token, own, 1, ip=f"203.0.113.{n}")
    voter, token = _csrf_client()
    _vote(voter, token, own, 1, ip="198.51.100.7")
    staff = Client()
    staff.force_login(moderator)
    html = staff.get(f"/moderation/log/?commenter=user:{rosa.pk}").content.decode()
    assert "Votes on their comments" in html
    burst = re.search(r'<tr class="mod-votes--burst">(.*?)</tr>', html, re.S)
    assert burst is not None
    assert re.findall(r"<td>([^<]*)</td>", burst.group(1)) == ["203.0.113.0/24", "3", "1", "3", "0"]
    assert "<td>198.51.100.0/24</td><td>1</td><td>1</td>" in html
    assert "They cast 0 votes" in html
    reader = Client()
    reader.force_login(rosa)
    assert reader.get(f"/moderation/log/?commenter=user:{rosa.pk}").status_code in (302, 403, 404)


def test_a_subtree_page_reads_its_replies_best_first(client, thread, post_as):
    top = post_as(thread, "Ana", "A question.")
    plain = post_as(thread, "Bo", "A plain answer.", parent=top)
    under = post_as(thread, "Cy", "Under the plain answer.", parent=plain)
    good = post_as(thread, "Di", "A useful answer.", parent=top)
    Comment.objects.filter(pk=good.pk).update(up_count=4, best_score=0.5)
    url = f"{URL}comments/{top.pk}/"
    assert _ids(client.get(url).content.decode()) == [top.pk, plain.pk, under.pk, good.pk]
    html = client.get(url + "?sort=best").content.decode()
    assert _ids(html) == [top.pk, good.pk, plain.pk, under.pk]
    assert '<a href="?sort=best" aria-current="true">Best first</a>' in html
    assert _ids(client.get(url + "?sort=replies").content.decode())[1] == plain.pk
