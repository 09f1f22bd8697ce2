"""A site's reader signing in on several pages at once gets one account, and a payload sent
twice at once is taken once. Real threads with their own connections (see test_races.py)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from parley.accounts.models import User
from parley.embed.models import Site, SiteAccount
from parley.embed.sso import sign

pytestmark = pytest.mark.django_db(transaction=True)

BLOG = "https://blog.example.org"


def _at_once(payloads: list[str]) -> list[int]:
    start = threading.Barrier(len(payloads))
    statuses: list[int] = []
    lock = threading.Lock()

    def work(payload: str) -> None:
        try:
            start.wait()
            response = Client().post(
                "/api/v1/embed/sso",
                json.dumps({"payload": payload}),
                content_type="application/json",
                HTTP_ORIGIN=BLOG,
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def _payload(site: Site, nonce: str) -> str:
    reader = {"id": "42", "name": "Ana", "email": "", "exp": int(time.time()) + 600}
    return sign(site.sso_secret, {**reader, "nonce": nonce})


def test_first_sign_ins_at_once_make_one_account():
    site = Site.objects.create(name="The blog", allowed_origins=BLOG)
    workers = 6 if connection.vendor == "postgresql" else 2
    statuses = _at_once([_payload(site, f"n-{n}") for n in range(workers)])
    assert statuses == [200] * workers
    assert SiteAccount.objects.count() == 1
    assert User.objects.count() == 1


def test_one_payload_sent_twice_at_once_is_taken_once():
    site = Site.objects.create(name="The blog", allowed_origins=BLOG)
    workers = 6 if connection.vendor == "postgresql" else 2
    statuses = _at_once([_payload(site, "same")] * workers)
    assert sorted(statuses) == [200] + [403] * (workers - 1)
