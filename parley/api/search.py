"""GET /api/v1/search: the site's search, as the search page has it."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from parley.api.schemas import ErrorOut
from parley.search import searching

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field(
        "",
        description='Words and "quoted phrases" (at most 500 characters, 32 terms); '
        "case and accents are ignored (zeljko finds Željko).",
    )
    author: str = Field(
        "", description="Only what this author (a name, case and accents ignored) wrote."
    )
    language: str = Field(
        "", description="Only text in this language (originals and translations), e.g. pt."
    )
    since: str = Field("", description="Only what was written on or after this day (YYYY-MM-DD).")
    until: str = Field("", description="Only what was written on or before this day (YYYY-MM-DD).")
    post: str = Field("", description="Only this post (its slug).")
    limit: int = Field(
        20, ge=1, le=searching.MAX_RESULTS, description="The most matches to answer."
    )
    page: int = Field(
        1,
        ge=1,
        le=searching.MAX_PAGES,
        description="Which `limit` matches: page 2 is the next ones after the first `limit`.",
    )


class MatchOut(Schema):
    kind: str = Field(description="comment, post or document.")
    id: int = Field(description="The comment's, post's or document's id.")
    url: str = Field(description="The comment's permalink, or the document passage's anchor.")
    author: str
    language: str
    is_original: bool = Field(description="False when the text matched is a stored translation.")
    created_at: datetime
    title: str
    excerpt_html: str = Field(description="Escaped text with the matching words in <mark>.")


class ThreadMatchesOut(Schema):
    thread_id: int
    post_title: str
    post_url: str
    matches: list[MatchOut]


class SearchOut(Schema):
    query: str
    count: int = Field(description="The matches in this answer.")
    page: int
    has_more: bool = Field(description="True when the next page has matches.")
    message: str = Field(
        description="Why nothing is listed (an empty query, no match), else empty."
    )
    threads: list[ThreadMatchesOut]


@router.get("/search", response={200: SearchOut, 400: ErrorOut})
def search(request: HttpRequest, params: Query[SearchParams]):
    """Comments, post titles and introductions, and document passages that readers may see,
    matching every word and phrase in the original or a stored translation; grouped by thread."""
    filters = searching.filters_from(
        author=params.author,
        language=params.language,
        since=params.since,
        until=params.until,
        post=params.post,
    )
    results = searching.search(params.q, filters, limit=params.limit, page=params.page)
    return {
        "query": results.query.text,
        "count": results.count,
        "page": results.page,
        "has_more": results.has_more,
        "message": results.message,
        "threads": [
            {
                "thread_id": group.thread_id,
                "post_title": group.post_title,
                "post_url": request.build_absolute_uri(group.post_url),
                "matches": [
                    {
                        "kind": m.source,
                        "id": m.object_id,
                        "url": request.build_absolute_uri(m.url),
                        "author": m.author,
                        "language": m.language,
                        "is_original": m.is_original,
                        "created_at": m.created_at,
                        "title": m.title,
                        "excerpt_html": str(m.excerpt),
                    }
                    for m in group.matches
                ],
            }
            for group in results.groups
        ],
    }
