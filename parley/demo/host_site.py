"""The example host site: a small blog on another origin whose pages embed Parley's widget.

`parley serve --example-host PORT` (what `make run` does) serves it beside Parley, in a
thread of the server process, so that a newcomer sees the widget on a page that is not
Parley's: the index lists the articles with their comment counts (count.js), each article
shows its discussion (embed.js), and `/members/<slug>/` is the same article as a member
signed in on the blog, whose identity the blog's server signs for Parley (single sign-on).

The pages are what a blog would send: real HTML, a stylesheet, no inline script and a
Content-Security-Policy of their own that lets Parley's scripts and API in. Their content
is in data/example_blog.json; `parley load_demo` makes the Site whose origins are this
site's and whose single sign-on secret the member pages sign with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET6
from urllib.parse import parse_qs, urlsplit

from django.db import close_old_connections, connections
from django.template.loader import render_to_string
from django.utils import translation

from parley.embed.models import Site

log = logging.getLogger("parley.demo.host_site")

DATA = Path(__file__).with_name("data") / "example_blog.json"
FILES = Path(__file__).with_name("templates") / "demo" / "host"
# The site's own files besides its pages: path, file, type.
ASSETS = {
    "/host.css": ("host.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
# A signed identity is good for this long: enough for a reader to load the page and write.
SSO_LIFETIME = 10 * 60
THEMES = ("light", "dark")
_ARTICLE = re.compile(r"^/(articles|members)/([a-z0-9-]+)/$")


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    language: str
    published: str
    author: str
    summary: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/articles/{self.slug}/"

    @property
    def identifier(self) -> str:
        """Its data-parley-id: the same thread whichever of the site's addresses shows it."""
        return f"example-blog-{self.slug}"


@cache
def content() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def site_name() -> str:
    return content()["site"]["name"]


def articles() -> list[Article]:
    return [
        Article(**{**item, "paragraphs": tuple(item["paragraphs"])})
        for item in content()["articles"]
    ]


def article(slug: str) -> Article | None:
    return next((a for a in articles() if a.slug == slug), None)


def origins(host: str, port: int) -> list[str]:
    """The example host's origins: its address, and the same port on the other loopback
    name (a reader may open either)."""
    names = [host]
    for loopback in ("127.0.0.1", "localhost"):
        if host in ("127.0.0.1", "localhost") and loopback not in names:
            names.append(loopback)
    return [f"http://{_bracketed(name)}:{port}" for name in names]


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_sso(secret: str, claims: dict) -> str:
    """The single sign-on payload Parley takes: base64url(JSON) "." hex HMAC-SHA256 of the
    base64url part under the site's secret."""
    encoded = _b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    signature = hmac.new(secret.encode(), encoded.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{encoded}.{signature}"


def member_payload(secret: str, now: float | None = None) -> str:
    """The demo member's identity, signed afresh: a new nonce and ten minutes to live."""
    member = content()["member"]
    moment = int(time.time() if now is None else now)
    claims = {
        "id": member["id"],
        "name": member["name"],
        "email": member["email"],
        "exp": moment + SSO_LIFETIME,
        "nonce": secrets.token_urlsafe(16),
    }
    return sign_sso(secret, claims)


def example_site() -> Site | None:
    """The Site that `parley load_demo` made for this blog."""
    return Site.objects.filter(name=site_name()).order_by("id").first()


class HostSite:
    """The example blog on its own address, served by a thread until stop()."""

    def __init__(self, host: str, port: int, parley_url: str, public_host: str = "") -> None:
        """Listens on host:port (port 0: a free one) at once; `public_host` is the name a
        browser reaches it by, when `host` is an any-address such as 0.0.0.0."""
        self.parley_url = parley_url.rstrip("/")
        handler = type("Handler", (_Handler,), {"site": self})
        if ":" in host:
            server_class = type("Server6", (ThreadingHTTPServer,), {"address_family": AF_INET6})
        else:
            server_class = ThreadingHTTPServer
        self.server = server_class((host, port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.origins = origins(public_host or host, self.port)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.origins[0]}/"

    def start(self) -> HostSite:
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="example host", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.thread is not None:  # shutdown() waits for a serve_forever() that runs
            self.server.shutdown()
            self.thread.join(timeout=5)
        self.server.server_close()

    def origin_for(self, host_header: str) -> str:
        """The origin the reader asked for (one of this site's), else its first."""
        asked = f"http://{host_header.strip().lower()}"
        return asked if asked in self.origins else self.origins[0]

    def policy(self) -> str:
        """The pages' Content-Security-Policy: their own files, and Parley's scripts and API.
        No inline style either: the widget styles its shadow root with a constructed sheet,
        which the policy does not govern, and adds nothing to the page's document."""
        parley = self.parley_url
        return "; ".join(
            [
                "default-src 'self'",
                f"script-src 'self' {parley}",
                f"connect-src 'self' {parley}",
                "style-src 'self'",
                f"img-src 'self' data: {parley}",
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
            ]
        )


class _Handler(BaseHTTPRequestHandler):
    site: HostSite
    server_version = "ExampleBlog"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002  (the base class's name)
        pass

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def _answer(self, *, with_body: bool) -> None:
        try:
            status, content_type, body = self._page()
        except Exception:
            log.exception("The example blog failed to answer %s", self.path)
            status, content_type = HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8"
            body = b"The example blog failed to answer; the server's log says why.\n"
        finally:
            # Each request runs in a thread of its own: its database connection ends with it.
            close_old_connections()
            connections.close_all()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", self.site.policy())
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _page(self) -> tuple[int, str, bytes]:
        address = urlsplit(self.path)
        query = parse_qs(address.query)
        theme = (query.get("theme") or [""])[0]
        theme = theme if theme in THEMES else ""
        html = "text/html; charset=utf-8"
        with translation.override("en"):
            if address.path in ASSETS:
                name, content_type = ASSETS[address.path]
                return HTTPStatus.OK, content_type, (FILES / name).read_bytes()
            if address.path == "/":
                return HTTPStatus.OK, html, self._render("index.html", theme=theme)
            match = _ARTICLE.match(address.path)
            found = article(match[2]) if match else None
            if match is None or found is None:
                return HTTPStatus.NOT_FOUND, html, self._render("missing.html", theme=theme)
            return HTTPStatus.OK, html, self._article(found, theme, member=match[1] == "members")

    def _article(self, found: Article, theme: str, *, member: bool) -> bytes:
        sso = ""
        missing_site = False
        if member:
            site = example_site()
            if site is None:
                missing_site = True
            else:
                sso = member_payload(site.sso_secret)
        return self._render(
            "article.html",
            theme=theme,
            article=found,
            member=content()["member"] if member else None,
            sso=sso,
            missing_site=missing_site,
            path=f"/members/{found.slug}/" if member else found.path,
        )

    def _render(self, template: str, **context) -> bytes:
        origin = self.site.origin_for(self.headers.get("Host", ""))
        context.setdefault("path", urlsplit(self.path).path)
        return render_to_string(
            f"demo/host/{template}",
            {
                "site_name": site_name(),
                "tagline": content()["site"]["tagline"],
                "articles": articles(),
                "origin": origin,
                "parley": self.site.parley_url,
                **context,
            },
        ).encode()
