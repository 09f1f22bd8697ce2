"""Reading served HTML as a browser would, with Python's html.parser, to find what could run.

`scan(html)` parses a page and lists every way it could execute script or leave the site:
script elements other than the site's own files, event-handler attributes, script-bearing
URLs, and the elements that change where a page loads from or submits to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

OWN_LINKS = {"stylesheet", "icon"}  # the site's own CSS and favicon, from /static/

# The site's own scripts: static files, and the admin's translation catalogue.
OWN_SCRIPT = re.compile(r"^/(static/[\w./-]+\.js|admin/jsi18n/)$")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
    "ping",
    "cite",
    "longdesc",
    "codebase",
    "manifest",
}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):")
# Whitespace and control characters browsers ignore inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal"}
# Allowed on pages (the admin draws its icons with inline SVG), never in a comment body.
NOT_IN_BODIES = {"svg", "math", "img", "form", "input", "button", "textarea", "select", "details"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
EVENT_HANDLER = re.compile(r"[\s/\"']on\w+\s*=", re.IGNORECASE)
_QUOTED_VALUE = re.compile(r"\"[^\"]*\"|'[^']*'")


def dangerous_url(value: str) -> bool:
    return bool(BAD_SCHEME.match(_IGNORED_IN_SCHEME.sub("", value).lower()))


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.elements: list[Element] = []
        self.text: list[str] = []
        self._open: list[Element] = []

    # -- parsing --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self._check(element, self.get_starttag_text() or "")
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self._check(element, self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for element in self._open:
            element.text += data
        if self._open and self._open[-1].tag == "script" and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")

    # -- rules --

    def _check(self, element: Element, raw: str) -> None:
        tag, attrs = element.tag, element.attrs
        if tag == "script":
            if not OWN_SCRIPT.match(attrs.get("src", "")):
                self.problems.append(f"script element that is not the site's own: {raw[:120]!r}")
        if tag in NEVER:
            self.problems.append(f"<{tag}> element: {raw[:120]!r}")
        if tag == "meta" and "http-equiv" in attrs:
            self.problems.append(f"<meta http-equiv>: {raw[:120]!r}")
        if tag == "link" and not (
            attrs.get("href", "").startswith("/static/") and attrs.get("rel") in OWN_LINKS
        ):
            self.problems.append(f"<link> that is not the site's stylesheet: {raw[:120]!r}")
        if tag == "form" and not _same_site(attrs.get("action", "")):
            self.problems.append(f"form posting elsewhere: {raw[:120]!r}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}=: {raw[:120]!r}")
            if name == "style":
                self.problems.append(f"style attribute: {raw[:120]!r}")
            if name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"script URL in {name}: {raw[:120]!r}")
            if name == "srcdoc":
                self.problems.append(f"srcdoc attribute: {raw[:120]!r}")
        if EVENT_HANDLER.search(_QUOTED_VALUE.sub('""', raw)):
            self.problems.append(f"on...= inside a tag: {raw[:120]!r}")

    # -- queries --

    def with_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs.get("class", "").split()]

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _same_site(action: str) -> bool:
    return action == "" or (action.startswith("/") and not action.startswith("//"))


def scan(html: str | bytes) -> Page:
    if isinstance(html, bytes):
        html = html.decode()
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_safe(html: str | bytes, where: str) -> Page:
    page = scan(html)
    assert not page.problems, f"{where}: " + "\n".join(page.problems)
    return page


def assert_safe_fragment(html: str, where: str) -> Page:
    """A comment body: no script element at all, and nothing else that could run."""
    page = assert_safe(html, where)
    found = sorted({e.tag for e in page.elements if e.tag in NOT_IN_BODIES | {"script"}})
    assert not found, f"{where}: a body holds {found}"
    return page
