"""Debian's Chromium for the benches that drive a page (never a downloaded browser)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Quiet and steady: no background fetches, updates or sync while a bench measures or shoots.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run `make browser-deps`.")


def launch(playwright, *extra: str):
    """A headless Chromium with ARGS and `extra`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*ARGS, *extra])
