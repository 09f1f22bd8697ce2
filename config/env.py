"""Typed readers for environment variables.

Each helper fails loudly with ImproperlyConfigured when a value cannot be
understood, so a typo in a deployment stops the server at start-up instead of
silently falling back to a default.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def envchoice(name: str, default: str, choices: set[str]) -> str:
    """One of `choices`, matched without regard to case and returned as spelled there."""
    raw = os.environ.get(name, default).strip()
    spelled = {choice.casefold(): choice for choice in choices}
    value = spelled.get(raw.casefold(), raw)
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}, not {value!r}."
        )
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str, fallback_file: Path) -> str:
    """A secret from NAME, or from the file named by NAME_FILE, or kept in fallback_file.

    The fallback is created once with a random value so that a laptop install
    keeps its sessions and guest edit tokens valid across restarts.
    """
    if value := os.environ.get(name):
        return value
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}: {exc}") from exc
    if fallback_file.exists():
        return fallback_file.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    secret = get_random_secret_key()
    fallback_file.write_text(secret)
    fallback_file.chmod(0o600)
    return secret


def _rate(name: str, raw: str) -> tuple[int, int]:
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must look like COUNT/SECONDS (for example 10/60) or 'off', not {raw!r}."
        ) from None
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"{name} needs a positive count and period, not {raw!r}.")
    return count, seconds


def envrate(name: str, default: str) -> tuple[int, int] | None:
    """A rate written as "COUNT/SECONDS" (e.g. "10/60"), or None for "off"."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in {"off", "0", "none"}:
        return None
    return _rate(name, raw)


def envrates(name: str, default: str) -> list[tuple[int, int]]:
    """Rates separated by commas ("6/60,30/3600": six a minute and thirty an hour); [] for "off"."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in {"off", "0", "none"}:
        return []
    return [_rate(name, part.strip()) for part in raw.split(",")]


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses and networks, comma-separated ("10.0.0.0/8,127.0.0.1,::1/128"); empty by default.

    A bare address is its own /32 (IPv4) or /128 (IPv6).
    """
    networks = []
    for item in envlist(name, []):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            try:
                loose = ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name}: {item!r} is not an address or a network. Write addresses or "
                    "networks separated by commas, for example 10.0.0.0/8,127.0.0.1/32,::1/128."
                ) from None
            address = item.split("/", 1)[0]
            raise ImproperlyConfigured(
                f"{name}: {item!r} has bits set past its prefix. Write {loose} for the "
                f"whole network, or {address} for that one address."
            ) from None
    return networks
