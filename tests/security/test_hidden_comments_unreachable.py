"""Hidden comments stay hidden from readers through every route that takes an id.

A published dossier holds a published comment (edited, so it has a history), a held one, a
rejected one and a deleted one; a post taken back and a post scheduled for later each hold
published comments with a history. Each hidden text carries a marker word. The test walks
every comment id from 1 to the largest plus five, and every thread id and post slug, over
every URL and API route that takes one (listed from the URL configuration itself, so a new
route that takes an id fails the test until it is walked), as a guest and as another
account, and asserts that no marker appears in any answer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max, Min
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from parley.accounts.models import User
from parley.discussion.actions import Commenter, delete_comment, edit_comment, post_comment
from parley.discussion.models import Comment
from parley.publishing.actions import create_post
from parley.publishing.models import Post

# Routes that take an id or slug, as the URL configuration spells them, and what walks them.
COMMENT_ROUTES = {
    "c/<int:comment_id>/": "/c/{c}/",
    "c/<int:comment_id>/edit/": "/c/{c}/edit/",
    "c/<int:comment_id>/delete/": "/c/{c}/delete/",
    "c/<int:comment_id>/history/": "/c/{c}/history/",
    "c/<int:comment_id>/flag/": "/c/{c}/flag/",
    "c/<int:comment_id>/context/": "/c/{c}/context/",
    "c/<int:comment_id>/vote/": "/c/{c}/vote/",
    "api/v1/comments/<comment_id>": "/api/v1/comments/{c}",
    "api/v1/comments/<comment_id>/revisions": "/api/v1/comments/{c}/revisions",
    "api/v1/comments/<comment_id>/vote": "/api/v1/comments/{c}/vote",
    "api/v1/comments/<comment_id>/flags": "/api/v1/comments/{c}/flags",
}
SLUG_AND_COMMENT_ROUTES = {
    "posts/<slug:slug>/comments/<int:comment_id>/": "/posts/{s}/comments/{c}/",
}
THREAD_ROUTES = {
    "threads/<int:thread_id>/comments/": "/threads/{t}/comments/?ids={all}",
    "threads/<int:thread_id>/events/": "/threads/{t}/events/?after=0",
    "threads/<int:thread_id>/follow/": "/threads/{t}/follow/",
    "live/threads/<int:thread_id>/": "/live/threads/{t}/",
    "api/v1/threads/<thread_id>": "/api/v1/threads/{t}",
    "api/v1/threads/<thread_id>/comments": "/api/v1/threads/{t}/comments?limit=1000",
}
# Readers' profiles, walked over every account id (the author of every hidden comment too).
PERSON_ROUTES = {
    "people/<int:id>/": "/people/{u}/",
    "api/v1/people/<id>": "/api/v1/people/{u}?limit=100",
}
SLUG_ROUTES = {
    "posts/<slug:slug>/": "/posts/{s}/",
    "posts/<slug:slug>/comments/": "/posts/{s}/comments/",
    "api/v1/posts/<slug>": "/api/v1/posts/{s}",
}
# Ids in the query string: the same walk over each.
QUERY_WALKS = [
    "/posts/{s}/?reply={c}",
    "/posts/{s}/?quote=c{c}",
    "/posts/{s}/?partial=1&reply={c}",
    "/posts/{s}/comments/{c}/?quote=c{c}",
    "/translations/?comments={c}",
    "/translations/?comments={all}",
]
# Not walked, with the reason: the admin is for staff only (its own login and permissions).
NOT_WALKED_PREFIXES = ("admin/",)
ID_PARAMETERS = {"comment_id", "thread_id", "slug", "object_id", "pk", "id", "post_id"}


def _routes(patterns=None, prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every route of the site as (full route, its parameters)."""
    out: list[tuple[str, set[str]]] = []
    for item in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            out.extend(_routes(item.url_patterns, route))
        elif isinstance(item, URLPattern):
            out.append((route, set(item.pattern.regex.groupindex)))
    return out


def test_every_route_that_takes_an_id_is_walked():
    walked = {
        **COMMENT_ROUTES,
        **SLUG_AND_COMMENT_ROUTES,
        **THREAD_ROUTES,
        **PERSON_ROUTES,
        **SLUG_ROUTES,
    }
    taking_ids = {
        route
        for route, parameters in _routes()
        if parameters & ID_PARAMETERS and not route.startswith(NOT_WALKED_PREFIXES)
    }
    assert "c/<int:comment_id>/" in taking_ids  # not vacuous: the listing reads the site's
    assert taking_ids - set(walked) == set(), "walk these routes in this test too"
    assert set(walked) - taking_ids == set(), "these routes no longer exist"
    # Any other parameter is the API's catch-all (the rest of an unknown path): an id under
    # a new name must be added to ID_PARAMETERS.
    others = {
        route: parameters
        for route, parameters in _routes()
        if parameters - ID_PARAMETERS and not route.startswith(NOT_WALKED_PREFIXES)
    }
    assert all(parameters == {"rest"} for parameters in others.values()), others


SECRETS = {
    "held": "Heldmarkerword",
    "rejected": "Rejectedmarkerword",
    "deleted": "Deletedmarkerword",
    "held history": "Heldhistorymarker",
    "taken back": "Takenbackmarker",
    "taken back history": "Takenbackhistorymarker",
    "scheduled": "Scheduledmarker",
    "scheduled history": "Scheduledhistorymarker",
}
SHOWN = {"visible": "Visiblemarkerword", "visible history": "Visiblehistorymarker"}


@pytest.fixture
def ivan(db):
    from parley.accounts.models import User

    return User.objects.create_user("ivan", "ivan@example.org", "ivan-pass-1234")


@pytest.fixture
def world(thread, rosa, ivan, editor, no_rate_limit):
    """The published dossier's comments and two hidden posts, built through the actions."""

    def say(thread, words: str, parent=None) -> Comment:
        return post_comment(
            thread,
            commenter=Commenter(user=ivan),
            body=f"A comment that says {words} and little else.",
            parent_id=parent.pk if parent else None,
        )

    def edited(thread, first: str, then: str) -> Comment:
        comment = say(thread, first)
        return edit_comment(comment, body=f"Now it says {then} instead.", user=ivan)

    visible = edited(thread, SHOWN["visible history"], SHOWN["visible"])
    held = edited(thread, SECRETS["held history"], SECRETS["held"])
    rejected = say(thread, SECRETS["rejected"])
    deleted = say(thread, SECRETS["deleted"])
    say(thread, "a reply that keeps the deleted one in place", parent=deleted)
    delete_comment(deleted, user=ivan)
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    Comment.objects.filter(pk=rejected.pk).update(status=Comment.Status.REJECTED)

    hidden_posts = {}
    for name, change in (
        ("taken back", {"is_published": False}),
        ("scheduled", {"published_at": timezone.now() + timedelta(days=3)}),
    ):
        post = create_post(slug=name.replace(" ", "-"), title=name, author=editor)
        other = post.thread
        edited(other, SECRETS[f"{name} history"], SECRETS[name])
        say(other, SECRETS[name] + " again")
        Post.objects.filter(pk=post.pk).update(**change)
        hidden_posts[name] = post
    threads = [thread, *(post.thread for post in hidden_posts.values())]
    return {"visible": visible, "held": held, "threads": threads}


def _walk(client, urls: list[str]) -> tuple[list[str], set[str]]:
    """Request each url (GET and HEAD); the markers of hidden text found, and those shown."""
    leaks: list[str] = []
    shown: set[str] = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        leaks.extend(f"{url}: {what}" for what, word in SECRETS.items() if word in text)
        shown.update(what for what, word in SHOWN.items() if word in text)
        assert client.head(url).status_code < 500, url
    return leaks, shown


def _urls(world) -> list[str]:
    # Every id from a little before this world's first row to a little past its last: on
    # PostgreSQL the sequences go on from earlier tests, and no row lies below the first.
    first, last = (Comment.objects.aggregate(a=Min("pk"), b=Max("pk"))[k] for k in "ab")
    comment_ids = range(max(1, first - 5), last + 6)
    thread_pks = [t.pk for t in world["threads"]]
    thread_ids = range(max(1, min(thread_pks) - 5), max(thread_pks) + 6)
    every = ",".join(map(str, comment_ids))
    slugs = ["lastovo", "taken-back", "scheduled"]
    urls = [u.format(c=c) for u in COMMENT_ROUTES.values() for c in comment_ids]
    urls += [
        u.format(c=c, s=s, all=every)
        for u in [*SLUG_AND_COMMENT_ROUTES.values(), *QUERY_WALKS]
        for c in comment_ids
        for s in slugs
    ]
    urls += [u.format(t=t, all=every) for u in THREAD_ROUTES.values() for t in thread_ids]
    urls += [u.format(s=s) for u in SLUG_ROUTES.values() for s in slugs]
    users = User.objects.aggregate(a=Min("pk"), b=Max("pk"))
    user_ids = range(max(1, users["a"] - 2), users["b"] + 3)
    urls += [route.format(u=u) for route in PERSON_ROUTES.values() for u in user_ids]
    return list(dict.fromkeys(urls))


def test_readers_reach_no_hidden_comment_by_any_id(client, world, rosa):
    urls = _urls(world)
    for who in ("a guest", "another account"):
        if who == "another account":
            client.force_login(rosa)
        leaks, shown = _walk(client, urls)
        assert leaks == [], f"{who} could read hidden text:\n" + "\n".join(leaks[:20])
        # Not vacuous: the same walk reads the published comment and its history.
        assert shown == set(SHOWN), (who, shown)


def test_the_author_of_a_held_comment_still_sees_it_and_its_history(client, world, ivan):
    held = world["held"]
    client.force_login(ivan)
    assert SECRETS["held"] in client.get(f"/api/v1/comments/{held.pk}").content.decode()
    history = client.get(f"/c/{held.pk}/history/").content.decode()
    assert SECRETS["held history"] in history
    page = client.get("/posts/lastovo/").content.decode()
    assert SECRETS["held"] in page
