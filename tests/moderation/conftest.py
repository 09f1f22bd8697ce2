"""Moderation fixtures: a second moderator, a trained model, policies, and posting as a browser
would."""

from __future__ import annotations

import pytest

URL = "/posts/lastovo/"


@pytest.fixture
def ana(db):
    from parley.accounts.models import User

    return User.objects.create_user(
        "ana", "ana@example.org", "ana-pass-1234", display_name="Ana Moderator", is_moderator=True
    )


@pytest.fixture
def model(db):
    """A classifier version trained on the shipped examples, in use for the test."""
    from parley.moderation import learning

    learning.forget()
    learning.train()
    yield
    learning.forget()


@pytest.fixture
def site_policy(db):
    from parley.moderation import policy

    return policy.site()


def set_mode(mode: str, **fields) -> None:
    from parley.moderation import policy

    rules = policy.site()
    rules.mode = mode
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()


def post_form(client, body: str, *, name: str = "Guest", ip: str = "203.0.113.9", **extra):
    """Post through the page's form, as a browser at `ip` would."""
    return client.post(
        URL + "comments/",
        {"name": name, "body": body, **extra},
        REMOTE_ADDR=ip,
    )
