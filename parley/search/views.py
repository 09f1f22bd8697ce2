"""The site's search page (and each post's search box, which sends its post's slug)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
        page = searching.page_number(request.GET.get("page"))
        results = searching.search(asked["q"], filters, limit=searching.MAX_RESULTS, page=page)
    except ActionError as exc:
        error, status = exc.message, exc.status
    kept = {k: v for k, v in asked.items() if v}
    context = {
        "asked": asked,
        "previous_page": _page_url(kept, results.page - 1) if results and results.page > 1 else "",
        "next_page": _page_url(kept, results.page + 1) if results and results.has_more else "",
        "results": results,
        "error": error,
        "max_chars": query.MAX_CHARS,
    }
    return render(request, "parley/search.html", context, status=status)


def _page_url(asked: dict[str, str], page: int) -> str:
    params = dict(asked, page=str(page)) if page > 1 else asked
    return f"{reverse('search')}?{urlencode(params)}"
