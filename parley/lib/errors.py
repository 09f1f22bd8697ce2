"""Errors that actions raise and views turn into 4xx answers with the same message.

The message is written for the person who sent the request: it says what is
wrong and, where it can, what to do instead.
"""

from __future__ import annotations


class ActionError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"error": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out


class Invalid(ActionError):
    status = 400


class Forbidden(ActionError):
    status = 403
    code = "forbidden"


class NotFound(ActionError):
    status = 404
    code = "not_found"


class UnsupportedMediaType(ActionError):
    status = 415
    code = "unsupported_media_type"


class Conflict(ActionError):
    status = 409
    code = "conflict"


class TooManyRequests(ActionError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "retry_after": self.retry_after}
