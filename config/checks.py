"""Start-up checks of the settings that can only be judged once the apps are loaded.

Every other PARLEY_* value is checked while config/settings.py reads it (config/env.py).
Each message names the variable and says what to write instead.
"""

from __future__ import annotations

import pkgutil

from django.conf import settings
from django.core import checks


def _signal_names() -> list[str]:
    from parley.moderation import signals

    return sorted(
        module.name
        for module in pkgutil.iter_modules(signals.__path__)
        if module.ispkg and module.name != "base"
    )


def moderation_signals_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from parley.moderation import signals

    known = _signal_names()
    errors: list[checks.CheckMessage] = []
    seen: set[str] = set()
    for name in settings.PARLEY_MODERATION_SIGNALS:
        if name in seen:
            errors.append(
                checks.Error(
                    f"PARLEY_MODERATION_SIGNALS lists {name!r} twice. Write each signal once.",
                    id="parley.E002",
                )
            )
            continue
        seen.add(name)
        problem = ""
        if name not in known:
            problem = "is not a moderation signal"
        else:
            try:
                signals.load(name)
            except (ImportError, LookupError) as exc:
                problem = f"could not be loaded ({exc})"
        if problem:
            errors.append(
                checks.Error(
                    f"PARLEY_MODERATION_SIGNALS: {name!r} {problem}. Write signals from "
                    f"{', '.join(known)}, separated by commas, for example "
                    "rules,duplicates,spam,classifier (docs/moderation.md).",
                    id="parley.E001",
                )
            )
    return errors


def languages_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from parley.lib import languages

    errors: list[checks.CheckMessage] = []
    for name in ("PARLEY_TRANSLATE_INTO", "PARLEY_READER_LANGUAGES"):
        for code in getattr(settings, name):
            if not languages.is_known(languages.canonical(code)):
                errors.append(
                    checks.Error(
                        f"{name}: {code!r} is not a language code. Write ISO 639-1 codes "
                        "separated by commas, for example en,pt,es (hbs for "
                        "Serbian/Croatian/Bosnian).",
                        id="parley.E003",
                    )
                )
    if not settings.PARLEY_READER_LANGUAGES:
        errors.append(
            checks.Error(
                "PARLEY_READER_LANGUAGES is empty. List at least the site's own language, "
                "for example en.",
                id="parley.E004",
            )
        )
    return errors


def ssl_redirect_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Parley never ends TLS: without a trusted proxy to say a request came over HTTPS, every
    request looks like plain HTTP and the redirect would answer each one with itself."""
    if settings.SECURE_SSL_REDIRECT and not settings.PARLEY_TRUSTED_PROXIES:
        return [
            checks.Error(
                "PARLEY_SSL_REDIRECT is on but PARLEY_TRUSTED_PROXIES is empty, so no request "
                "is ever seen as HTTPS and every one would be redirected to itself. List the "
                "proxy that ends TLS in PARLEY_TRUSTED_PROXIES (for example 127.0.0.1/32,::1/128),"
                " or leave the redirect to the proxy.",
                id="parley.E005",
            )
        ]
    return []
