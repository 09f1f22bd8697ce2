"""The live settings' defaults, and the broker that needs Redis refused without it."""

from __future__ import annotations

from tests.settings.cli import environment, parley


def test_the_redis_broker_without_redis_url_stops_parley_check(tmp_path):
    env = environment(tmp_path, PARLEY_LIVE_BROKER="redis")
    env.pop("REDIS_URL", None)
    done = parley("check", env=env)
    assert done.returncode != 0
    assert "PARLEY_LIVE_BROKER is redis, but REDIS_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_broker_follows_redis_url_unless_told(tmp_path):
    show = [
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.PARLEY_LIVE_BROKER)",
    ]
    env = environment(tmp_path)
    env.pop("REDIS_URL", None)
    assert parley(*show, env=env).stdout.strip() == "local"
    env["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    assert parley(*show, env=env).stdout.strip() == "redis"
    env["PARLEY_LIVE_BROKER"] = "local"
    assert parley(*show, env=env).stdout.strip() == "local"
