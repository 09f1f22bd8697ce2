"""The site's search page (and each post's search box, which sends its post's slug)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from parley.lib.errors import ActionError
from parley.search import query, searching

FIELDS = ("q", "author", "language", "since", "until", "post")


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    asked = {name: request.GET.get(name, "") for name in FIELDS}
    results, error, status = None, "", 200
    try:
        filters = searching.filters_from(**{k: v for k, v in asked.items() if k != "q"})
        results = searching.search(asked["q"], filters)
    except ActionError as exc:
        error, status = exc.message, exc.status
    context = {
        "asked": asked,
        "results": results,
        "error": error,
        "max_chars": query.MAX_CHARS,
    }
    return render(request, "parley/search.html", context, status=status)
