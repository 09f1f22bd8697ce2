"""The production server behind a proxy on the loopback interface, configured as docs/deploy.md
has it: granian's peer address and the forwarded headers reach the code that reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.server]


def test_the_server_stores_the_address_a_trusted_proxy_forwards(
    transactional_db, tmp_path, dossier
):
    from django.core.management import call_command

    from parley.discussion.models import Comment
    from tests.conftest import Server

    call_command("collectstatic", interactive=False, verbosity=0)
    server = Server(tmp_path, env={"PARLEY_TRUSTED_PROXIES": "127.0.0.1/32,::1/128"}).start()
    request = urllib.request.Request(  # noqa: S310  (loopback only)
        f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments",
        data=json.dumps({"name": "Proxied Pia", "body": "From behind nginx."}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": "192.0.2.55, 203.0.113.70",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
            assert response.status == 201
    finally:
        server.stop()
    assert Comment.objects.get(body="From behind nginx.").ip_address == "203.0.113.70"


def test_a_malformed_trusted_proxy_stops_the_server_at_start(tmp_path):
    parley = str(Path(sys.executable).with_name("parley"))
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path), "PARLEY_TRUSTED_PROXIES": "nginx"}
    done = subprocess.run(  # noqa: S603  (our own command)
        [parley, "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "PARLEY_TRUSTED_PROXIES: 'nginx' is not an address or a network" in done.stderr
