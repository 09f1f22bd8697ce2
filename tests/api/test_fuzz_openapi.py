"""A property-based fuzzer over the JSON API: schemathesis reads /api/v1/openapi.json and sends
each operation requests it generates (valid and invalid paths, queries, headers and bodies)
through the real WSGI application, as a guest and as a logged-in account with its CSRF token.

Whatever it sends, the answer is never a 5xx, and every refusal is JSON with a message. The
examples per operation are bounded (FUZZ_EXAMPLES), so the whole file stays under a minute.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

# Per operation and persona (8 operations, 2 personas). For a deeper search:
# PARLEY_FUZZ_EXAMPLES=500 pytest tests/api/test_fuzz_openapi.py
FUZZ_EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "25"))

CSRF = "f" * 32  # a well-formed token; the cookie and the header must agree


def _schema() -> schemathesis.BaseSchema:
    """The OpenAPI document the application serves, bound to the application itself."""
    from config.wsgi import application
    from parley.api.urls import api

    document = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application  # requests go through the real WSGI stack, in this process
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def comments(db, thread, post_as, no_rate_limit):
    """A thread with comments (a reply among them, so small ids exist), and requests that
    run inside the test's transaction, as Django's test client runs them (the end of a
    request would otherwise close the test's database connection)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    first = post_as(thread, "Ana", "The crossing opens at noon on Monday.")
    post_as(thread, "Bo", "And the trucks go first.", parent=first)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def logged_in(rosa, client) -> dict:
    """The cookies and headers of a logged-in browser: its session and its CSRF token."""
    client.force_login(rosa)
    session = client.cookies["sessionid"].value
    return {
        "cookies": {"sessionid": session, "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }


FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: a failure reproduces
    phases=[Phase.explicit, Phase.generate],  # no shrinking: keep the bound on time
    suppress_health_check=list(HealthCheck),
)


def _check(case, *, headers: dict | None = None, cookies: dict | None = None) -> None:
    response = case.call(headers=headers or {}, cookies=cookies or {})
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
    assert response.status_code < 500, f"{where}\n{response.text[:500]}\n{case.as_curl_command()}"
    if response.status_code >= 400 and case.method != "HEAD":
        kind = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])[0]
        assert kind.startswith("application/json"), where
        answer = json.loads(response.content)
        assert isinstance(answer.get("message"), str) and answer["message"], where


@schema.parametrize()
@FUZZ
def test_the_api_never_fails_a_guest_and_refuses_in_json(case):
    _check(case)


@schema.parametrize()
@FUZZ
def test_the_api_never_fails_an_account_and_refuses_in_json(case, logged_in):
    _check(case, **logged_in)


def test_the_fuzzers_requests_reach_the_api_as_each_persona(thread, logged_in, rosa):
    """Not vacuous: a request built from the same document, through the same transport,
    posts a comment, as the logged-in account when it carries that persona's cookies."""
    operation = schema["/api/v1/threads/{thread_id}/comments"]["POST"]
    case = operation.Case(
        path_parameters={"thread_id": thread.pk},
        body={"body": "Sent the way the fuzzer sends."},
        media_type="application/json",
    )
    response = case.call(**logged_in)
    assert response.status_code == 201, response.text
    assert json.loads(response.content)["author"]["name"] == rosa.public_name
    guest = operation.Case(
        path_parameters={"thread_id": thread.pk},
        body={"name": "Gus", "body": "And as a guest."},
        media_type="application/json",
    ).call()
    assert guest.status_code == 201, guest.text
