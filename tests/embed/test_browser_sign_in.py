"""The sign-in popup in Chromium: opened from another site's page, it logs in on Parley and
hands the reader token back to that page alone."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from parley.embed.models import ReaderToken, Site
from tests.embed.test_browser_cors import blog_page  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """() => { window.signedIn = new Promise((resolve) => addEventListener('message',
    (event) => resolve({origin: event.origin, data: event.data}))); }"""


def test_the_popup_logs_in_and_posts_the_token_to_its_opener(blog_page, rosa):  # noqa: F811
    page, origin, parley = blog_page
    Site.objects.create(name="The blog", allowed_origins=origin)
    page.evaluate(LISTEN)
    with page.expect_popup() as opened:
        page.evaluate(
            "url => { window.open(url, 'parley-sign-in', 'width=480,height=640'); }",
            f"{parley}/embed/sign-in/?origin={quote(origin, safe='')}",
        )
    popup = opened.value
    popup.get_by_role("link", name="Log in").click()
    popup.fill("input[name=username]", "rosa")
    popup.fill("input[name=password]", "rosa-pass-1234")
    popup.locator("form:has(input[name=password]) button[type=submit]").click()
    popup.get_by_text("Comment on The blog as Rosa Lima").wait_for()
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Allow").click()
    message = page.evaluate("() => window.signedIn")
    assert message["origin"] == parley
    data = message["data"]
    assert data["type"] == "parley:signed-in" and data["name"] == "Rosa Lima"
    assert data["expires_at"].startswith("20")
    assert ReaderToken.objects.get().account == rosa
    from parley.embed import tokens

    assert tokens.find(data["token"]) is not None
