"""Sign up, log in, log out, settings."""

from __future__ import annotations

import pytest

from parley.accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_and_hashes_with_argon2(client):
    response = client.post(
        "/signup/",
        {
            "username": "lena",
            "display_name": "Lena K",
            "email": "",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="lena")
    assert user.password.startswith("argon2")
    assert "Lena K" in client.get("/").content.decode()


def test_sign_up_errors_are_shown(client):
    response = client.post("/signup/", {"username": "lena", "password1": "x", "password2": "y"})
    assert response.status_code == 400
    assert (
        "didn’t match" in response.content.decode() or "didn't match" in response.content.decode()
    )
    assert not User.objects.exists()


def test_log_in_and_out(client, rosa):
    response = client.post(
        "/login/", {"username": "rosa", "password": "rosa-pass-1234", "next": "/posts/x/"}
    )
    assert response.status_code == 302 and response["Location"] == "/posts/x/"
    assert client.post("/logout/").status_code == 302
    assert "Log in" in client.get("/").content.decode()
    bad = client.post("/login/", {"username": "rosa", "password": "wrong"})
    assert "do not match" in bad.content.decode()


def test_log_in_refuses_offsite_next(client, rosa):
    response = client.post(
        "/login/",
        {"username": "rosa", "password": "rosa-pass-1234", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_account_time_zone_is_used_for_times(client, rosa, thread, post_as):
    post_as(thread, "Ana", "A comment")
    client.force_login(rosa)
    response = client.post(
        "/account/",
        {
            "display_name": "Rosa",
            "email": "rosa@example.org",
            "website": "",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    assert "JST" in client.get("/posts/lastovo/").content.decode()
    bad = client.post(
        "/account/",
        {"display_name": "Rosa", "email": "", "website": "", "timezone": "Mars/Olympus"},
    )
    assert bad.status_code == 400 and "is not a time zone name" in bad.content.decode()
