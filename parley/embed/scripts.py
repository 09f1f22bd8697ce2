"""/embed.js and /count.js at the root of Parley's origin: the built widget
(parley/embed/widget/, `make widget`), for any site's page to load.

Gzipped (made once per build, level 9) for a browser that takes it: the widget's weight
budget is its gzipped size, and a laptop install has no proxy to compress it."""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

BUILT = Path(__file__).resolve().parent / "static" / "parley"
MAX_AGE = 300  # seconds: a new release reaches readers within five minutes


_TAKES_GZIP = re.compile(r"(?:^|,)\s*gzip\s*(?:,|;(?!\s*q=0(?:\.0*)?\s*(?:,|$))|$)")


@lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int) -> tuple[bytes, bytes, str]:
    """The file, its gzipped form, and the file's ETag."""
    body = path.read_bytes()
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return body, packed, hashlib.sha256(body).hexdigest()[:32]


def _script(request: HttpRequest, name: str) -> HttpResponse:
    path = BUILT / name
    body, packed, digest = _read(path, path.stat().st_mtime_ns)
    zipped = bool(_TAKES_GZIP.search(request.headers.get("Accept-Encoding", "").lower()))
    etag = f'"{digest}-gz"' if zipped else f'"{digest}"'  # each form its own, as RFC 9110 asks
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(packed if zipped else body)
        response["Content-Type"] = "text/javascript; charset=utf-8"
        if zipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # Any page may load it; it sends no cookie and reads nothing of the page's origin.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    """The comment widget: <div data-parley-thread></div> and this script."""
    return _script(request, "embed.js")


@require_safe
def count_js(request: HttpRequest) -> HttpResponse:
    """Comment counts for the [data-parley-count] elements of a page."""
    return _script(request, "count.js")


urlpatterns = [
    path("embed.js", embed_js, name="embed-js"),
    path("count.js", count_js, name="count-js"),
]
