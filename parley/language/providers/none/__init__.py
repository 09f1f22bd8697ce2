"""No translation: every comment is shown as written, with its language named."""

from __future__ import annotations

from parley.language.providers.base import EngineError, Provider


class NoProvider(Provider):
    name = "none"
    label = "none"

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset()

    def model_version(self, source: str, target: str) -> str:
        return "none"

    def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        raise EngineError("Translation is turned off on this server.")
