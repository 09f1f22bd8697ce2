"""Start-up checks: a translation engine that cannot work is an error before serving, never a
broken page. Django runs these before `parley serve`, `parley migrate` and `parley check`."""

from __future__ import annotations

from django.core import checks


def engine_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from parley.language import providers

    try:
        provider = providers.current()
    except Exception as exc:  # noqa: BLE001  (any failure to build the engine is the message)
        return [checks.Error(f"The translation engine could not start: {exc}", id="parley.E101")]
    return [
        checks.Error(problem.message, hint=problem.hint or None, id="parley.E100")
        for problem in provider.check()
    ]
