"""How a thread page reconnects, in headless Chromium: a stream that fails is closed and opened
again after 1 s, 2 s, 4 s, 8 s (each ±30%), from the last event seen; after five failures in
a row the page polls the thread's events instead. The stream here is a stand-in that fails at
once, and the page's timers are sped up, so the test reads the delays the page asked for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A stand-in EventSource that fails as soon as it is opened. The delays the page asks for while
# it handles a failure (its reconnections) are written down and run at once; so is the first
# delay of its polling, which it asks for later.
FAILING_STREAM = """
window.opened = [];
window.delays = [];
var failing = false;
window.EventSource = function (url) {
    window.opened.push(url);
    var self = this;
    this.close = function () { self.closed = true; };
    this.addEventListener = function () {};
    window.setTimeout(function () {
        failing = true;
        try { if (self.onerror) { self.onerror(new Event('error')); } } finally { failing = false; }
    }, 0);
};
var setTimeoutOfPage = window.setTimeout;
window.setTimeout = function (callback, delay) {
    if (failing) { window.delays.push(delay); delay = 10; }
    else if (delay === 5000 && window.opened.length === 5) { window.polling = delay; }
    return setTimeoutOfPage(callback, delay);
};
"""


def test_a_failing_stream_backs_off_then_the_page_polls(page, thread, post_as):
    said = post_as(thread, "Ana", "The crossing opens at noon.")
    thread.refresh_from_db()
    version = thread.version
    polled: list[str] = []
    page.on("request", lambda r: "/events/" in r.url and polled.append(r.url))
    page.add_init_script(FAILING_STREAM)
    page.goto("/posts/lastovo/")
    expect(page.locator(f"#c{said.pk}")).to_have_count(1)
    page.wait_for_function("() => window.opened.length === 5")
    opened = page.evaluate("window.opened")
    assert opened == [f"/live/threads/{thread.pk}/?last_event_id={version}"] * 5
    # The fifth failure gives up on the stream: the page asks for the events it has not seen,
    # then again after 5 s.
    page.wait_for_function("() => window.polling === 5000")
    delays = page.evaluate("window.delays")
    assert len(delays) == 4, delays
    for delay, base in zip(delays, (1000, 2000, 4000, 8000), strict=True):
        assert base * 0.7 <= delay <= base * 1.3, delays
    assert polled, "the page never polled its thread's events"
    assert polled[0].endswith(f"/threads/{thread.pk}/events/?after={version}")
    page.wait_for_timeout(300)
    assert page.evaluate("window.opened.length") == 5  # and opens no more streams
