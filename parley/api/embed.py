"""/api/v1/embed/…: what the widget on another site's page asks for (decisions 0023, 0024).

Every answer carries the CORS headers for the sites' origins (the embed middleware adds them
and answers preflights); each route takes the requesting site from the Origin header and
answers 403 without one.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from parley.api import views
from parley.api.schemas import CommentPageOut, ErrorOut, Sort
from parley.discussion import access
from parley.embed import actions, sites, sso, tokens
from parley.embed.addresses import MAX_URL_LENGTH
from parley.embed.middleware import own_origin, token_refused
from parley.embed.models import MAX_IDENTIFIER_LENGTH, MAX_TITLE_LENGTH, EmbeddedPage
from parley.language import reader
from parley.lib.clients import client_key
from parley.lib.errors import UnsupportedMediaType

FIRST_PAGE = 50  # comments in the thread's answer; the widget loads more from `next`

router = Router(tags=["embed"])

URL_HELP = f"The page's address (http or https, at most {MAX_URL_LENGTH:,} characters)."


class ThreadParams(Schema):
    url: str = Field(description=URL_HELP)
    id: str = Field("", description="The page's data-parley-id, when its snippet gives one.")
    lang: str = Field(
        "", max_length=8, description="Add each comment's translation into this language."
    )
    sort: Sort = "oldest"


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


class SiteOut(Schema):
    name: str
    language: str


class LanguageOut(Schema):
    code: str
    name: str


class ReasonOut(Schema):
    value: str
    label: str


class ViewerOut(Schema):
    name: str
    kind: Literal["account", "sso"] = Field(
        description="account: a Parley account; sso: a reader the site signed in."
    )


class LiveOut(Schema):
    stream: str = Field(description="The thread's server-sent events (an EventSource's URL).")
    poll: str = Field(description="The polling fallback: GET it with ?after=<last event id>.")
    after: int = Field(
        description="The thread's version when the comments were read: the last event id "
        "the widget has."
    )


class EmbedThreadOut(Schema):
    site: SiteOut
    thread: ThreadOut | None = Field(description="Null until the page's first comment.")
    comments: CommentPageOut | None = Field(
        description=f"The first {FIRST_PAGE} comments, as GET /threads/{{id}}/comments answers."
    )
    languages: list[LanguageOut] = Field(description="What comments may be translated into.")
    edit_window: int = Field(description="Seconds an author may edit a comment.")
    flag_reasons: list[ReasonOut]
    viewer: ViewerOut | None = Field(description="Who the bearer token signs in; else null.")
    sign_in_url: str = Field(description="The sign-in popup's address, for this origin.")
    live: LiveOut | None = Field(
        description="Where to follow the thread's changes; null until the page's first comment."
    )


class SsoIn(Schema):
    model_config = ConfigDict(extra="forbid")

    payload: str = Field(
        description="<base64url(JSON)>.<hex HMAC-SHA256(site secret, the base64url part)>."
    )


class SsoOut(Schema):
    token: str = Field(description="Send it as Authorization: Bearer <token>.")
    expires_at: datetime
    viewer: ViewerOut


class CountsParams(Schema):
    url: list[str] = Field(
        [],
        description="A page's address; repeat it. At most "
        f"{actions.MAX_COUNTED_URLS} addresses and ids together.",
    )
    id: list[str] = Field(
        [],
        description="A page's data-parley-id, for pages known by one; repeat it.",
    )


class CountsOut(Schema):
    counts: dict[str, int] = Field(
        description="Each address as asked, with its published comment count (0 when the "
        "page has no thread yet)."
    )
    ids: dict[str, int] = Field(
        description="Each data-parley-id as asked, with its published comment count."
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


def sign_in_url(request: HttpRequest) -> str:
    origin = sites.origin_of(request) or ""
    path = reverse("embed-sign-in")
    return f"{own_origin(request)}{path}?origin={quote(origin, safe='')}"


def live_of(request: HttpRequest, thread_id: int, version: int) -> dict:
    """The thread's live events, by absolute address (the widget runs on another origin)."""
    origin = own_origin(request)
    return {
        "stream": origin + reverse("live-thread", args=[thread_id]),
        "poll": origin + reverse("thread-events", args=[thread_id]),
        "after": version,
    }


@router.get(
    "/embed/thread",
    response={200: EmbedThreadOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
)
def get_thread(request: HttpRequest, params: Query[ThreadParams]):
    """Everything the widget shows first on a page of the requesting site: its thread (null
    until the page's first comment) with its first comments, and who is signed in."""
    site = sites.require(request)
    lang = views.reader_language(params.lang)
    page = actions.find_page(site, url=params.url, identifier=params.id)
    comments = live = None
    if page is not None:
        thread_id = page.post.thread.pk
        # Read before the comments: events after it may repeat what they show, never miss.
        version = access.thread_version(thread_id)
        first = views.PageParams(sort=params.sort, lang=lang, offset=0, limit=FIRST_PAGE)
        comments = json.loads(views.comment_page(thread_id, first, lang, version=version))
        live = live_of(request, thread_id, version)
    user = request.user if request.user.is_authenticated else None
    answer = {
        "site": {"name": site.name, "language": site.language},
        "thread": _out(page) if page is not None else None,
        "comments": comments,
        "languages": [{"code": code, "name": name} for code, name in reader.choices()],
        "edit_window": settings.PARLEY_EDIT_WINDOW_SECONDS,
        "flag_reasons": views.flag_reasons(),
        "viewer": tokens.viewer_of(user),
        "sign_in_url": sign_in_url(request),
        "live": live,
    }
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


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
def get_counts(request: HttpRequest, params: Query[CountsParams]):
    """The comment counts of many pages of the requesting site at once (a list of posts)."""
    site = sites.require(request)
    by_address, by_id = actions.counts(site, params.url, params.id)
    return {"counts": by_address, "ids": by_id}


@router.post(
    "/embed/sso",
    response={200: SsoOut, 400: ErrorOut, 403: ErrorOut, 415: ErrorOut},
)
def single_sign_on(request: HttpRequest, payload: SsoIn):
    """Sign in a reader of the requesting site from a payload its server signed (single
    sign-on): a reader token for the account linked to the site's id of them."""
    site = sites.require(request)
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            _("Send the request body as JSON, with Content-Type: application/json.")
        )
    account = sso.sign_in(site, payload.payload)
    issued = tokens.issue(account, site)
    return {
        "token": issued.secret,
        "expires_at": issued.expires_at,
        "viewer": tokens.viewer_of(account),
    }


@router.delete("/embed/token", response={204: None, 401: ErrorOut, 403: ErrorOut})
def sign_out(request: HttpRequest):
    """Sign out: withdraw the bearer token the request carries."""
    token = getattr(request, "parley_token", None)
    if token is None:
        raise token_refused()
    tokens.revoke(token)
    return Status(204, None)
