"""Pages for requests Django refuses before any view runs (config/urls.py names them)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, with what was wrong in words: a form too large, or with too many fields."""
    if isinstance(exception, RequestDataTooBig):
        message = _(
            "The form you sent is larger than %(kb)s KB, the most the site accepts. "
            "Send less at once."
        ) % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
    elif isinstance(exception, TooManyFieldsSent):
        message = _(
            "The form you sent has more than %(n)s fields, the most the site accepts. "
            "Select fewer items at once."
        ) % {"n": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"}
    else:
        message = _("The request could not be understood. Reload the page and try again.")
    return render(
        request,
        "parley/error.html",
        {"title": _("Nothing was changed"), "message": message},
        status=400,
    )
