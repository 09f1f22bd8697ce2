"""How events reach the stream processes: one module per backend, each with a `Broker`
class (base.Broker); PARLEY_LIVE_BROKER names the one in use."""

from __future__ import annotations

import importlib
from functools import cache

from django.conf import settings

from parley.realtime.brokers.base import Broker


@cache
def _load(name: str) -> Broker:
    module = importlib.import_module(f"parley.realtime.brokers.{name}")
    return module.Broker()


def current() -> Broker:
    return _load(settings.PARLEY_LIVE_BROKER)
