"""Translation by a LibreTranslate server (https://libretranslate.com), over its HTTP API.

The server is reached at PARLEY_LIBRETRANSLATE_URL, with PARLEY_LIBRETRANSLATE_API_KEY when
the server asks for one. Two endpoints are used:

    GET  /languages   [{"code": "en", "name": "English", "targets": ["pt", ...]}, ...]
    POST /translate   {"q": [...], "source": "pt", "target": "en", "format": "text"}
                      -> {"translatedText": [...]}

Errors come back as {"error": "message"}. A server that cannot be reached, is too slow,
asks to slow down (429) or fails (5xx) raises EngineUnavailable, so the work is tried again
later; a refused request (400, 403) or an answer that makes no sense raises EngineError
that is not retried.

Which pairs the server offers is learned by `refresh()` (a background task) and kept in
Django's cache for an hour, so that `pairs()` answers pages without waiting on the network.
The server is the model as far as Parley knows: the model version names the server.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from parley.language.providers.base import EngineError, EngineUnavailable, Problem, Provider

logger = logging.getLogger(__name__)

#: How long the pairs learned from the server are trusted, in seconds.
PAIRS_TTL = 60 * 60
PAIRS_REREAD_SECONDS = 10

_HINT = (
    "Set PARLEY_LIBRETRANSLATE_URL to the address of a LibreTranslate server, "
    "e.g. http://localhost:5000."
)

# Status codes that mean "not now" rather than "never".
_RETRYABLE = {408, 425, 429}


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks only http and https and does not follow redirects.

    A redirect would turn the POST into a GET; it is reported with where it points instead.
    Proxies named in the environment (http_proxy, https_proxy, no_proxy) are honoured.
    """
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _reason(exc: BaseException) -> str:
    """An OS or network error in words: "connection refused", "name or service not known"."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    text = text or type(exc).__name__
    return text[:1].lower() + text[1:]


class LibreTranslateProvider(Provider):
    name = "libretranslate"
    label = "LibreTranslate"

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
    ) -> None:
        configured = settings.PARLEY_LIBRETRANSLATE_URL if url is None else url
        self.url = configured.strip().rstrip("/")
        self.api_key = settings.PARLEY_LIBRETRANSLATE_API_KEY if api_key is None else api_key
        self.timeout = float(settings.PARLEY_LIBRETRANSLATE_TIMEOUT if timeout is None else timeout)
        self._pairs: frozenset[tuple[str, str]] = frozenset()
        self._read_at = 0.0
        self._opener = _opener()

    # -- configuration ------------------------------------------------------------------------

    def _where(self) -> str:
        """The server's address for messages, without any user name or password in it."""
        parts = urlsplit(self.url)
        host = parts.netloc.rpartition("@")[2]
        return parts._replace(netloc=host).geturl()

    def _url_problem(self) -> str:
        if not self.url:
            return "PARLEY_LIBRETRANSLATE_URL is not set, so LibreTranslate cannot be reached."
        try:
            parts = urlsplit(self.url)
            parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
        except ValueError:
            return f"PARLEY_LIBRETRANSLATE_URL ({self.url!r}) is not a valid address."
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return (
                f"PARLEY_LIBRETRANSLATE_URL ({self.url!r}) is not an http:// or https:// "
                "address of a LibreTranslate server."
            )
        return ""

    def check(self) -> list[Problem]:
        if problem := self._url_problem():
            return [Problem(problem, hint=_HINT)]
        return []

    def _cache_key(self) -> str:
        # Keys with spaces or over 250 characters are refused by some cache backends.
        if len(self.url) <= 180 and self.url.isprintable() and " " not in self.url:
            return f"parley:libretranslate:pairs:{self.url}"
        digest = hashlib.sha256(self.url.encode()).hexdigest()
        return f"parley:libretranslate:pairs:{digest}"

    # -- HTTP ---------------------------------------------------------------------------------

    def _timeout_text(self) -> str:
        seconds = f"{self.timeout:g}"
        return f"{seconds} second" if seconds == "1" else f"{seconds} seconds"

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The decoded JSON answer of one request; raises EngineError or EngineUnavailable."""
        if problem := self._url_problem():
            raise EngineError(problem, retry=False)
        where = self._where()
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        # The scheme was checked above (http or https only) and the opener has no other handlers.
        request = urllib.request.Request(  # noqa: S310  (scheme checked by _url_problem)
            self.url + path, data=data, headers=headers, method=method
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from exc
        except TimeoutError as exc:
            raise EngineUnavailable(
                f"The LibreTranslate server at {where} did not answer within "
                f"{self._timeout_text()}."
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise EngineUnavailable(
                    f"The LibreTranslate server at {where} did not answer within "
                    f"{self._timeout_text()}."
                ) from exc
            raise EngineUnavailable(
                f"The LibreTranslate server at {where} could not be reached: {_reason(exc)}."
            ) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise EngineUnavailable(
                f"The LibreTranslate server at {where} broke off its answer: {_reason(exc)}."
            ) from exc
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise EngineError(
                f"The LibreTranslate server at {where} answered {path} with something that "
                "is not JSON; is PARLEY_LIBRETRANSLATE_URL the address of a LibreTranslate "
                "server?",
                retry=False,
            ) from exc

    def _http_error(self, exc: urllib.error.HTTPError) -> EngineError:
        where = self._where()
        status = exc.code
        try:
            payload = exc.read()
        except (OSError, http.client.HTTPException):
            payload = b""
        finally:
            exc.close()
        text = ""
        try:
            decoded = json.loads(payload)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and isinstance(decoded.get("error"), str):
            text = decoded["error"]
        if not text:
            text = exc.reason if isinstance(exc.reason, str) and exc.reason else "no reason given"
        message = f"The LibreTranslate server at {where} answered {status}: {text}"
        if 300 <= status < 400:
            location = exc.headers.get("Location", "") if exc.headers else ""
            if location:
                message += f" (it points to {location}; set PARLEY_LIBRETRANSLATE_URL to that)"
        elif status == 403:
            message += " (check PARLEY_LIBRETRANSLATE_API_KEY)"
        message = message.rstrip(".") + "."
        if status >= 500 or status in _RETRYABLE:
            return EngineUnavailable(message)
        return EngineError(message, retry=False)

    # -- Provider -----------------------------------------------------------------------------

    def pairs_known(self) -> bool:
        return bool(self.pairs())

    def pairs(self) -> frozenset[tuple[str, str]]:
        # A page asks once per comment: read the shared cache at most every few seconds.
        if self._pairs and time.monotonic() - self._read_at < PAIRS_REREAD_SECONDS:
            return self._pairs
        self._read_at = time.monotonic()
        try:
            cached = cache.get(self._cache_key())
        except Exception:  # the cache being down must not break the page asking
            logger.warning("Could not read the LibreTranslate pairs from the cache.", exc_info=True)
            cached = None
        if cached is not None:
            self._pairs = frozenset((str(source), str(target)) for source, target in cached)
        return self._pairs

    def refresh(self) -> None:
        """Ask the server which pairs it offers; any failure of the server is EngineUnavailable.

        Only a URL that cannot work (check() names it) raises an EngineError not retried.
        """
        if problem := self._url_problem():
            raise EngineError(problem, retry=False)
        try:
            languages = self._request("GET", "/languages")
        except EngineUnavailable:
            raise
        except EngineError as exc:
            raise EngineUnavailable(exc.message) from exc
        malformed = EngineUnavailable(
            f"The LibreTranslate server at {self._where()} answered /languages with something "
            "other than a list of languages."
        )
        if not isinstance(languages, list):
            raise malformed
        found: set[tuple[str, str]] = set()
        for language in languages:
            if not isinstance(language, dict):
                raise malformed
            source, targets = language.get("code"), language.get("targets", [])
            if not isinstance(source, str) or not isinstance(targets, list):
                raise malformed
            found.update(
                (source, target)
                for target in targets
                if isinstance(target, str) and target and target != source
            )
        self._pairs = frozenset(found)
        cache.set(self._cache_key(), sorted(self._pairs), PAIRS_TTL)

    def model_version(self, source: str, target: str) -> str:
        parts = urlsplit(self.url)
        try:
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            port = None
        host = parts.hostname or self.url
        if ":" in host:
            host = f"[{host}]"
        return f"libretranslate@{host}:{port}" if port else f"libretranslate@{host}"

    def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        # Blank sentences stay as they are; the server is asked only for the others.
        wanted = [i for i, sentence in enumerate(sentences) if sentence.strip()]
        out = list(sentences)
        if not wanted:
            return out
        body: dict[str, Any] = {
            "q": [sentences[i] for i in wanted],
            "source": source,
            "target": target,
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        answer = self._request("POST", "/translate", body)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if (
            not isinstance(translated, list)
            or len(translated) != len(wanted)
            or not all(isinstance(text, str) for text in translated)
        ):
            error = answer.get("error") if isinstance(answer, dict) else None
            detail = f": {error}" if isinstance(error, str) and error else ""
            raise EngineError(
                f"The LibreTranslate server at {self._where()} answered /translate without "
                f"one translation for each of the {len(wanted)} sentences{detail}.",
                retry=False,
            )
        for i, text in zip(wanted, translated, strict=True):
            out[i] = text
        return out
