"""The secret key: generated for a local SQLite install only, and private from its first moment;
refused when missing wherever several servers may share one database."""

from __future__ import annotations

import os
import stat
import subprocess

from tests.settings.cli import PARLEY, ROOT, environment, parley

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_the_generated_key_file_is_readable_by_its_owner_only(tmp_path):
    done = parley("check", env=environment(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) >= 50
    assert not [path for path in key_file.parent.iterdir() if path.name.startswith(".secret")]


def test_servers_starting_at_once_share_one_generated_key(tmp_path):
    env = environment(tmp_path / "data")
    starts = [
        subprocess.Popen(  # noqa: S603  (our own command)
            [PARLEY, "shell", "-v", "0", "-c", PRINT_KEY],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    keys = {start.communicate(timeout=120)[0].strip() for start in starts}
    assert len(keys) == 1
    assert keys == {(tmp_path / "data" / "secret_key").read_text()}


def test_a_key_is_kept_across_restarts(tmp_path):
    env = environment(tmp_path / "data")
    first = parley("shell", "-v", "0", "-c", PRINT_KEY, env=env).stdout
    assert first.strip() and parley("shell", "-v", "0", "-c", PRINT_KEY, env=env).stdout == first


def test_postgresql_without_a_key_is_refused(tmp_path):
    env = environment(tmp_path / "data", DATABASE_URL="postgres://parley@db.example.org/parley")
    done = parley("check", env=env)
    assert done.returncode != 0
    assert "PARLEY_SECRET_KEY is not set." in done.stderr
    assert "the same long random value on every server" in done.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_postgresql_takes_the_key_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 60 + "\n")
    env = environment(
        tmp_path / "data",
        DATABASE_URL="postgres://parley@db.example.org/parley",
        PARLEY_SECRET_KEY_FILE=str(key_file),
    )
    done = parley("shell", "-v", "0", "-c", PRINT_KEY, env=env)
    assert done.stdout.strip() == "k" * 60, done.stderr


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("\n")
    done = parley("check", env=environment(tmp_path, PARLEY_SECRET_KEY_FILE=str(key_file)))
    assert done.returncode != 0
    assert "which is empty. Write a long random value into it" in done.stderr


def test_the_umask_cannot_widen_the_key_file(tmp_path):
    old = os.umask(0)
    try:
        done = parley("check", env=environment(tmp_path / "data"))
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode) == 0o600
