"""The one interface every translation engine implements.

An engine translates plain-text sentences from one language to another. It says
which pairs it covers and which model version it would use for each, so that
translations can be cached per (object, target language, engine, model version).
Engines never decide what to translate or when: parley.language.engine routes a
request (pivoting through English where no direct pair exists) and background
tasks call it.
"""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """The engine could not translate; `retry` says whether trying later may succeed."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


class EngineUnavailable(EngineError):
    """The engine is down, slow or refusing for now: the work is retried later."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retry=True)


@dataclass(frozen=True)
class Problem:
    """A configuration problem found when the engine was checked (start-up, admin)."""

    message: str
    hint: str = ""


class Provider:
    """Base class of translation engines; one subclass per folder in providers/."""

    #: Short identifier stored with every translation ("bergamot").
    name: str = ""
    #: What readers see in "Translated from Portuguese by <label>".
    label: str = ""

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) pairs this engine can translate now, as ISO 639-1 codes.

        Must not block on the network: an engine behind HTTP answers from what it last
        learned and refreshes in `refresh()`.
        """
        raise NotImplementedError

    def pairs_known(self) -> bool:
        """False while an engine has not yet learned its pairs (a server not yet asked)."""
        return True

    def model_version(self, source: str, target: str) -> str:
        """An identifier of the model used for a pair; it changes when the model changes."""
        raise NotImplementedError

    def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order. Raises EngineError."""
        raise NotImplementedError

    def refresh(self) -> None:  # noqa: B027  (optional hook, empty by default)
        """Learn the pairs anew (from the network); called by background tasks, not pages."""

    def check(self) -> list[Problem]:
        """Problems with the engine's configuration, for start-up checks and the admin."""
        return []
