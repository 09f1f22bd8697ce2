"""The moderation queue's page numbers: past the end shows the last page, with links that
agree with the items shown; a number that is not one shows the first."""

from __future__ import annotations

import re

import pytest

from parley.discussion.models import Comment
from parley.moderation import queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(thread, post_as, no_rate_limit, monkeypatch):
    monkeypatch.setattr(queue, "PAGE", 2)
    made = [post_as(thread, f"Guest {n}", f"Waiting comment number {n} here.") for n in range(5)]
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(status=Comment.Status.PENDING)
    return made


def _listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="mod-item[^"]*" id="m(\d+)"', html)]


@pytest.mark.parametrize("number", ["3", "4", "9", "1000", "99999999999999999999"])
def test_past_the_end_the_queue_shows_the_last_page(client, moderator, held, number):
    client.force_login(moderator)
    response = client.get(f"/moderation/?order=oldest&page={number}")
    assert response.status_code == 200
    html = response.content.decode()
    assert _listed(html) == [held[4].pk]
    assert "page=2" in html and "Previous page" in html  # the pager is on the last page too
    assert "Next page" not in html


@pytest.mark.parametrize("number", ["0", "-1", "abc", "", "1.5"])
def test_a_page_that_is_not_a_number_shows_the_first(client, moderator, held, number):
    client.force_login(moderator)
    response = client.get(f"/moderation/?order=oldest&page={number}")
    assert response.status_code == 200
    html = response.content.decode()
    assert _listed(html) == [held[0].pk, held[1].pk]
    assert "Next page" in html and "Previous page" not in html


def test_the_list_alone_is_what_an_open_queue_fetches_again(client, moderator, held, rosa):
    client.force_login(moderator)
    whole = client.get("/moderation/?order=oldest&page=2").content.decode()
    response = client.get("/moderation/?order=oldest&page=2&partial=1")
    assert response.status_code == 200
    part = response.content.decode()
    assert part.lstrip().startswith('<ol class="mod-items" data-live="/live/moderation/"')
    assert 'data-count="5"' in part
    assert "<html" not in part and "mod-filters" not in part
    assert _listed(part) == _listed(whole) == [held[2].pk, held[3].pk]
    # A decision taken from the fetched list comes back to the queue page, not to the list.
    assert 'name="next" value="/moderation/?order=oldest&amp;page=2"' in part
    assert "partial" not in part
    assert 'class="mod-live-status visually-hidden" role="status"' in whole
    client.force_login(rosa)
    assert client.get("/moderation/?partial=1").status_code in (302, 403)
