"""The one place API request bodies are read: UTF-8 JSON holding one object, all of it text.

ninja hands every body through `BodyParser.parse_body`; what it refuses becomes the cause of
ninja's "Cannot parse request body", which `on_http_error` (urls.py) answers with the
refusal's own sentence. An empty body never reaches the parser: ninja reports the whole
payload missing, which `_describe` words.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from parley.lib.errors import Invalid


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, bool):
        return _("true or false")
    if value is None:
        return _("null")
    return _("a number")


def _lone_surrogate(value: Any, field: str | None = None) -> tuple[str, str | None] | None:
    """The first text in `value` holding half of a UTF-16 surrogate pair, and its field."""
    if isinstance(value, str):
        for char in value:
            if "\ud800" <= char <= "\udfff":
                return f"\\u{ord(char):04x}", field
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _lone_surrogate(key, field) or _lone_surrogate(item, field or key)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            if found := _lone_surrogate(item, field):
                return found
    return None


class BodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(
                _("The request body is not UTF-8 text: send JSON encoded as UTF-8."),
                code="invalid_request",
            ) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # also a number too long to read, nesting too deep
            raise Invalid(
                _("The request body is not valid JSON."), code="invalid_request"
            ) from None
        if not isinstance(data, dict):
            raise Invalid(
                _('The request body must be a JSON object, such as {"body": "…"}, not %(kind)s.')
                % {"kind": _kind(data)},
                code="invalid_request",
            )
        if found := _lone_surrogate(data):
            escape, field = found
            raise Invalid(
                _(
                    "The text holds %(escape)s, half of a UTF-16 surrogate pair, which is not a "
                    "character: send the character itself, or both halves of the pair."
                )
                % {"escape": escape},
                field=field,
                code="invalid_request",
            )
        return data
