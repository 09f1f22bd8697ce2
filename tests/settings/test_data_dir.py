"""The data directory (database, secret key, collected static files) is never inside
site-packages, where a wheel install would put it beside the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.settings.cli import ROOT, environment, parley

SHOW = "from config import settings; print(settings.DATA_DIR); print(settings.STATIC_ROOT)"


def _installed(tmp_path):
    """The settings package as a wheel installs it: in a site-packages directory, with no
    pyproject.toml beside it."""
    site_packages = tmp_path / "lib" / "python3" / "site-packages"
    shutil.copytree(ROOT / "config", site_packages / "config")
    return site_packages


def _settings(site_packages, env, cwd):
    return subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", SHOW],
        env={**env, "PYTHONPATH": str(site_packages)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_installed_copy_keeps_its_data_in_the_users_data_directory(tmp_path):
    site_packages = _installed(tmp_path)
    env = environment(tmp_path, HOME=str(tmp_path / "home"))
    del env["PARLEY_DATA_DIR"]
    env.pop("XDG_DATA_HOME", None)
    done = _settings(site_packages, env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data_dir, static_root = done.stdout.split()
    assert data_dir == str(tmp_path / "home" / ".local" / "share" / "parley")
    assert static_root == os.path.join(data_dir, "staticfiles")


def test_xdg_data_home_is_followed(tmp_path):
    site_packages = _installed(tmp_path)
    env = environment(tmp_path, XDG_DATA_HOME=str(tmp_path / "xdg"))
    del env["PARLEY_DATA_DIR"]
    done = _settings(site_packages, env, cwd=tmp_path)
    assert done.stdout.split()[0] == str(tmp_path / "xdg" / "parley"), done.stderr


def test_parley_data_dir_overrides_and_a_checkout_keeps_static_files_beside_the_code(tmp_path):
    env = environment(tmp_path / "elsewhere")
    done = subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", SHOW], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.stdout.split() == [str(tmp_path / "elsewhere"), str(ROOT / "staticfiles")]


def test_a_data_dir_inside_site_packages_is_refused(tmp_path):
    site_packages = _installed(tmp_path)
    env = environment(site_packages / "var")
    done = _settings(site_packages, env, cwd=tmp_path)
    assert done.returncode != 0
    assert "inside the installed Python packages" in done.stderr
    assert "Set PARLEY_DATA_DIR to a directory of its own" in done.stderr


def test_a_sqlite_install_makes_its_data_directory_when_the_key_is_given(tmp_path):
    """A fresh checkout has no var/, and PARLEY_SECRET_KEY writes no key file to make it."""
    data_dir = tmp_path / "fresh" / "var"
    env = environment(data_dir, PARLEY_SECRET_KEY="a-key-given-by-the-environment")
    done = parley("migrate", "--no-input", env=env)
    assert done.returncode == 0, done.stderr
    assert (data_dir / "parley.sqlite3").is_file()
    assert not (data_dir / "secret_key").exists()
