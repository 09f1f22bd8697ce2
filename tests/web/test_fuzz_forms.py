"""A property-based fuzzer over the HTML forms: Hypothesis posts random text, random bytes and
random ids to each form (comment, reply, edit, delete, sign-up, log-in, settings, flag, the
language picker) and to the pages that read ids from the address. Whatever it sends, the
answer is never a 5xx. Bounded (FUZZ_EXAMPLES per form), so the file stays under a minute.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# More for a deeper search: PARLEY_FUZZ_EXAMPLES=500 pytest tests/web/test_fuzz_forms.py
FUZZ_EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "30"))

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: a failure reproduces
    phases=[Phase.explicit, Phase.generate],  # no shrinking: keep the bound on time
    suppress_health_check=list(HealthCheck),
)

# Text a browser can send: any character but half a surrogate pair (not encodable as UTF-8).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
# Ids as a form or an address may carry them: numbers of any size and sign, and anything.
IDS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "1", "2", "3", "00", "1e3", " 1", "1.0", "９", "١"]),
    TEXT,
)
FIELD = st.one_of(TEXT, IDS)


@pytest.fixture
def site(thread, post_as, no_rate_limit):
    first = post_as(thread, "Ana", "The crossing opens at noon on Monday.")
    post_as(thread, "Bo", "And the trucks go first.", parent=first)
    return thread


def _ok(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.content[:300])


def _form(**fields):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, FIELD))


COMMENT_FIELDS = ("name", "email", "website", "body", "parent_id", "idempotency_key", "sort")


@FUZZ
@given(data=_form(**dict.fromkeys(COMMENT_FIELDS)))
def test_the_comment_and_reply_form(client, site, data):
    _ok(client.post("/posts/lastovo/comments/", data), f"comment {data!r}")


@FUZZ
@given(raw=st.binary(max_size=400), encoded=st.booleans())
def test_the_comment_form_with_random_bytes(client, site, raw, encoded):
    kind = "application/x-www-form-urlencoded" if encoded else "multipart/form-data; boundary=x"
    _ok(client.post("/posts/lastovo/comments/", raw, content_type=kind), f"bytes {raw!r}")


@FUZZ
@given(comment=IDS, data=_form(body=None), logged_in=st.booleans())
def test_the_edit_and_delete_forms(client, site, rosa, comment, data, logged_in):
    if logged_in:
        client.force_login(rosa)
    for action in ("edit", "delete"):
        url = f"/c/{comment}/{action}/"
        if "/" in comment or "?" in comment or "#" in comment:
            continue  # another address altogether
        _ok(client.post(url, data), f"{action} {url} {data!r}")
        _ok(client.get(url), f"{action} {url}")


@FUZZ
@given(comment=IDS, data=_form(reason=None, text=None))
def test_the_flag_form(client, site, comment, data):
    if "/" in comment or "?" in comment or "#" in comment:
        return
    _ok(client.post(f"/c/{comment}/flag/", data), f"flag {comment!r} {data!r}")


@FUZZ
@given(data=_form(username=None, display_name=None, email=None, password1=None, password2=None))
def test_the_sign_up_form(client, data):
    _ok(client.post("/signup/", data), f"sign-up {data!r}")


@FUZZ
@given(data=_form(username=None, password=None, next=None))
def test_the_log_in_form(client, rosa, data):
    _ok(client.post("/login/", data), f"log-in {data!r}")


@FUZZ
@given(data=_form(display_name=None, email=None, website=None, timezone=None, language=None))
def test_the_settings_form(client, rosa, data):
    client.force_login(rosa)
    _ok(client.post("/account/", data), f"settings {data!r}")


@FUZZ
@given(data=_form(language=None, next=None))
def test_the_language_picker(client, data):
    _ok(client.post("/language/", data), f"language {data!r}")


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["reply", "quote", "page", "sort", "partial", "original", "tz", "comments", "ids", "v"]
        ),
        FIELD,
        max_size=4,
    ),
    number=st.integers(min_value=0, max_value=10**25),
)
def test_the_pages_that_read_ids_from_the_address(client, site, query, number):
    pages = [
        "/posts/lastovo/",
        "/translations/",
        f"/threads/{site.pk}/comments/",
        f"/threads/{number}/comments/",
        f"/c/{number}/",
        f"/c/{number}/history/",
        f"/posts/lastovo/comments/{number}/",
    ]
    for url in pages:
        _ok(client.get(url, query), f"{url} {query!r}")
