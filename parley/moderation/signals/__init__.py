"""Automatic moderation signals: one folder each, every one a subclass of base.Signal.

PARLEY_MODERATION_SIGNALS lists the folders in use, in order.
"""

from __future__ import annotations

import importlib
from functools import cache

from django.conf import settings

from parley.moderation.signals.base import Signal


def load(name: str) -> Signal:
    module = importlib.import_module(f"parley.moderation.signals.{name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Signal) and value.name == name:
            return value()
    raise LookupError(f"parley.moderation.signals.{name} defines no Signal named {name!r}")


@cache
def _loaded(names: tuple[str, ...]) -> tuple[Signal, ...]:
    return tuple(load(name) for name in names)


def active() -> tuple[Signal, ...]:
    return _loaded(tuple(settings.PARLEY_MODERATION_SIGNALS))
