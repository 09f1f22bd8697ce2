"""The language a reader reads in: their account's setting, else the one they picked on a
page (a cookie), else the first language their browser asks for that the site offers, else
the site's own language.

The interface itself stays in English; this language decides what comments, documents and
posts are translated into.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from parley.lib import languages

COOKIE = "parley_lang"
COOKIE_AGE = 365 * 24 * 3600


def offered() -> list[str]:
    return [languages.canonical(code) for code in settings.PARLEY_READER_LANGUAGES]


def choices() -> list[tuple[str, str]]:
    """(code, "Português (Portuguese)") for the picker, in the configured order."""
    from django.conf.locale import LANG_INFO

    out = []
    for code in offered():
        english = languages.name(code)
        local = LANG_INFO.get(code, {}).get("name_local") or languages.local_name(code)
        out.append((code, local if local == english else f"{local} ({english})"))
    return out


def from_accept_language(header: str) -> str:
    available = set(offered())
    for tag, _quality in parse_accept_lang_header(header[:500]):
        code = languages.canonical(tag)
        if code in available:
            return code
    return ""


def language_for(request) -> str:
    available = set(offered())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in available:
        return user.language
    picked = languages.canonical(request.COOKIES.get(COOKIE, ""))
    if picked in available:
        return picked
    found = from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return found or languages.canonical(settings.LANGUAGE_CODE)


class ReaderLanguageMiddleware:
    """Sets request.reader_language, and says that pages vary with what decides it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reader_language = language_for(request)
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
