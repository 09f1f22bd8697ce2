"""POST /api/v1/embed/sso: a site signs in its own readers, and the documented code works."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.accounts.models import User
from parley.embed.models import ReaderToken, SiteAccount, SsoNonce
from parley.embed.sso import sign
from tests.embed.conftest import BLOG, SHOP, blog_thread, send

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "embedding.md"
NODE = "/usr/bin/node"


def _reader(**changes) -> dict:
    data = {
        "id": "42",
        "name": "Ana Reader",
        "email": "ana@blog.example.org",
        "avatar": "https://blog.example.org/ana.png",
        "exp": int(time.time()) + 600,
        "nonce": "n-1",
    }
    return {**data, **changes}


def _sso(client, payload: str, origin: str = BLOG):
    return send(client, "POST", "embed/sso", {"payload": payload}, origin=origin)


def _refused(response, status: int, code: str, words: str) -> None:
    assert response.status_code == status, response.content
    data = response.json()
    assert data["error"] == code, data
    assert words in data["message"], data["message"]


def test_a_signed_reader_gets_a_token_and_comments_with_it(client, blog, no_rate_limit):
    response = _sso(client, sign(blog.sso_secret, _reader()))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["viewer"] == {"name": "Ana Reader", "kind": "sso"}
    assert data["expires_at"]
    assert response["Access-Control-Allow-Origin"] == BLOG
    link = SiteAccount.objects.get()
    assert (link.site, link.external_id, link.avatar_url) == (
        blog,
        "42",
        "https://blog.example.org/ana.png",
    )
    account = link.account
    assert account.display_name == "Ana Reader" and account.email == "ana@blog.example.org"
    assert not account.has_usable_password()
    assert ReaderToken.objects.get().account == account

    thread_id = blog_thread(client)
    posted = send(
        client, "POST", f"threads/{thread_id}/comments", {"body": "Hi"}, token=data["token"]
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["author"]["name"] == "Ana Reader"


def test_a_later_sign_in_updates_the_name_and_email_of_the_same_account(client, blog):
    assert _sso(client, sign(blog.sso_secret, _reader())).status_code == 200
    again = _sso(
        client, sign(blog.sso_secret, _reader(name="Ana R.", email="", avatar="", nonce="n-2"))
    )
    assert again.status_code == 200, again.content
    assert again.json()["viewer"]["name"] == "Ana R."
    link = SiteAccount.objects.get()
    assert (link.account.display_name, link.account.email, link.avatar_url) == ("Ana R.", "", "")
    assert User.objects.count() == 1


def test_the_same_id_on_another_site_is_another_reader(client, blog, shop):
    assert _sso(client, sign(blog.sso_secret, _reader())).status_code == 200
    assert _sso(client, sign(shop.sso_secret, _reader()), SHOP).status_code == 200
    assert SiteAccount.objects.count() == 2


def test_a_payload_is_taken_once(client, blog):
    payload = sign(blog.sso_secret, _reader())
    assert _sso(client, payload).status_code == 200
    _refused(_sso(client, payload), 403, "sso_refused", "used already")


def test_spent_nonces_are_pruned(client, blog):
    from datetime import timedelta

    from django.utils import timezone

    SsoNonce.objects.create(site=blog, nonce="old", expires_at=timezone.now() - timedelta(1))
    assert _sso(client, sign(blog.sso_secret, _reader())).status_code == 200
    assert list(SsoNonce.objects.values_list("nonce", flat=True)) == ["n-1"]


def test_expired_and_far_payloads_are_refused(client, blog):
    now = int(time.time())
    expired = _sso(client, sign(blog.sso_secret, _reader(exp=now - 1)))
    _refused(expired, 403, "sso_refused", "has expired")
    far = _sso(client, sign(blog.sso_secret, _reader(exp=now + 25 * 3600)))
    _refused(far, 403, "sso_refused", "too far ahead")
    absurd = _sso(client, sign(blog.sso_secret, _reader(exp=10**20)))
    _refused(absurd, 403, "sso_refused", "too far ahead")
    ancient = _sso(client, sign(blog.sso_secret, _reader(exp=-(10**20))))
    _refused(ancient, 403, "sso_refused", "has expired")
    assert not SiteAccount.objects.exists()


def test_a_bad_signature_is_refused(client, blog, shop):
    _refused(
        _sso(client, sign(shop.sso_secret, _reader())), 403, "sso_refused", "signature does not"
    )
    part = sign(blog.sso_secret, _reader()).split(".")[0]
    _refused(_sso(client, part + "." + "0" * 64), 403, "sso_refused", "signature does not")
    assert not SiteAccount.objects.exists()


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ("nothing-signed", "is not of the form"),
        ("a.b.c", "is not of the form"),
        ("x" * 9000, "is not of the form"),
    ],
)
def test_a_malformed_payload_is_400(client, blog, payload, words):
    _refused(_sso(client, payload), 400, "bad_sso", words)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"exp": "tomorrow"}, "“exp” must be a whole number"),
        ({"id": ""}, "“id” must be text"),
        ({"nonce": 7}, "“nonce” must be text"),
        ({"email": "not an address"}, "“email” is not an e-mail address"),
        ({"avatar": "javascript:alert(1)"}, "“avatar” is not an http or https address"),
    ],
)
def test_a_signed_payload_with_bad_fields_is_400(client, blog, changes, words):
    _refused(_sso(client, sign(blog.sso_secret, _reader(**changes))), 400, "bad_sso", words)


def test_signed_text_that_is_not_json_is_400(client, blog):
    import hashlib
    import hmac

    part = "bm90IGpzb24"  # "not json"
    mac = hmac.new(blog.sso_secret.encode(), part.encode(), hashlib.sha256).hexdigest()
    _refused(_sso(client, f"{part}.{mac}"), 400, "bad_sso", "not base64url-encoded JSON")


def test_a_name_the_account_rules_refuse_is_400_with_their_sentence(client, blog, moderator):
    response = _sso(client, sign(blog.sso_secret, _reader(name="Moderator")))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "name"
    assert "staff" in response.json()["message"]
    empty = _sso(client, sign(blog.sso_secret, _reader(name="\u200b", nonce="n-2")))
    _refused(empty, 400, "name_required", "“name” is empty")
    assert not SiteAccount.objects.exists() and not SsoNonce.objects.exists()


def test_sso_needs_an_allowed_origin(client, blog):
    _refused(
        _sso(client, sign(blog.sso_secret, _reader()), "https://evil.example"),
        403,
        "origin",
        "not an allowed origin",
    )


# -- the code in docs/embedding.md ----------------------------------------------------------------


def _documented(language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), flags=re.S)
    assert len(blocks) == 1, f"one {language} block in docs/embedding.md"
    return blocks[0]


READER = '{"id": 7, "name": "Documented Reader", "email": "doc@blog.example.org"}'


def _documented_payload(language: str, secret: str) -> str:
    code = _documented(language)
    if language == "python":
        program = code + f"\nimport sys\nprint(parley_sso(sys.argv[1], {READER}))\n"
        command = [sys.executable, "-c", program, secret]
    else:
        if not Path(NODE).exists():
            pytest.skip(f"{NODE} is missing")
        program = code + f"\nconsole.log(parleySso(process.argv[1], {READER}));\n"
        command = [NODE, "-e", program, secret]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)  # noqa: S603
    return done.stdout.strip()


@pytest.mark.parametrize("language", ["python", "js"])
def test_the_documented_signing_code_signs_a_reader_in(client, blog, language):
    payload = _documented_payload(language, blog.sso_secret)
    response = _sso(client, payload)
    assert response.status_code == 200, response.content
    assert response.json()["viewer"] == {"name": "Documented Reader", "kind": "sso"}
    assert SiteAccount.objects.get().external_id == "7"
