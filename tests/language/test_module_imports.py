"""The language app's modules import in one direction: translations (what readers see,
asking) → tasks (the background work) → translator (making translations). No cycle, not
even through an import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import parley.language

HERE = Path(parley.language.__file__).parent


def imported(module: str) -> set[str]:
    tree = ast.parse((HERE / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("parley.language.")}


def test_tasks_do_not_import_translations():
    assert "parley.language.translations" not in imported("tasks")


def test_the_translator_imports_neither_tasks_nor_translations():
    assert not imported("translator") & {"parley.language.tasks", "parley.language.translations"}
