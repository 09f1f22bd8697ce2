"""/embed/sign-in/: the popup where a Parley account allows a site's widget to comment."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client

from parley.embed.models import ReaderToken
from tests.embed.conftest import BLOG, get

pytestmark = pytest.mark.django_db
HERE = f"/embed/sign-in/?origin={quote(BLOG, safe='')}"


def test_a_reader_not_logged_in_is_sent_to_log_in_and_back(client, blog, rosa):
    response = client.get(HERE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign in to comment on The blog" in page
    login = f"/login/?next={quote(HERE, safe='')}"
    assert f'href="{login.replace("&", "&amp;")}"' in page
    assert "data-parley-token" not in page
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"

    form = client.get(login)
    assert form["Cross-Origin-Opener-Policy"] == "unsafe-none"  # the popup keeps its opener
    back = client.post(login, {"username": "rosa", "password": "rosa-pass-1234", "next": HERE})
    assert back.status_code == 302 and back["Location"] == HERE
    assert client.get("/login/")["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_logged_in_reader_allows_the_site_and_the_page_hands_over_the_token(blog, rosa):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rosa)
    asked = client.get(HERE)
    page = asked.content.decode()
    assert "Comment on The blog as Rosa Lima" in page
    assert not ReaderToken.objects.exists()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(HERE).status_code == 403  # the form's CSRF token is needed
    allowed = client.post(HERE, {"csrfmiddlewaretoken": csrf})
    assert allowed.status_code == 200
    done = allowed.content.decode()
    token = re.search(r'data-parley-token="([^"]+)"', done).group(1)
    assert 'data-parley-name="Rosa Lima"' in done
    assert f'data-parley-origin="{BLOG}"' in done
    assert re.search(r'data-parley-expires="\d{4}-\d\d-\d\dT', done)
    assert "parley/embed-sign-in.js" in done and "<script>" not in done
    assert ReaderToken.objects.get().account == rosa

    answer = Client().get(
        "/api/v1/embed/thread",
        {"url": f"{BLOG}/p"},
        HTTP_ORIGIN=BLOG,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.json()["viewer"] == {"name": "Rosa Lima", "kind": "account"}


def test_a_post_without_a_login_issues_nothing(client, blog):
    response = client.post(HERE)
    assert response.status_code == 200
    assert "data-parley-token" not in response.content.decode()
    assert not ReaderToken.objects.exists()


@pytest.mark.parametrize("origin", ["https://evil.example", "", "not an origin", "https://*.x"])
def test_an_origin_no_site_allows_is_400_with_a_sentence(client, blog, rosa, origin):
    client.force_login(rosa)
    response = client.get("/embed/sign-in/", {"origin": origin} if origin else {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Signing in is not possible here" in page
    assert "Close this window" in page
    assert client.post("/embed/sign-in/", {"origin": origin}).status_code == 400
    assert not ReaderToken.objects.exists()


def test_the_thread_answer_points_to_the_popup(client, blog):
    assert get(client, "thread", url=f"{BLOG}/p").json()["sign_in_url"].endswith(HERE)
