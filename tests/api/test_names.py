"""Guests' names through POST /api/v1/threads/{id}/comments."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parley.accounts.models import User
from parley.discussion.models import Comment

pytestmark = pytest.mark.django_db


def _post(client, thread, name, body="Which annex is meant?"):
    return client.post(
        f"/api/v1/threads/{thread.pk}/comments",
        data=json.dumps({"name": name, "body": body}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Admin Team", "“admin”"),
        ("M0derator", "“moderator”"),
        ("Модератор", "“модератор”"),
        ("M.o.d.e.r.a.t.o.r", "“moderator”"),
        ("Ana (mod)", "“mod”"),
        ("Ana ✔", "“✔”"),
        ("P\u0435tar", "“P\u0435tar”"),  # Cyrillic е
    ],
)
def test_staff_names_are_refused_with_the_field_and_a_reason(client, thread, name, found):
    version = thread.version
    response = _post(client, thread, name)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "name_reserved" and body["field"] == "name"
    assert found in body["message"]
    assert not Comment.objects.exists()
    thread.refresh_from_db()
    assert thread.version == version and thread.comment_count == 0


def test_a_moderators_name_is_refused(client, thread):
    User.objects.create_user("ana", "", "x", display_name="Ana Silva", is_moderator=True)
    body = _post(client, thread, "Ana  Silva").json()
    assert body == {
        "error": "name_reserved",
        "message": "“Ana Silva” is the name of someone on this site's staff, or looks like it. "
        "Choose a name of your own.",
        "field": "name",
    }


def test_invisible_characters_are_removed(client, thread):
    response = _post(client, thread, "Ana\u202egnp.exe\u2066")
    assert response.status_code == 201
    assert response.json()["author"] == {"name": "Anagnp.exe", "website": "", "badge": ""}


def test_a_name_left_empty_is_refused(client, thread):
    response = _post(client, thread, "\u200b\u00ad")
    assert response.status_code == 400
    assert response.json() == {
        "error": "name_required",
        "message": "Give a name to comment as a guest, or log in.",
        "field": "name",
    }


def _queries_to_post(client, thread, name, body) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, thread, name, body).status_code == 201
    return [q["sql"] for q in queries.captured_queries]


def test_staff_names_are_read_in_one_query_however_many_staff(client, thread):
    for i in range(30):
        User.objects.create_user(f"mod{i}", "", "x", display_name=f"Moderator {i}", is_staff=True)
    queries = _queries_to_post(client, thread, "Luiz Costa", "The letter names no annex at all.")
    staff_reads = [sql for sql in queries if "is_moderator" in sql]
    assert len(staff_reads) == 1


def test_the_length_limit_counts_what_is_left_after_cleaning(client, thread):
    padded = "\u200b".join("Ana Lima Reis Costa ") * 4  # 80 visible characters
    response = _post(client, thread, padded)
    assert response.status_code == 201
    assert len(response.json()["author"]["name"]) == 79  # the trailing space is trimmed
    body = _post(client, thread, "A" * 81, "Another comment.").json()
    assert body == {
        "error": "name_too_long",
        "message": "Names are limited to 80 characters.",
        "field": "name",
    }


def test_a_name_protected_elsewhere_is_refused_on_the_next_comment(client, thread, editor):
    """Nothing is cached: staff made, renamed or let go by another server process (here:
    straight in the database) count from the next comment on."""
    lena = User.objects.create_user("lena", "", "x", display_name="Lena Horvat")
    assert _post(client, thread, "Lena Horvat").status_code == 201
    User.objects.filter(pk=lena.pk).update(is_moderator=True)
    assert _post(client, thread, "Lena Horvat", "Another comment.").status_code == 400
    User.objects.filter(pk=lena.pk).update(display_name="Lena H.")
    assert _post(client, thread, "Lena Horvat", "A third comment.").status_code == 201
    assert _post(client, thread, "Lena H.", "A fourth comment.").status_code == 400
    User.objects.filter(pk=lena.pk).update(is_active=False)
    assert _post(client, thread, "Lena H.", "A fifth comment.").status_code == 201
    # The post's author is protected in their own thread, not being staff.
    User.objects.filter(pk=editor.pk).update(display_name="Marta Kos", is_staff=False)
    assert _post(client, thread, "Marta Kos", "A sixth comment.").status_code == 400
