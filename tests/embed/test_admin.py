"""Staff add embedding sites in the Django admin."""

from __future__ import annotations

import html

import pytest

from parley.accounts.models import User
from parley.embed.models import Site

pytestmark = pytest.mark.django_db

ADD = "/admin/embed/site/add/"


@pytest.fixture
def admin_client(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_superuser("chief", "chief@example.org", "chief-pass-1234")
    client.force_login(user)
    return client


def _form(**fields):
    return {
        "name": "The blog",
        "allowed_origins": "https://blog.example.org",
        "language": "",
        **fields,
    }


def test_adding_a_site_stores_its_origins_in_canonical_form_with_a_new_secret(admin_client):
    origins = "HTTPS://Blog.Example.org:443/\n\n  http://localhost:1313  \nhttps://*.bücher.example"
    response = admin_client.post(ADD, _form(allowed_origins=origins, hold_for_review="on"))
    assert response.status_code == 302, response.content.decode()
    site = Site.objects.get()
    assert site.allowed_origins == (
        "https://blog.example.org\nhttp://localhost:1313\nhttps://*.xn--bcher-kva.example"
    )
    assert site.hold_for_review
    assert len(site.sso_secret) >= 43  # 32 random bytes, URL-safe base64
    page = admin_client.get(f"/admin/embed/site/{site.pk}/change/").content.decode()
    assert site.sso_secret in page
    assert "Keep it on the site's server" in html.unescape(page)


@pytest.mark.parametrize(
    ("origins", "sentence"),
    [
        (
            "https://blog.example.org\nhttps://blog.example.org/comments",
            "Line 2: “https://blog.example.org/comments”: an origin has no path",
        ),
        ("blog.example.org", "Line 1: “blog.example.org” is not an origin: write scheme://host"),
        ("https://blog.*.org", "a wildcard may only start the host, as in https://*.example.org"),
        ("\n \n", "This field is required."),
    ],
)
def test_a_bad_origin_is_shown_with_the_sentence_and_nothing_is_stored(
    admin_client, origins, sentence
):
    response = admin_client.post(ADD, _form(allowed_origins=origins))
    assert response.status_code == 200
    assert html.unescape(response.content.decode()).count(sentence) == 1
    assert not Site.objects.exists()


def test_the_secret_is_regenerated_by_the_action(admin_client):
    one = Site.objects.create(name="One", allowed_origins="https://one.example")
    two = Site.objects.create(name="Two", allowed_origins="https://two.example")
    before = {one.pk: one.sso_secret, two.pk: two.sso_secret}
    assert before[one.pk] != before[two.pk]
    response = admin_client.post(
        "/admin/embed/site/",
        {"action": "regenerate_secrets", "_selected_action": [one.pk]},
        follow=True,
    )
    assert "1 site has a new secret" in html.unescape(response.content.decode())
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.sso_secret != before[one.pk]
    assert two.sso_secret == before[two.pk]


def test_the_secret_cannot_be_typed_in_and_shows_once_made(admin_client):
    assert "Single sign-on secret" not in admin_client.get(ADD).content.decode()
    response = admin_client.post(ADD, _form(sso_secret="chosen-by-hand"))
    assert response.status_code == 302
    assert Site.objects.get().sso_secret != "chosen-by-hand"


def test_embedded_pages_are_listed_and_never_added_by_hand(admin_client, client):
    site = Site.objects.create(name="The blog", allowed_origins="https://blog.example.org")
    response = client.post(
        "/api/v1/embed/thread",
        {"url": "https://blog.example.org/hello/", "title": "Hello"},
        content_type="application/json",
        HTTP_ORIGIN="https://blog.example.org",
    )
    assert response.status_code == 201
    listing = admin_client.get(f"/admin/embed/embeddedpage/?site__id__exact={site.pk}")
    assert "https://blog.example.org/hello/" in listing.content.decode()
    assert admin_client.get("/admin/embed/embeddedpage/add/").status_code == 403


def test_staff_withdraw_a_readers_sign_in_and_the_token_stops_working(admin_client, rosa):
    from parley.embed import tokens
    from parley.embed.models import ReaderToken

    site = Site.objects.create(name="The blog", allowed_origins="https://blog.example.org")
    secret = tokens.issue(rosa, site).secret
    listing = admin_client.get("/admin/embed/readertoken/")
    assert listing.status_code == 200 and ">rosa<" in listing.content.decode()
    response = admin_client.post(
        "/admin/embed/readertoken/",
        {"action": "withdraw", "_selected_action": [ReaderToken.objects.get().pk]},
        follow=True,
    )
    assert "1 sign-in withdrawn" in response.content.decode()
    assert tokens.find(secret) is None
    assert admin_client.get("/admin/embed/siteaccount/").status_code == 200
