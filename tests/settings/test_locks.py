"""Runtime dependencies and test tools are locked apart, every package with its hashes, and a
server (`make run`) installs the runtime set only."""

from __future__ import annotations

import re
import subprocess
import tomllib

from tests.settings.cli import ROOT

RUNTIME = ROOT / "requirements" / "runtime.lock"
TEST = ROOT / "requirements" / "test.lock"
TEST_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "playwright", "mypy", "ruff"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(lock) -> dict[str, str]:
    """{name: version} of a lock file, each entry checked to carry its hashes."""
    text = lock.read_text()
    pins = {}
    for entry in re.split(r"\n(?=[a-z0-9])", text.split("\n\n", 1)[-1].strip(), flags=re.I):
        if entry.startswith("#") or not entry.strip():
            continue
        first = entry.splitlines()[0]
        match = re.match(r"([A-Za-z0-9_.-]+)==([^ \\]+)", first)
        assert match, f"{lock.name}: {first!r} is not pinned with =="
        assert "--hash=sha256:" in entry, f"{lock.name}: {match[1]} has no hash"
        pins[match[1].lower()] = match[2]
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_runtime_lock_has_every_dependency_and_no_test_tool():
    pins = _pins(RUNTIME)
    for requirement in _project()["dependencies"]:
        assert _name(requirement) in pins
    assert {"redis", "psycopg-pool"} <= set(pins)
    assert not TEST_TOOLS & set(pins)
    assert not {"schemathesis", "hypothesis", "import-linter"} & set(pins)


def test_the_test_lock_adds_the_tools_at_the_runtime_versions():
    runtime, test = _pins(RUNTIME), _pins(TEST)
    for requirement in _project()["optional-dependencies"]["test"]:
        assert _name(requirement) in test
    assert {"schemathesis", "hypothesis", "import-linter"} <= set(test)
    assert {name: test.get(name) for name in runtime} == runtime


def test_every_dependency_says_why_it_is_there():
    text = (ROOT / "pyproject.toml").read_text()
    for block in ("dependencies = [", "test = ["):
        lines = text.split(block, 1)[1].split("]\n", 1)[0].strip().splitlines()
        previous = "#"
        for line in (line.strip() for line in lines):
            if line.startswith('"'):
                assert previous.startswith(("#", '"')), f"{line} has no reason comment"
            previous = line
        groups = re.split(r"\n\s*#[^\n]*(?:\n\s*#[^\n]*)*\n", "\n" + "\n".join(lines) + "\n")
        assert not groups[0].strip(), f"{groups[0].strip()} has no reason comment"


def _planned(target: str, tmp_path) -> str:
    """What `make TARGET` would run for a fresh virtual environment (nothing is run)."""
    done = subprocess.run(  # noqa: S603
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],  # noqa: S607  (make, by name)
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_installs_the_runtime_set_only_with_hashes(tmp_path):
    plan = _planned("run", tmp_path)
    assert "--require-hashes -r requirements/runtime.lock" in plan
    assert "test.lock" not in plan


def test_make_test_installs_both_sets_with_hashes(tmp_path):
    plan = _planned("test", tmp_path)
    assert "--require-hashes -r requirements/runtime.lock" in plan
    assert "--require-hashes -r requirements/test.lock" in plan
    assert "lint-imports" in plan
