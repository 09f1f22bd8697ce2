"""`parley check --deploy` is clean with the production settings docs/deploy.md lists."""

from __future__ import annotations

import re
import secrets

from tests.settings.cli import ROOT, environment, parley


def documented_settings() -> dict[str, str]:
    """The first sh block under "The settings to write" in docs/deploy.md."""
    page = (ROOT / "docs" / "deploy.md").read_text()
    section = page.split("## The settings to write", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "docs/deploy.md lost its list of settings"
    lines = [line for line in block.group(1).splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def _production(tmp_path, **changes: str) -> dict[str, str]:
    values = documented_settings()
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    # The files the page names live in this test's own directory.
    values.update(PARLEY_SECRET_KEY_FILE=str(key_file), PARLEY_DATA_DIR=str(tmp_path / "data"))
    values.update(changes)
    return environment(tmp_path, **values)


def test_the_documented_settings_are_the_whole_production_list():
    values = documented_settings()
    for name in (
        "PARLEY_ALLOWED_HOSTS",
        "PARLEY_TRUSTED_PROXIES",
        "PARLEY_SECURE_COOKIES",
        "PARLEY_SSL_REDIRECT",
        "PARLEY_HSTS_SECONDS",
        "PARLEY_SECRET_KEY_FILE",
        "DATABASE_URL",
    ):
        assert name in values


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    done = parley("check", "--deploy", "--fail-level", "WARNING", env=_production(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    done = parley(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_production(tmp_path, PARLEY_SECURE_COOKIES="false", PARLEY_HSTS_SECONDS="0"),
    )
    assert done.returncode != 0
    for check in ("security.W004", "security.W012", "security.W016"):
        assert check in done.stderr


def test_an_ssl_redirect_without_a_trusted_proxy_is_refused(tmp_path):
    done = parley("check", "--deploy", env=_production(tmp_path, PARLEY_TRUSTED_PROXIES=""))
    assert done.returncode != 0
    assert "PARLEY_SSL_REDIRECT is on but PARLEY_TRUSTED_PROXIES is empty" in done.stderr
