"""The import contract in pyproject.toml ([tool.importlinter]) holds, and names every app."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.settings.cli import ROOT


def test_the_import_contract_is_kept():
    lint_imports = str(Path(sys.executable).with_name("lint-imports"))
    done = subprocess.run(  # noqa: S603  (our own tool)
        [lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_app_has_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = config["contracts"][0]["layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    apps = {f"parley.{path.parent.name}" for path in (ROOT / "parley").glob("*/apps.py")} | {
        "parley.lib"
    }
    assert apps == layered
