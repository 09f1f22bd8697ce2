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


def envhosts(name: str, default: list[str]) -> list[str]:
    """Host names ("discuss.example.org", ".example.org", "[::1]"), comma-separated."""
    hosts = envlist(name, default)
    for host in hosts:
        if "/" in host or host.count(":") == 1 or " " in host:
            bare = host.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
            raise ImproperlyConfigured(
                f"{name}: {host!r} is not a host name. Write the name alone, without scheme, "
                f"port or path: {bare}"
            )
    return hosts


def envorigins(name: str) -> list[str]:
    """Origins ("https://discuss.example.org"), comma-separated; empty by default."""
    origins = envlist(name, [])
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in {"http", "https"} or not rest or "/" in rest:
            host = origin.split("://", 1)[-1].split("/", 1)[0]
            raise ImproperlyConfigured(
                f"{name}: {origin!r} is not an origin. Write the scheme and the host name, "
                f"without a path: https://{host}"
            )
    return origins


def envurl(name: str, schemes: tuple[str, ...], example: str) -> str:
    """A URL whose scheme is one of `schemes`, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    scheme, separator, rest = raw.partition("://")
    if not separator or scheme.lower() not in schemes or not rest:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"for example {example}, not {raw!r}."
        )
    return raw


def envzone(name: str, default: str) -> str:
    """An IANA time zone name ("Europe/Lisbon", "UTC")."""
    import zoneinfo

    raw = os.environ.get(name, default).strip()
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}: {raw!r} is not a time zone name. Write an IANA name such as "
            "Europe/Lisbon, America/New_York or UTC."
        ) from None
    return raw


def envdatabase(name: str, default: str) -> dict:
    """Django's DATABASES entry from a database URL."""
    import dj_database_url

    raw = os.environ.get(name, "").strip() or default
    try:
        config = dict(dj_database_url.parse(raw))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} cannot be read ({exc}). Write postgres://USER:PASSWORD@HOST:5432/NAME "
            "or sqlite:////absolute/path/parley.sqlite3."
        ) from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            f"{name} names a database Parley does not run on ({config.get('ENGINE')}). "
            "Write postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path/parley.sqlite3."
        )
    return config


def _in_site_packages(path: Path) -> bool:
    """Whether `path` lies inside a directory that package installers own."""
    import site
    import sysconfig

    roots = {Path(p).resolve() for p in site.getsitepackages()}
    roots |= {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    path = path.resolve()
    if any(part in {"site-packages", "dist-packages"} for part in path.parts):
        return True
    return any(path == root or root in path.parents for root in roots)


def envdatadir(name: str, base_dir: Path) -> Path:
    """Where Parley keeps its database, secret key and models.

    NAME when set; else `var/` of a source checkout (where pyproject.toml lies beside the
    code); else the per-user data directory ($XDG_DATA_HOME/parley, ~/.local/share/parley).
    Never inside site-packages: an upgrade or an uninstall would delete it.
    """
    raw = os.environ.get(name, "").strip()
    if raw:
        path = Path(raw).expanduser().resolve()
    elif is_source_checkout(base_dir):
        path = base_dir / "var"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        try:
            path = (Path(xdg) if xdg else Path.home() / ".local" / "share") / "parley"
        except RuntimeError:  # no home directory to be found
            raise ImproperlyConfigured(
                f"{name} is not set and this user has no home directory. Set {name} to the "
                "directory Parley may keep its data in, for example /var/lib/parley."
            ) from None
    if _in_site_packages(path):
        raise ImproperlyConfigured(
            f"{name} is {str(path)!r}, inside the installed Python packages, where an upgrade "
            f"or an uninstall would delete the database and the secret key. Set {name} to a "
            "directory of its own, for example /var/lib/parley."
        )
    return path


def is_source_checkout(base_dir: Path) -> bool:
    """A git clone or unpacked source (run in place), as opposed to an installed wheel."""
    return (base_dir / "pyproject.toml").is_file() and not _in_site_packages(base_dir)


def envsecret(name: str, fallback_file: Path, *, refuse: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE, or kept in fallback_file.

    The fallback is created once with a random value so that a laptop install
    keeps its sessions and guest edit tokens valid across restarts. With
    `refuse` (why a generated key would be wrong here), a missing secret stops
    the server instead.
    """
    if value := os.environ.get(name, "").strip():
        return value
    if path := os.environ.get(f"{name}_FILE"):
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}: {exc}") from exc
        if not value:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {path!r}, which is empty. Write a long random value "
                "into it, for example the output of "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`."
            )
        return value
    if refuse:
        raise ImproperlyConfigured(
            f"{name} is not set. {refuse} Set {name}, or {name}_FILE to a file holding it, "
            "to the same long random value on every server, for example the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    if fallback_file.exists():
        return fallback_file.read_text().strip()
    return _new_secret_file(fallback_file)


def _new_secret_file(path: Path) -> str:
    """Write a random secret to `path`, readable by its owner only from its first moment.

    The key is written to a private temporary file and linked into place, so another
    process starting at the same time reads either no file or the whole key, and the one
    that loses the race uses the winner's key.
    """
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True)
    secret = get_random_secret_key()
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)  # left by a dead process that had this process id
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        temporary.unlink(missing_ok=True)
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
