"""Translation engines: one folder each, every one a subclass of base.Provider.

The folder's name is the engine's name in settings (PARLEY_TRANSLATION_ENGINE).
"""

from __future__ import annotations

import importlib
import threading

from django.conf import settings

from parley.language.providers.base import Provider

_current: tuple[tuple, Provider] | None = None
_lock = threading.Lock()


def load(name: str) -> type[Provider]:
    module = importlib.import_module(f"parley.language.providers.{name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Provider) and value.name == name:
            return value
    raise LookupError(f"parley.language.providers.{name} defines no Provider named {name!r}")


def _settings_key() -> tuple:
    return (
        settings.PARLEY_TRANSLATION_ENGINE,
        str(settings.PARLEY_TRANSLATION_MODELS),
        settings.PARLEY_TRANSLATION_BUNDLED,
        settings.PARLEY_LIBRETRANSLATE_URL,
        settings.PARLEY_LIBRETRANSLATE_API_KEY,
        settings.PARLEY_LIBRETRANSLATE_TIMEOUT,
    )


def current() -> Provider:
    """The configured engine, made once per process (and again if the settings change)."""
    global _current
    key = _settings_key()
    found = _current
    if found is None or found[0] != key:
        with _lock:
            found = _current
            if found is None or found[0] != key:
                found = (key, load(settings.PARLEY_TRANSLATION_ENGINE)())
                _current = found
    return found[1]
