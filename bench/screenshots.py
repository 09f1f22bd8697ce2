"""Screenshots of the demo in headless Chromium, for docs/screenshots/ and the README.

Starts the production server on a temporary data directory with the demo loaded, then
photographs the dossier and a deep part of its discussion at desktop and phone widths.
Run with `make screenshots` (or `.venv/bin/python bench/screenshots.py`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PARLEY = str(Path(sys.executable).with_name("parley"))
CHROMIUM = "/usr/bin/chromium"
SLUG = "karsa-dam-dossier"

# Scroll the thread so that a reply chain deeper than the indentation limit is in view.
SCROLL_TO_DEEP_PART = """() => {
    const deep = document.querySelector('.node.level-6 .node.level-6') ||
                 document.querySelector('.node.level-6');
    const start = deep.closest('.node.level-2') || deep;
    window.scrollTo(0, start.getBoundingClientRect().top + window.scrollY - 8);
}"""
SCROLL_TO_QUOTES = """() => {
    const quote = document.querySelector('#comments blockquote.quote--document');
    const node = quote.closest('details.node');
    window.scrollTo(0, node.getBoundingClientRect().top + window.scrollY - 8);
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "PARLEY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo"],
    ):
        subprocess.run([PARLEY, *command], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [PARLEY, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=2)  # noqa: S310  (loopback)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def shoot(
    browser,
    url: str,
    name: str,
    *,
    phone: bool,
    scroll: str | None = None,
    height: int | None = None,
) -> None:
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": height or 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            timezone_id="Europe/Lisbon",
        )
    else:
        context = browser.new_context(
            viewport={"width": 1280, "height": height or 1000}, timezone_id="Europe/Lisbon"
        )
    page = context.new_page()
    page.goto(url)
    page.reload()  # the second view uses the zone the browser reported
    if scroll:
        page.evaluate(scroll)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    context.close()
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parley-shots-") as tmp:
        server, base = start_server(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                    ],
                )
                dossier = f"{base}/posts/{SLUG}/"
                shoot(browser, dossier, "dossier-desktop", phone=False)
                shoot(
                    browser,
                    dossier,
                    "thread-desktop",
                    phone=False,
                    scroll=SCROLL_TO_DEEP_PART,
                    height=1400,
                )
                shoot(browser, dossier, "dossier-phone", phone=True)
                shoot(browser, dossier, "thread-phone", phone=True, scroll=SCROLL_TO_DEEP_PART)
                shoot(browser, dossier, "readme", phone=False, scroll=SCROLL_TO_QUOTES, height=820)
                browser.close()
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
