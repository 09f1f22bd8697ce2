"""Screenshots of the demo in headless Chromium, for docs/screenshots/ and the README.

Starts the production server (`parley serve`) on a temporary data directory with the demo
loaded, photographs the dossier and a deep part of its discussion at desktop and phone widths,
the discussion as new comments arrive while it is open, the moderation queue the demo's
classifier fills (logged in as the demo's admin), and the widget on the example blog that
`parley serve --example-host` serves beside it (an article's discussion, light and dark, and
the index with its comment counts), then stops the server. Run with
`make screenshots` (or `.venv/bin/python bench/screenshots.py`); `--out DIR` writes the
pictures elsewhere, to compare before replacing them.

Uses Debian's Chromium (/usr/bin/chromium); it never downloads a browser.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common.browser import launch, require_chromium  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PARLEY = str(Path(sys.executable).with_name("parley"))
DEMO_DATA = ROOT / "parley" / "demo" / "data" / "discussion.json"
DEMO_POLL_SECONDS = 120
DEMO_WAIT_SECONDS = 40 * 60
READER_ZONE = "Europe/Lisbon"

# Scroll so that the first reply deeper than the indentation limit (it says "in reply to")
# shows at the given fraction of the screen's height, below the replies that led to it.
SCROLL_TO_DEEP_PART = """(fraction) => {
    const detached = [...document.querySelectorAll('#comments .in-reply-to')]
        .map(link => link.closest('details.node'))
        .find(node => node.parentElement.closest('details.node'));
    if (!detached) { throw new Error('the demo has no reply chain deeper than the limit'); }
    const top = detached.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - fraction * window.innerHeight);
}"""
# The README picture: the first comment that quotes a document and is answered with a quote
# of it, down to the end of that answer, across the text column (page coordinates).
QUOTES_CLIP = """() => {
    const nodes = [...document.querySelectorAll('#comments details.node')];
    const node = nodes.find(n =>
        n.querySelector(':scope > .comment-body blockquote.quote--document') &&
        n.querySelector(':scope > .replies blockquote.quote--comment'));
    if (!node) { throw new Error('the demo has no quoted document answered with a quote'); }
    const answer = node.querySelector(':scope > .replies blockquote.quote--comment')
        .closest('details.node').querySelector(':scope > .comment-actions');
    const column = document.querySelector('#comments').getBoundingClientRect();
    const top = node.getBoundingClientRect().top + window.scrollY;
    const bottom = answer.getBoundingClientRect().bottom + window.scrollY + 6;
    return {x: column.left - 32, y: top, width: column.width + 64, height: bottom - top};
}"""
# Scroll to the first Portuguese comment shown in English, beside a comment nobody translates.
SCROLL_TO_TRANSLATION = """(fraction) => {
    const note = document.querySelector('#comments .translation-note[data-translated]');
    if (!note) { throw new Error('no comment of the demo is shown translated'); }
    const top = note.closest('details.node').getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - fraction * window.innerHeight);
}"""


# The author's view of a held comment: a guest answers the newest thread and, the page being
# slow to answer, sends the same words again; the repeat is held ("posted twice"). Each post
# goes through the page's form, in place under the comment answered, as a reader would. The
# phone's guest writes other words, or the desktop's comments would make theirs repeats too.
DESKTOP_ANSWER = (
    "Does anyone have the annex the letter mentions? The link in the dossier opens the "
    "press release instead."
)
PHONE_ANSWER = "Is the annex itself online anywhere? All I can find is the ministry's summary."
SCROLL_TO_PARENT = """(fraction) => {
    const held = document.querySelector('#comments details.node--awaiting');
    if (!held) { throw new Error('the held comment is not on the page'); }
    const parent = held.parentElement.closest('details.node') || held;
    const top = parent.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - fraction * window.innerHeight);
}"""


def log_in_too_often(page: Page, url: str) -> None:
    """Wrong passwords past the log-in limit (PARLEY_LOGIN_RATE): the refusal that says when to
    try again. Shot last, as it locks this address out of logging in for a minute."""
    for _attempt in range(7):
        page.goto(url)
        page.get_by_label("User name").fill("reader")
        page.get_by_label("Password").fill("not the password")
        page.locator("main").get_by_role("button", name="Log in").click()
        page.wait_for_load_state()


def post_twice_as_a_guest(page: Page, url: str, body: str) -> None:
    page.goto(f"{url}?sort=newest#comments")
    parent = page.locator("#comment-list > details.node").first
    parent_id = parent.get_attribute("id")
    for _attempt in range(2):
        page.locator(f"#{parent_id} > .comment-actions a.reply").click()
        form = page.locator(f"#{parent_id} > #reply-form")
        # In a long thread the form is one line until the reader writes in it.
        form.locator("textarea[name=body]").fill(body)
        form.locator("input[name=name]").fill("Rui Almeida")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    page.locator("details.node--awaiting .repeat-note").wait_for()


# Live changes: while the photographed page is open, another reader posts a top-level comment
# and a reply to a comment on screen; the page shows the first in its "new comments" bar and
# the reply in place, marked new. The bar stays at the top of the screen over the discussion.
LIVE_TOP = "Has anyone crossed since noon? The queue on our side has not moved at all."
LIVE_REPLY = "The annex is on the embassy's site, under press releases, dated the first."
LIVE_TOP_PHONE = "Same here on the other side: nobody has been waved through yet."
LIVE_REPLY_PHONE = "It is listed as annex two, after the inspection schedule."
SCROLL_TO_NEW_REPLY = """(fraction) => {
    const reply = document.querySelector('#comments details.node--new');
    if (!reply) { throw new Error('the new reply is not on the page'); }
    const top = reply.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - fraction * window.innerHeight);
}"""
# The first comment without replies (a leaf of the reply tree), where a new reply shows at once
# under it, indented one step.
UNANSWERED = """() => {
    const node = [...document.querySelectorAll('#comment-list details.node')].find(n =>
        !n.querySelector(':scope > .replies') && !/level-[56]/.test(n.className) &&
        n.querySelector(':scope > .comment-actions a.reply'));
    if (!node) { throw new Error('the demo has no comment without replies to answer'); }
    return node.id;
}"""


def streams(url: str) -> bool:
    """Whether the server answers a thread's stream at its own address."""
    request = urllib.request.Request(url, headers={"Accept": "text/event-stream"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  (loopback)
            return response.headers.get_content_type() == "text/event-stream"
    except OSError:
        return False


def another_reader_posts(top: str, reply: str) -> Callable[[Page, str], None]:
    def act(page: Page, url: str) -> None:
        page.goto(f"{url}#comments")
        discussion = page.locator(".discussion")
        thread_stream = page.url.split("/posts/")[0] + discussion.get_attribute("data-live")
        if not streams(thread_stream):
            # A server that does not route streams yet: the page polls its thread's events.
            page.context.add_init_script("delete window.EventSource")
            page.reload()
        else:
            page.wait_for_function("() => document.querySelector('.discussion').dataset.streaming")
        parent = page.evaluate(UNANSWERED)
        other = page.context.browser.new_context(locale="en-GB", timezone_id=READER_ZONE)
        writer = other.new_page()
        for body, under in ((top, None), (reply, parent)):
            writer.goto(url)
            if under:
                writer.locator(f"#{under} > .comment-actions a.reply").click()
            form = writer.locator("#reply-form")
            form.locator("textarea[name=body]").fill(body)
            form.locator("input[name=name]").fill("Ines Duarte")
            with writer.expect_navigation():
                form.locator("button[type=submit]").click()
        other.close()
        page.locator(".new-comments:not([hidden])").wait_for(timeout=15_000)
        page.locator(f"#{parent} > .replies > details.node--new").wait_for(timeout=15_000)

    return act


def vote_then_read_best_first(tops: tuple[int, ...]) -> Callable[[Page, str], None]:
    """Mark some top-level comments useful in place (by their place on the first page; the
    phone's reader votes on others than the desktop's, from the same address), then read the
    discussion best first."""

    def act(page: Page, url: str) -> None:
        page.goto(f"{url}#comments")
        for n in tops:
            form = page.locator("#comment-list > details.node").nth(n)
            form = form.locator(":scope > .comment-actions form.votes")
            form.locator(".vote--up").click()
            page.wait_for_function(
                "(f) => f.querySelector('[aria-pressed=true]')", arg=form.element_handle()
            )
        page.goto(f"{url}?sort=best#comments")
        # The first comments, with the counts the votes gave them.
        page.evaluate("document.getElementById('comment-list').scrollIntoView()")

    return act


def open_the_vote_page(page: Page, url: str) -> None:
    """The page a reader without JavaScript reaches from a comment's "Useful" button."""
    page.goto(f"{url}#comments")
    action = page.locator("#comments form.votes").first.get_attribute("action")
    page.goto(url.split("/posts/")[0] + f"{action}?value=1")


def open_a_reply_in_context(page: Page, url: str) -> None:
    """A reply's /c/<id>/context/ page: the comment it answers, it, and its replies."""
    page.goto(f"{url}#comments")
    node = page.locator("#comments .node .node").first.get_attribute("id") or ""
    page.goto(url.split("/posts/")[0] + f"/c/{node.removeprefix('c')}/context/")


def open_a_readers_profile(page: Page, url: str) -> None:
    """The profile of the account that wrote the most demo comments, as another reader sees it."""
    page.goto(f"{url}#comments")
    links = page.locator("#comments a.author--person")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    busiest = max(set(hrefs), key=hrefs.count)
    page.goto(url.split("/posts/")[0] + busiest)


def follow_the_thread(page: Page, url: str) -> None:
    """The signed-in reader presses Follow above the comments."""
    page.goto(f"{url}#comments")
    page.locator("form.follow-form button").first.click()
    page.wait_for_load_state()
    page.locator("#comments").scroll_into_view_if_needed()


# The widget on the example blog: its discussion near the top of the screen, once it is ready.
WIDGET_READY = "() => document.querySelector('[data-parley-thread][data-parley-state=ready]')"
SCROLL_TO_WIDGET = """(fraction) => {
    const section = document.querySelector('#parley-thread');
    const top = section.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - fraction * window.innerHeight);
}"""
# The index once count.js has written every article's count.
COUNTS_READY = """() => [...document.querySelectorAll('[data-parley-count]')].every(
    link => /\\d/.test(link.textContent))"""
BLOG_ARTICLE = "/articles/harbour-ferry-timetable/"
SIGN_IN = "/embed/sign-in/?origin={blog}"


@dataclass(frozen=True)
class Shot:
    name: str
    phone: bool
    scroll: str | None = None
    scroll_arg: object = None
    height: int | None = None
    clip: str | None = None  # a script returning the part of the page to keep
    act: Callable[[Page, str], None] | None = None  # what the reader does before the picture
    refused: bool = False  # the page answers 4xx on purpose (the browser logs that as an error)
    path: str = ""  # a page of the site instead of the dossier, e.g. "/moderation/";
    # "{blog}" in it stands for the example blog's origin
    moderator: bool = False  # log in as the demo's admin first
    blog: bool = False  # a page of the example blog (path on its origin), not of Parley
    ready: str | None = None  # a script that is true once the page is ready for the picture


SHOTS = [
    Shot("dossier-desktop", phone=False, height=1000),
    Shot("thread-desktop", phone=False, scroll=SCROLL_TO_DEEP_PART, scroll_arg=0.55, height=1600),
    Shot("dossier-phone", phone=True),
    Shot("thread-phone", phone=True, scroll=SCROLL_TO_DEEP_PART, scroll_arg=0.4),
    Shot("readme", phone=False, clip=QUOTES_CLIP),
    Shot("translation-desktop", phone=False, scroll=SCROLL_TO_TRANSLATION, scroll_arg=0.1),
    Shot(
        "held-desktop",
        phone=False,
        scroll=SCROLL_TO_PARENT,
        scroll_arg=0.1,
        height=900,
        act=lambda page, url: post_twice_as_a_guest(page, url, DESKTOP_ANSWER),
    ),
    Shot(
        "held-phone",
        phone=True,
        scroll=SCROLL_TO_PARENT,
        scroll_arg=0.05,
        act=lambda page, url: post_twice_as_a_guest(page, url, PHONE_ANSWER),
    ),
    Shot(
        "live-desktop",
        phone=False,
        scroll=SCROLL_TO_NEW_REPLY,
        scroll_arg=0.35,
        height=800,
        act=another_reader_posts(LIVE_TOP, LIVE_REPLY),
    ),
    Shot(
        "live-phone",
        phone=True,
        scroll=SCROLL_TO_NEW_REPLY,
        scroll_arg=0.3,
        act=another_reader_posts(LIVE_TOP_PHONE, LIVE_REPLY_PHONE),
    ),
    Shot("votes-desktop", phone=False, height=900, act=vote_then_read_best_first((4, 2))),
    Shot("votes-phone", phone=True, act=vote_then_read_best_first((3, 1))),
    Shot("vote-page-desktop", phone=False, height=700, act=open_the_vote_page),
    Shot("vote-page-phone", phone=True, act=open_the_vote_page),
    Shot("home-desktop", phone=False, height=1000, path="/"),
    Shot("home-phone", phone=True, path="/"),
    Shot("search-desktop", phone=False, height=1000, path="/search/?q=saopstenje"),
    Shot("search-phone", phone=True, path="/search/?q=saopstenje"),
    Shot("context-desktop", phone=False, height=900, act=open_a_reply_in_context),
    Shot("context-phone", phone=True, act=open_a_reply_in_context),
    Shot("profile-desktop", phone=False, height=1000, act=open_a_readers_profile),
    Shot("profile-phone", phone=True, act=open_a_readers_profile),
    Shot("follow-desktop", phone=False, height=800, act=follow_the_thread, moderator=True),
    Shot("follow-phone", phone=True, act=follow_the_thread, moderator=True),
    Shot("queue-desktop", phone=False, height=800, path="/moderation/", moderator=True),
    Shot("queue-phone", phone=True, path="/moderation/", moderator=True),
    *(
        Shot(
            f"embed-widget-{theme}-{device}",
            phone=device == "phone",
            height=None if device == "phone" else 800,
            path=f"{BLOG_ARTICLE}?theme={theme}",
            blog=True,
            ready=WIDGET_READY,
            scroll=SCROLL_TO_WIDGET,
            scroll_arg=0.12,
        )
        for theme in ("light", "dark")
        for device in ("desktop", "phone")
    ),
    # The sign-in popup a reader of the blog opens from the widget, once logged in to Parley.
    Shot("embed-sign-in-desktop", phone=False, height=600, path=SIGN_IN, moderator=True),
    Shot("embed-sign-in-phone", phone=True, path=SIGN_IN, moderator=True),
    Shot("embed-index-desktop", phone=False, height=800, path="/", blog=True, ready=COUNTS_READY),
    Shot("embed-index-phone", phone=True, path="/", blog=True, ready=COUNTS_READY),
    # Last: they use up this address's log-in attempts.
    Shot(
        "login-limit-desktop",
        phone=False,
        height=700,
        path="/login/",
        act=log_in_too_often,
        refused=True,
    ),
    Shot("login-limit-phone", phone=True, path="/login/", act=log_in_too_often, refused=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_demo_data() -> None:
    """The demo content may still be being written: poll for it, as the task allows."""
    deadline = time.monotonic() + DEMO_WAIT_SECONDS
    while not DEMO_DATA.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{DEMO_DATA.relative_to(ROOT)} did not appear in 40 minutes.")
        print(f"waiting for {DEMO_DATA.relative_to(ROOT)} (checking every 2 minutes)...")
        time.sleep(DEMO_POLL_SECONDS)


def run_parley(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603  (our own command)
        [PARLEY, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"`parley {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class DemoServer:
    """`parley serve` on a free loopback port, over a fresh data directory with the demo."""

    def __init__(self, data_dir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.blog_port = free_port()
        self.blog = f"http://127.0.0.1:{self.blog_port}"
        self.log = data_dir / "server.log"
        self.env = {
            **os.environ,
            "PARLEY_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the venv's install points at
        }
        self.env.pop("DATABASE_URL", None)  # the embedded SQLite database in data_dir
        self.process: subprocess.Popen | None = None
        self.dossier_url = ""
        self.admin_password_file = data_dir / "admin-password.txt"

    def start(self) -> DemoServer:
        run_parley(self.env, "migrate", "--noinput", "-v0")
        run_parley(self.env, "collectstatic", "--noinput", "-v0")
        # The first classifier, as `make run` trains it, so the demo's comments are scored.
        run_parley(self.env, "train_moderation", "--if-missing", "--note", "screenshots")
        loaded = run_parley(
            self.env, "load_demo", "--base-url", self.base, "--example-host", self.blog
        )
        match = re.search(r"^Dossier: (\S+)", loaded, re.MULTILINE)
        if match is None:
            raise SystemExit(f"`parley load_demo` did not say where the dossier is:\n{loaded}")
        self.dossier_url = match[1]
        # Translations the worker would make within seconds, made before the first picture.
        run_parley(self.env, "translate", "--all", "--to", "en", "--no-progress")
        # The scores the worker would give within seconds (the queue's content), given first.
        run_parley(self.env, "db_worker", "--batch", "--no-startup-delay", "-v0")
        self.process = subprocess.Popen(  # noqa: S603
            [PARLEY, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"]
            + ["--example-host", str(self.blog_port)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.dossier_url, timeout=2)  # noqa: S310  (loopback)
                return self
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"the server did not start:\n{self.log.read_text()}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def log_in(page, base: str, password: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def shoot(browser: Browser, server: DemoServer, shot: Shot, out: Path) -> Path:
    if shot.blog:
        url = server.blog + shot.path
    else:
        path = shot.path.replace("{blog}", quote(server.blog, safe=""))
        url = server.base + path if path else server.dossier_url
    options: dict = {"timezone_id": READER_ZONE, "locale": "en-GB"}
    if shot.phone:
        options |= {
            "viewport": {"width": 390, "height": shot.height or 844},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    else:
        options["viewport"] = {"width": 1280, "height": shot.height or 1000}
    context = browser.new_context(**options)
    # The zone parley.js would report on a first visit, so times show as a returning reader's.
    context.add_cookies([{"name": "parley_tz", "value": READER_ZONE, "url": server.base + "/"}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not (shot.refused and m.text.startswith("Failed to load resource: the server"))
            and errors.append(m.text)
        ),
    )
    if shot.moderator:
        log_in(page, server.base, server.admin_password_file.read_text().strip())
    if shot.act:
        shot.act(page, url)
    else:
        page.goto(url)
    if shot.ready:
        if shot.scroll:  # a lazy widget renders once the reader comes near it
            page.evaluate(shot.scroll, shot.scroll_arg)
        page.wait_for_function(shot.ready, timeout=30_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    if shot.scroll:
        page.evaluate(shot.scroll, shot.scroll_arg)
    clip = page.evaluate(shot.clip) if shot.clip else None
    if errors:
        raise SystemExit(f"{url} logged errors in the browser: {errors}")
    path = out / f"{shot.name}.png"
    page.screenshot(path=str(path), clip=clip, full_page=clip is not None)
    context.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files")
    parser.add_argument("--only", default="", help="comma-separated shot names (default: all)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"only the first shot ({SHOTS[0].name}), into a temporary folder unless --out",
    )
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.only = arguments.only or SHOTS[0].name
        if arguments.out == OUT:
            arguments.out = Path(tempfile.mkdtemp(prefix="parley-shots-quick-"))
    out = arguments.out.resolve()
    wanted = {name for name in arguments.only.split(",") if name}
    if unknown := wanted - {shot.name for shot in SHOTS}:
        raise SystemExit(f"no such shot: {', '.join(sorted(unknown))}")
    require_chromium()
    wait_for_demo_data()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parley-shots-") as tmp:
        server = DemoServer(Path(tmp)).start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright, "--hide-scrollbars")
                for shot in SHOTS:
                    if wanted and shot.name not in wanted:
                        continue
                    path = shoot(browser, server, shot, out)
                    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    print(f"wrote {shown}")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
