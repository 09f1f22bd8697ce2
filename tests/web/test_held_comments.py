"""The author of a held comment lands on it, sees it in place, and can open its permalink;
everyone else sees nothing of it. A repeat names the comment it repeats."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from parley.discussion import tokens
from parley.discussion.models import Comment
from parley.moderation.models import Screening
from tests.moderation.conftest import set_mode

pytestmark = pytest.mark.django_db

URL = "/posts/lastovo/"
AWAITING = "Only you can see this comment until a moderator approves it."
# Long enough to be compared by the duplicates signal (six words or more).
REPEATED = "The crossing opened at noon on Monday, as the letter to the minister says."


@pytest.fixture(autouse=True)
def _no_model(settings, no_rate_limit):
    """The fast signals only: holds here come from the policy or the duplicates signal."""
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]


def _post(client, body: str, **fields):
    data = {"name": "Guest Gil", "body": body, **fields}
    return client.post(URL + "comments/", data, REMOTE_ADDR="203.0.113.9")


def _land(client, response) -> tuple[str, str]:
    """Follow the redirects after posting: the address landed on, and that page."""
    assert response.status_code == 302, response.content
    location = response["Location"]
    while True:
        response = client.get(location)
        if response.status_code != 302:
            break
        location = response["Location"]
    assert response.status_code == 200
    return location, response.content.decode()


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<details class="node[^"]*" id="c(\d+)"', html)]


class _Ancestors(HTMLParser):
    """The open <details> around an element, innermost last."""

    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr"}

    def __init__(self, target: str):
        super().__init__()
        self.target, self.stack, self.found = target, [], None

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        if attributes.get("id") == self.target and self.found is None:
            self.found = [a for t, a in self.stack if t == "details"]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def _details_around(html: str, element_id: str) -> list[dict]:
    parser = _Ancestors(element_id)
    parser.feed(html)
    assert parser.found is not None, f"#{element_id} is not on the page"
    return parser.found


def _long_thread(thread, post_as, roots: int) -> list[Comment]:
    """`roots` top-level comments with one reply each, published (the site publishes)."""
    made = []
    for r in range(roots):
        root = post_as(thread, f"Reader {r}", f"Root comment {r}")
        made += [root, post_as(thread, f"Replier {r}", f"Reply under {r}", parent=root)]
    return made


# -- landing after posting ------------------------------------------------------------------------


def test_a_held_guest_comment_lands_on_its_page_of_a_long_thread_in_place(
    client, thread, post_as, settings
):
    settings.PARLEY_PAGE_SIZE = 4
    _long_thread(thread, post_as, roots=5)  # 10 comments: pages 1-3 before the new one
    set_mode("all")
    response = _post(client, "A late word on the schedule.")
    mine = Comment.objects.latest("id")
    assert mine.status == "pending"
    assert response["Location"] == f"/c/{mine.pk}/"
    location, html = _land(client, response)
    assert location == f"{URL}?page=3#c{mine.pk}"
    assert mine.pk in _ids(html)
    node = re.search(rf'<details class="([^"]*)" id="c{mine.pk}".*?</details>', html, re.S)[0]
    assert "node--awaiting" in node and ">Awaiting review</span>" in node
    assert AWAITING in node and "A late word on the schedule." in node
    # It can be edited or deleted, not yet answered, quoted or flagged.
    assert 'class="edit"' in node and 'class="delete"' in node
    assert 'class="reply"' not in node and "quote-link" not in node and "flag-link" not in node
    # Nobody else sees it, on any page, nor at its permalink.
    other = Client()
    assert "A late word" not in other.get(f"{URL}?page=3").content.decode()
    assert other.get(f"/c/{mine.pk}/").status_code == 404


def test_a_held_reply_deep_in_a_collapsible_thread_lands_inside_its_open_ancestors(
    client, thread, post_as, settings
):
    settings.PARLEY_MAX_INDENT = 3
    settings.PARLEY_PAGE_SIZE = 6
    _long_thread(thread, post_as, roots=2)  # page 1 is full after the chain's first two
    parent = post_as(thread, "Level 0", "zero")
    chain = [parent]
    for depth in range(1, 6):
        parent = post_as(thread, f"Level {depth}", f"depth {depth}", parent=parent)
        chain.append(parent)
    set_mode("untrusted")
    response = _post(client, "An answer at the very bottom.", parent_id=str(chain[-1].pk))
    mine = Comment.objects.latest("id")
    assert (mine.status, mine.depth) == ("pending", 6)
    location, html = _land(client, response)
    assert location == f"{URL}?page=2#c{mine.pk}"
    around = _details_around(html, f"c{mine.pk}")
    # The comment itself, under the chain on this page (indented to the limit, then in line).
    assert around[-1]["id"] == f"c{mine.pk}"
    assert [a["id"] for a in around[:-1]] == [f"c{c.pk}" for c in chain[2:5]]
    assert all("open" in a for a in around), "every comment around it is rendered open"
    assert f'<a class="in-reply-to" href="/c/{chain[-1].pk}/">in reply to Level 5</a>' in html
    assert AWAITING in html


def test_the_author_lands_in_the_order_they_were_reading(client, thread, post_as, settings):
    settings.PARLEY_PAGE_SIZE = 4
    made = _long_thread(thread, post_as, roots=5)
    busy = made[0]
    more = [post_as(thread, f"Busy {n}", f"More under it {n}", parent=busy) for n in range(3)]
    set_mode("all")
    form = client.get(f"{URL}?sort=newest").content.decode()
    assert '<input type="hidden" name="sort" value="newest">' in form
    response = _post(client, "Newest of all.", sort="newest")
    mine = Comment.objects.latest("id")
    assert response["Location"] == f"/c/{mine.pk}/?sort=newest"
    location, html = _land(client, response)
    assert location == f"{URL}?sort=newest#c{mine.pk}"
    assert _ids(html)[0] == mine.pk and AWAITING in html

    # "Most replies": the first thread (now 5 replies, one of them this author's) comes first.
    response = _post(client, "Under the busiest.", parent_id=str(busy.pk), sort="replies")
    reply = Comment.objects.latest("id")
    location, html = _land(client, response)
    # Before it, in that order: the busy thread's 5 earlier comments, so it is on page 2.
    assert location == f"{URL}?sort=replies&page=2#c{reply.pk}"
    assert _ids(html)[:2] == [more[-1].pk, reply.pk] and AWAITING in html
    # The same permalink in the default order: after the first thread and none other.
    assert client.get(f"/c/{reply.pk}/")["Location"] == f"{URL}?page=2#c{reply.pk}"


def test_a_published_comment_still_lands_on_itself(client, thread, post_as, settings):
    settings.PARLEY_PAGE_SIZE = 4
    _long_thread(thread, post_as, roots=3)
    response = _post(client, "Published at once.")
    mine = Comment.objects.latest("id")
    assert mine.status == "published"
    location, html = _land(client, response)
    assert location == f"{URL}?page=2#c{mine.pk}"
    assert AWAITING not in html and "Awaiting review" not in html


def test_a_subtree_page_shows_the_authors_held_reply_in_place(client, thread, post_as):
    top = post_as(thread, "Ana", "Top")
    middle = post_as(thread, "Bruno", "Middle", parent=top)
    set_mode("all")
    _post(client, "My held answer.", parent_id=str(middle.pk))
    mine = Comment.objects.latest("id")
    html = client.get(f"{URL}comments/{middle.pk}/").content.decode()
    assert _ids(html) == [middle.pk, mine.pk]
    assert [a["id"] for a in _details_around(html, f"c{mine.pk}")] == [
        f"c{middle.pk}",
        f"c{mine.pk}",
    ]
    assert AWAITING in html and "My held answer." in html
    assert client.get(f"{URL}comments/{mine.pk}/").status_code == 200
    other = Client().get(f"{URL}comments/{middle.pk}/").content.decode()
    assert _ids(other) == [middle.pk] and "My held answer." not in other
    assert Client().get(f"{URL}comments/{mine.pk}/").status_code == 404


# -- the permalink ---------------------------------------------------------------------------------


def test_the_permalink_of_a_held_comment_works_for_its_account_only(
    client, thread, post_as, rosa, moderator
):
    post_as(thread, "Ana", "Before")
    set_mode("all")
    client.force_login(rosa)
    _post(client, "Rosa's held thought.")
    mine = Comment.objects.latest("id")
    assert mine.status == "pending"
    assert client.get(f"/c/{mine.pk}/")["Location"] == f"{URL}#c{mine.pk}"
    anonymous = Client()
    assert anonymous.get(f"/c/{mine.pk}/").status_code == 404
    other = Client()
    other.force_login(moderator)  # not in their thread pages: the permalink opens its log
    assert other.get(f"/c/{mine.pk}/")["Location"] == f"/moderation/log/?comment={mine.pk}"
    assert other.get(f"/c/{mine.pk}/edit/").status_code == 200  # the queue's Edit link
    # Another guest's posted-comments cookie cannot claim an account's comment.
    forged = Client()
    forged.cookies[tokens.POSTED_COOKIE] = tokens.add_posted(None, mine.pk)
    assert forged.get(f"/c/{mine.pk}/").status_code == 404


def test_the_permalink_of_a_held_guest_comment_works_in_the_browser_that_posted_it(client, thread):
    set_mode("all")
    _post(client, "A guest's held thought.")
    mine = Comment.objects.get()
    assert tokens.posted_ids(client.cookies[tokens.POSTED_COOKIE].value) == [mine.pk]
    assert client.get(f"/c/{mine.pk}/")["Location"] == f"{URL}#c{mine.pk}"
    assert Client().get(f"/c/{mine.pk}/").status_code == 404
    tampered = Client()
    tampered.cookies[tokens.POSTED_COOKIE] = client.cookies[tokens.POSTED_COOKIE].value + "x"
    assert tampered.get(f"/c/{mine.pk}/").status_code == 404


def test_rejected_and_deleted_comments_stay_gone_for_their_author(client, thread, moderator):
    from parley.moderation.actions import decide

    set_mode("all")
    _post(client, "This one will be rejected.")
    _post(client, "This one I delete myself.")
    rejected, deleted = Comment.objects.order_by("pk")
    decide(rejected, "reject", by=moderator, expected="pending", category="offtopic")
    assert client.get(f"/c/{rejected.pk}/").status_code == 404
    assert "will be rejected" not in client.get(URL).content.decode()
    assert client.post(f"/c/{deleted.pk}/delete/").status_code == 302
    assert not Comment.objects.filter(pk=deleted.pk).exists()
    assert client.get(f"/c/{deleted.pk}/").status_code == 404


def test_once_approved_the_comment_loses_its_mark(client, thread, moderator):
    from parley.moderation.actions import decide

    set_mode("all")
    _post(client, "Approve me.")
    mine = Comment.objects.get()
    decide(mine, "approve", by=moderator, expected="pending")
    html = client.get(URL).content.decode()
    assert "Approve me." in html and AWAITING not in html
    assert Client().get(f"/c/{mine.pk}/").status_code == 302


# -- repeats ---------------------------------------------------------------------------------------


def test_a_double_post_names_and_links_the_first_in_the_readers_time_zone(
    client, thread, moderator
):
    zone = "America/Sao_Paulo"
    client.cookies["parley_tz"] = zone
    _post(client, REPEATED)
    response = _post(client, REPEATED)
    first, second = Comment.objects.order_by("pk")
    assert (first.status, second.status) == ("published", "pending")
    location, html = _land(client, response)
    assert location == f"{URL}#c{second.pk}"
    local = timezone.localtime(first.created_at, zoneinfo.ZoneInfo(zone))
    link = (
        f'<a href="/c/{first.pk}/"><time datetime="{first.created_at.isoformat()}">'
        f"{local:%H:%M}</time></a>"
    )
    assert f'<p class="repeat-note">You posted this at {link}.</p>' in html
    # The moderator's queue names the first comment too.
    queue = Client()
    queue.force_login(moderator)
    assert f"held: posted twice: same as #{first.pk}" in queue.get("/moderation/").content.decode()
    assert Screening.objects.get(comment=second).scores["duplicates"]["earlier_id"] == first.pk


def test_a_repeat_of_a_held_comment_links_to_it_for_its_author_alone(client, thread):
    set_mode("all")
    _post(client, REPEATED)
    _post(client, REPEATED)
    first, second = Comment.objects.order_by("pk")
    assert (first.status, second.status) == ("pending", "pending")
    html = client.get(URL).content.decode()
    assert f'<p class="repeat-note">You posted this at <a href="/c/{first.pk}/">' in html
    assert html.count(AWAITING) == 2  # both are shown to their author, in place
    assert client.get(f"/c/{first.pk}/").status_code == 302
    assert Client().get(f"/c/{first.pk}/").status_code == 404


def test_an_account_repeating_an_old_comment_is_told_the_day(client, thread, post_as, rosa):
    days_ago = timezone.now() - timedelta(days=3)
    from parley.discussion.actions import Commenter, post_comment

    earlier = post_comment(
        thread, commenter=Commenter(user=rosa), body=REPEATED, created_at=days_ago
    )
    client.force_login(rosa)
    _post(client, REPEATED)
    again = Comment.objects.latest("id")
    assert again.status == "pending"
    screening = Screening.objects.get(comment=again)
    assert screening.summary == f"held: duplicate of #{earlier.pk} by the same commenter"
    html = client.get(URL).content.decode()
    day = timezone.localtime(earlier.created_at)
    assert (
        f'You posted this on <a href="/c/{earlier.pk}/"><time datetime="'
        f'{earlier.created_at.isoformat()}">{day.day} {day:%B %Y, %H:%M}</time></a>.'
    ) in html


def test_a_repeat_of_someone_elses_comment_says_so_without_claiming_it(client, thread, post_as):
    original = post_as(thread, "Ana", REPEATED)
    _post(client, REPEATED)
    copy = Comment.objects.latest("id")
    assert copy.status == "pending"
    html = client.get(URL).content.decode()
    assert f'This repeats a comment posted at <a href="/c/{original.pk}/">' in html
    assert "You posted this" not in html


def test_a_shadow_banned_author_sees_their_comment_unmarked(client, thread, moderator):
    from parley.moderation import bans

    bans.ban(kind="ip", value="203.0.113.9", reason="Baiting", by=moderator, shadow=True)
    _post(client, "Nobody will know.")
    mine = Comment.objects.get()
    assert mine.status == "pending"
    location, html = _land(client, _post(client, "Nobody will know, again."))
    assert "Nobody will know." in html and AWAITING not in html and "Awaiting review" not in html
    assert location.startswith(URL)
