"""Following a thread from its post page: a POST form for accounts (CSRF-checked, back where
the reader was), kept as a state so that commenting after a stop does not follow again, and
never part of the HTML every reader shares."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parley.discussion import follows
from parley.discussion.models import Follow
from parley.publishing.models import Post

pytestmark = pytest.mark.django_db

URL = "/posts/lastovo/"


def _csrf_client(user=None) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(URL)
    return client, client.cookies["csrftoken"].value


def _set(client: Client, token: str, thread, state: str, **extra):
    return client.post(
        f"/threads/{thread.pk}/follow/",
        {"state": state, "csrfmiddlewaretoken": token, **extra},
    )


def _button(html: str) -> str:
    found = re.search(r'<form class="follow-form".*?</form>', html, re.S)
    assert found is not None, "no follow button on the page"
    return found.group(0)


def _state(user, thread) -> str | None:
    return Follow.objects.filter(user=user, thread=thread).values_list("state", flat=True).first()


def _post_comment(client: Client, body: str):
    return client.post(
        URL + "comments/", {"body": body, "idempotency_key": ""}, REMOTE_ADDR="203.0.113.9"
    )


def test_an_account_follows_and_stops_with_the_button(thread, rosa):
    client, token = _csrf_client(rosa)
    button = _button(client.get(URL).content.decode())
    assert f'action="/threads/{thread.pk}/follow/"' in button
    assert 'name="state" value="following"' in button and ">Follow<" in button

    response = _set(client, token, thread, "following", next=URL + "?sort=best#comments")
    assert response.status_code == 302 and response["Location"] == URL + "?sort=best#comments"
    assert _state(rosa, thread) == "following"
    page = client.get(URL).content.decode()
    assert "You follow this discussion." in page
    button = _button(page)
    assert "Following ✓" in button and "(stop)" in button
    assert 'name="state" value="stopped"' in button

    response = _set(client, token, thread, "stopped")
    assert response.status_code == 302 and response["Location"] == URL + "#comments"
    assert _state(rosa, thread) == "stopped"
    assert ">Follow<" in _button(client.get(URL).content.decode())


def test_following_twice_changes_nothing(thread, rosa):
    client, token = _csrf_client(rosa)
    _set(client, token, thread, "following")
    first = Follow.objects.get(user=rosa, thread=thread)
    assert _set(client, token, thread, "following").status_code == 302
    again = Follow.objects.get(user=rosa, thread=thread)
    assert Follow.objects.filter(user=rosa).count() == 1
    assert (again.pk, again.state, again.updated_at) == (first.pk, "following", first.updated_at)


def test_a_redirect_elsewhere_is_not_followed(thread, rosa):
    client, token = _csrf_client(rosa)
    response = _set(client, token, thread, "following", next="https://evil.example/")
    assert response["Location"] == URL + "#comments"


def test_a_state_that_is_neither_is_refused_with_a_sentence(thread, rosa):
    client, token = _csrf_client(rosa)
    response = _set(client, token, thread, "maybe")
    assert response.status_code == 400
    assert "state=following" in response.content.decode()
    assert not Follow.objects.exists()


def test_without_the_csrf_token_nothing_is_followed(thread, rosa):
    client, _token = _csrf_client(rosa)
    response = client.post(f"/threads/{thread.pk}/follow/", {"state": "following"})
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_a_guest_is_sent_to_log_in_and_sees_a_link_not_a_button(thread):
    client, token = _csrf_client()
    page = client.get(URL).content.decode()
    assert 'class="follow-form"' not in page
    assert "Sign in to follow" in page
    response = _set(client, token, thread, "following")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert not Follow.objects.exists()


def test_a_get_follows_nothing(client, thread, rosa):
    client.force_login(rosa)
    assert client.get(f"/threads/{thread.pk}/follow/?state=following").status_code == 405
    assert not Follow.objects.exists()


@pytest.mark.parametrize("change", [{"is_published": False}, None])
def test_a_thread_whose_post_is_unpublished_or_missing_is_404(thread, rosa, change):
    client, token = _csrf_client(rosa)
    if change:
        Post.objects.filter(pk=thread.post_id).update(**change)
        target = thread
    else:
        target = type(thread)(pk=thread.pk + 1000)
    assert _set(client, token, target, "following").status_code == 404
    assert not Follow.objects.exists()


def test_commenting_follows_the_thread(
    thread, rosa, no_rate_limit, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_comment(client, "The crossing opens at noon.").status_code == 302
    assert _state(rosa, thread) == "following"
    assert "Following ✓" in _button(client.get(URL).content.decode())
    assert list(follows.followers(thread)) == [rosa]


def test_commenting_after_a_stop_does_not_follow_again(
    thread, rosa, no_rate_limit, django_capture_on_commit_callbacks
):
    client, token = _csrf_client(rosa)
    _set(client, token, thread, "following")
    _set(client, token, thread, "stopped")
    plain = Client()
    plain.force_login(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_comment(plain, "One more word on the crossing.").status_code == 302
        assert _post_comment(plain, "And another on the trucks.").status_code == 302
    assert _state(rosa, thread) == "stopped"
    assert list(follows.followers(thread)) == []


def test_a_stop_before_ever_following_is_kept_too(
    thread, rosa, no_rate_limit, django_capture_on_commit_callbacks
):
    client, token = _csrf_client(rosa)
    _set(client, token, thread, "stopped")
    plain = Client()
    plain.force_login(rosa)
    with django_capture_on_commit_callbacks(execute=True):
        _post_comment(plain, "The crossing opens at noon.")
    assert _state(rosa, thread) == "stopped"


def test_guests_comment_without_following(
    thread, no_rate_limit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            URL + "comments/",
            {"name": "Bruno", "body": "The crossing opens at noon.", "idempotency_key": ""},
        )
    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_the_button_is_no_part_of_the_cached_comments(thread, rosa, post_as, settings):
    """The comment list comes from the shared cache; each reader still gets their own button
    (and a guest none), and the cached HTML holds no follow form or token."""
    post_as(thread, "Bruno", "The crossing opens at noon.")
    settings.PARLEY_THREAD_CACHE = True
    client, token = _csrf_client(rosa)
    _set(client, token, thread, "following")
    guest = Client().get(URL).content.decode()
    assert "Following ✓" not in guest and 'class="follow-form"' not in guest
    assert "Sign in to follow" in guest
    assert "Following ✓" in _button(client.get(URL).content.decode())
    partial = Client().get(URL + "?partial=1").content.decode()
    assert "The crossing opens at noon." in partial  # not vacuous: the shared fragment
    assert "follow-" not in partial and "/follow/" not in partial
    assert "csrfmiddlewaretoken" not in partial


def test_the_button_costs_an_account_one_query(thread, rosa, post_as):
    post_as(thread, "Bruno", "The crossing opens at noon.")
    client = Client()
    client.force_login(rosa)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    follow_queries = [q for q in queries.captured_queries if "discussion_follow" in q["sql"]]
    assert len(follow_queries) == 1


def test_after_a_refused_comment_the_button_still_comes_back_to_the_post(thread, rosa):
    client = Client()
    client.force_login(rosa)
    refused = client.post(URL + "comments/", {"body": "", "idempotency_key": ""})
    assert refused.status_code == 400
    assert f'name="next" value="{URL}#comments"' in _button(refused.content.decode())
    page = client.get(URL + "?sort=best&page=1").content.decode()
    assert f'name="next" value="{URL}?sort=best&amp;page=1#comments"' in _button(page)
