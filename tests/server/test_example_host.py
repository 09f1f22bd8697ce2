"""`parley serve --example-host PORT`: the example blog beside Parley, on another origin of
the same host, up while the server is and gone with it. Real processes on free ports."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, server_env, wait_for

pytestmark = [pytest.mark.server]


def _serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    log = tmp_path / "server.log"
    process = subprocess.Popen(  # noqa: S603  (this environment's own command)
        [str(Path(sys.executable).with_name("parley")), "serve", "--port", str(port)]
        + ["--workers", "1", "--no-tasks", *extra],
        # This checkout's code, wherever the environment's editable install points.
        env=server_env(tmp_path, {"PYTHONPATH": str(ROOT)}),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    return process, port, log


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_the_example_blog_is_served_beside_parley_and_stops_with_it(transactional_db, tmp_path):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    blog_port = free_port()
    process, port, log = _serve(tmp_path, "--example-host", str(blog_port))
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        wait_for(f"http://127.0.0.1:{blog_port}/")
        blog = f"http://127.0.0.1:{blog_port}"
        with urllib.request.urlopen(f"{blog}/", timeout=10) as response:  # noqa: S310  (loopback)
            index = response.read().decode()
        assert f'<script async src="http://127.0.0.1:{port}/count.js"></script>' in index
        article = f"{blog}/articles/harbour-ferry-timetable/"
        with urllib.request.urlopen(article, timeout=10) as response:  # noqa: S310  (loopback)
            html = response.read().decode()
            assert f"http://127.0.0.1:{port}" in response.headers["Content-Security-Policy"]
        assert f'<script async src="http://127.0.0.1:{port}/embed.js"></script>' in html
        assert f'<link rel="canonical" href="{article}">' in html
        text = log.read_text()
        assert f"The widget on another site: http://127.0.0.1:{blog_port}/" in text
        assert re.search(rf"Parley is running at http://127.0.0.1:{port}/", text)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=20)
    assert code == 0, log.read_text()[-3000:]
    assert _refused(blog_port) and _refused(port)


def test_without_the_option_no_example_blog_is_served(transactional_db, tmp_path):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    process, port, log = _serve(tmp_path)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        assert "The widget on another site" not in log.read_text()
        assert _refused(port + 1) or "ExampleBlog" not in _server_header(port + 1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def _server_header(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:  # noqa: S310
            return response.headers.get("Server", "")
    except OSError:
        return ""


def test_a_port_in_use_for_the_example_blog_is_said_before_anything_starts(
    transactional_db, tmp_path
):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        process, _port, log = _serve(tmp_path, "--example-host", str(busy))
        code = process.wait(timeout=60)
    assert code != 0
    text = log.read_text()
    assert f"Cannot serve the example blog on 127.0.0.1:{busy}" in text
    assert "choose another with --example-host" in text
    assert "Parley is running" not in text


@pytest.mark.browser
def test_the_widget_works_on_the_example_blog_as_make_run_serves_it(
    transactional_db, tmp_path, browser
):
    """The whole of `make run`'s example: the demo's site, `parley serve --example-host`, a
    member of the blog signed in by the blog's server, commenting under the blog's name for
    them, and the index counting the comments."""
    from django.core.management import call_command
    from playwright.sync_api import expect

    from parley.demo import host_site
    from parley.demo.loader import load_example_blog
    from parley.discussion.models import Comment

    call_command("collectstatic", interactive=False, verbosity=0)
    blog_port = free_port()
    load_example_blog(host_site.origins("127.0.0.1", blog_port))
    process, port, log = _serve(tmp_path, "--example-host", str(blog_port))
    blog = f"http://127.0.0.1:{blog_port}"
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        page.goto(f"{blog}/members/lighthouse-reopens/")
        widget = page.locator("[data-parley-thread]")
        widget.scroll_into_view_if_needed()
        expect(widget).to_have_attribute("data-parley-state", "ready", timeout=20_000)
        expect(page.get_by_text("Commenting as Beatriz Lopes")).to_be_visible()
        widget.locator("textarea[name=body]").fill("Is the lantern room open to visitors too?")
        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_text("Is the lantern room open to visitors too?")).to_be_visible()

        page.goto(f"{blog}/")
        expect(
            page.locator('a[href="/articles/harbour-ferry-timetable/#parley-thread"]')
        ).to_have_text("5 comments")
        expect(page.locator('a[href="/articles/lighthouse-reopens/#parley-thread"]')).to_have_text(
            "1 comment"
        )
        expect(page.locator('a[href="/articles/feira-do-livro/#parley-thread"]')).to_have_text(
            "0 comments"
        )
    finally:
        context.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    comment = Comment.objects.get(body__startswith="Is the lantern room")
    assert comment.thread.post.embedded_page.identifier == "example-blog-lighthouse-reopens"
    assert "Beatriz Lopes" in (comment.author_name, getattr(comment.author, "display_name", ""))
    assert errors == [], errors
