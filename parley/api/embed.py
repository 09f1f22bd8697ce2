"""/api/v1/embed/…: what the widget on another site's page asks for (decision 0023).

Every answer carries the CORS headers for the sites' origins (parley.embed.cors); each
route takes the requesting site from the Origin header and answers 403 without one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import ConfigDict, Field

from parley.api.schemas import ErrorOut
from parley.embed import actions, cors, sites
from parley.embed.addresses import MAX_URL_LENGTH
from parley.embed.models import MAX_IDENTIFIER_LENGTH, MAX_TITLE_LENGTH, EmbeddedPage
from parley.lib.clients import client_key
from parley.lib.errors import NotFound, UnsupportedMediaType

router = Router(tags=["embed"])

URL_HELP = f"The page's address (http or https, at most {MAX_URL_LENGTH:,} characters)."


class ThreadParams(Schema):
    url: str = Field(description=URL_HELP)
    id: str = Field("", description="The page's data-parley-id, when its snippet gives one.")


class ThreadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(description=URL_HELP + " Its host must be the Origin's.")
    title: str = Field("", description=f"The page's title; cut to {MAX_TITLE_LENGTH} characters.")
    id: str = Field(
        "",
        description=f"The page's data-parley-id (at most {MAX_IDENTIFIER_LENGTH} characters).",
    )


class ThreadOut(Schema):
    thread_id: int
    post_slug: str
    title: str
    comment_count: int = Field(description="Published comments.")
    is_open: bool = Field(description="Whether the thread takes new comments.")
    url: str = Field(description="The page's address as first seen.")


class CountsParams(Schema):
    url: list[str] = Field(
        description=f"A page's address; repeat it, at most {actions.MAX_COUNTED_URLS} times."
    )


class CountsOut(Schema):
    counts: dict[str, int] = Field(
        description="Each address as asked, with its published comment count (0 when the "
        "page has no thread yet)."
    )


def _out(page: EmbeddedPage) -> dict:
    thread = page.post.thread
    return {
        "thread_id": thread.pk,
        "post_slug": page.post.slug,
        "title": page.title,
        "comment_count": thread.comment_count,
        "is_open": thread.is_open,
        "url": page.url,
    }


@router.get(
    "/embed/thread",
    response={200: ThreadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
@decorate_view(cors.for_sites)
def get_thread(request: HttpRequest, params: Query[ThreadParams]):
    """The thread of a page of the requesting site; 404 until the page has one."""
    site = sites.require(request)
    page = actions.find_page(site, url=params.url, identifier=params.id)
    if page is None:
        raise NotFound(
            _("This page has no thread yet: it is made with the page's first comment."),
            code="no_thread",
        )
    return _out(page)


@router.post(
    "/embed/thread",
    response={
        200: ThreadOut,
        201: ThreadOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        429: ErrorOut,
    },
)
@decorate_view(cors.for_sites)
def open_thread(request: HttpRequest, payload: ThreadIn):
    """The page's thread, made with its post on the first call (201), else the one made
    before (200). Only for a page on the Origin's own host; 429 past
    actions.NEW_PAGE_RATE new threads per client."""
    site = sites.require(request)
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            _("Send the request body as JSON, with Content-Type: application/json.")
        )
    origin = sites.origin_of(request)
    assert origin is not None  # a site was found for it
    page, made = actions.open_page(
        site,
        origin=origin,
        client=client_key(request),
        url=payload.url,
        title=payload.title,
        identifier=payload.id,
    )
    return Status(201 if made else 200, _out(page))


@router.get("/embed/counts", response={200: CountsOut, 400: ErrorOut, 403: ErrorOut})
@decorate_view(cors.for_sites)
def get_counts(request: HttpRequest, params: Query[CountsParams]):
    """The comment counts of many pages of the requesting site at once (a list of posts)."""
    site = sites.require(request)
    return {"counts": actions.counts(site, params.url)}


@router.api_operation(["OPTIONS"], "/embed/thread", include_in_schema=False)
@decorate_view(cors.for_sites)
def thread_preflight(request: HttpRequest):
    sites.require(request)
    return cors.preflight_answer()


@router.api_operation(["OPTIONS"], "/embed/counts", include_in_schema=False)
@decorate_view(cors.for_sites)
def counts_preflight(request: HttpRequest) -> HttpResponse:
    sites.require(request)
    return cors.preflight_answer()
