"""/api/v1: thin views over discussion.actions and discussion.queries."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from parley.api import schemas
from parley.discussion import access, actions, queries, tokens, votes
from parley.discussion.models import Comment, Thread, badge_for
from parley.embed.middleware import check_thread
from parley.language import reader, translations
from parley.lib import languages, memo
from parley.lib.clients import client_ip, client_key
from parley.lib.errors import ActionError, Forbidden, Invalid, UnsupportedMediaType
from parley.moderation import flags, held
from parley.moderation.models import Flag
from parley.publishing.models import Post

router = Router()


def _csrf_checked_view(request: HttpRequest) -> HttpResponse:
    """Stands for the view in CsrfViewMiddleware.process_view; never called."""
    return HttpResponse(status=500)


def _csrf_for_sessions(request: HttpRequest) -> None:
    """Logged-in browsers must send the CSRF token; guests and token clients need not."""
    if request.user.is_authenticated:
        check = CsrfViewMiddleware(lambda r: HttpResponse())
        failure = check.process_view(request, _csrf_checked_view, (), {})
        if failure is not None:
            raise Forbidden(
                _("Logged-in requests must carry the CSRF token (X-CSRFToken header)."), code="csrf"
            )


def _require_json(request: HttpRequest) -> None:
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            _("Send the request body as JSON, with Content-Type: application/json.")
        )


def _user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _viewer(request: HttpRequest, edit_token: str | None = None) -> access.Viewer:
    """Who asks: their session, the browser's posted-comments cookie, and a guest's
    X-Edit-Token (which proves they wrote that comment, held or not)."""
    viewer = access.viewer_of(request.user, request.COOKIES.get(tokens.POSTED_COOKIE))
    if edit_token:
        posted = viewer.posted | tokens.comment_ids([edit_token])
        viewer = dataclasses.replace(viewer, posted=frozenset(posted))
    return viewer


def _comment(request: HttpRequest, comment_id: int, viewer: access.Viewer) -> Comment:
    """The comment through its gatekeeper, and only on the Origin's site's threads."""
    comment = access.access_comment(comment_id, viewer)
    check_thread(request, comment.thread_id)
    return comment


def _held_answer(comment: Comment, viewer: access.Viewer) -> dict:
    """What the author of a just-posted comment is told when it is held for review."""
    told = None
    if comment.status == Comment.Status.PENDING:
        told = held.for_author([comment.pk], viewer).get(comment.pk)
    if told is None or not told.marked:
        return {"notice": None, "repeats": None}
    repeats = None
    if (earlier := told.repeats) is not None:
        repeats = {
            "id": earlier.pk,
            "permalink": earlier.get_absolute_url(),
            "created_at": earlier.created_at.isoformat(),
            "yours": told.repeats_own,
        }
    notice = _("Only you can see this comment until a moderator approves it.")
    return {"notice": notice, "repeats": repeats}


def _badge(row: dict, post_author_id: int | None) -> str:
    moderates = bool(row["author__is_moderator"] or row["author__is_superuser"])
    return badge_for(row["author_id"], post_author_id, author_moderates=moderates)


def _comment_dict(row: dict, post_author_id: int | None) -> dict:
    deleted = row["status"] == Comment.Status.DELETED
    return {
        "id": row["id"],
        "thread_id": row["thread_id"],
        "parent_id": row["parent_id"],
        "depth": row["depth"],
        "status": row["status"],
        "author": {
            "name": "" if deleted else row["author_name"],
            "website": "" if deleted else row["author_website"],
            "badge": "" if deleted else _badge(row, post_author_id),
        },
        "created_at": row["created_at"].isoformat(),
        "edited_at": row["edited_at"].isoformat() if row["edited_at"] else None,
        "body_html": row["body_html"],
        "language": row["language"],
        "language_confidence": row["language_confidence"],
        "reply_count": row["reply_count"],
        "up_count": row["up_count"],
        "down_count": row["down_count"],
        "best_score": row["best_score"],
        "permalink": f"/c/{row['id']}/",
        "translation": None,
    }


def _translations(rows: list[dict], language: str) -> dict[int, dict | None]:
    """The translation block of each row into `language` (None where none is needed)."""
    comments = [
        SimpleNamespace(pk=row["id"], language=row["language"], body=row["body"])
        for row in rows
        if row["status"] != Comment.Status.DELETED
    ]
    shown = translations.for_reader(translations.Kind.COMMENT, comments, language)
    out: dict[int, dict | None] = {}
    for pk, item in shown.items():
        if item.state == "original":
            out[pk] = None
        else:
            out[pk] = {
                "state": item.state,
                "language": language,
                "html": item.html,
                "engine": item.engine_label,
            }
    return out


def _page_dicts(rows: list[dict], post_author_id: int | None, lang: str) -> list[dict]:
    out = [_comment_dict(row, post_author_id) for row in rows]
    if lang:
        found = _translations(rows, lang)
        for item in out:
            item["translation"] = found.get(item["id"])
    return out


ROW_FIELDS = (
    "id",
    "thread_id",
    "parent_id",
    "depth",
    "status",
    "author_id",
    "author_name",
    "author_website",
    "author__is_moderator",
    "author__is_superuser",
    "created_at",
    "edited_at",
    "body_html",
    "body",
    "language",
    "language_confidence",
    "reply_count",
    "up_count",
    "down_count",
    "best_score",
)


def _detail(comment: Comment, *, edit_token: str | None = None) -> dict:
    # Only an account can carry a badge; guests' comments need not load the post.
    post_author_id = comment.thread.post.author_id if comment.author_id else None
    row = {field: getattr(comment, field, None) for field in ROW_FIELDS if "__" not in field}
    row["author__is_moderator"] = bool(comment.author and comment.author.is_moderator)
    row["author__is_superuser"] = bool(comment.author and comment.author.is_superuser)
    out = _comment_dict(row, post_author_id)
    out["body"] = comment.body
    out["quotes"] = [
        {
            "comment_id": q.source_comment_id,
            "document": q.source_document.slug if q.source_document else None,
            "passage": q.passage,
            "excerpt": q.excerpt,
        }
        for q in access.quotes_of(comment)
    ]
    if edit_token:
        out["edit_token"] = edit_token
    return out


def _thread_dict(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "post_slug": thread.post.slug,
        "post_title": thread.post.title,
        "url": thread.post.get_absolute_url(),
        "is_open": thread.is_open,
        "comment_count": thread.comment_count,
    }


@router.get("/posts/{slug}", response={200: schemas.PostOut, 404: schemas.ErrorOut}, tags=["posts"])
def get_post(request: HttpRequest, slug: str):
    """A post with its documents (for a dossier) and its thread."""
    thread = access.access_thread_for_post(slug)
    post: Post = thread.post
    documents = [
        {
            "anchor": d.slug,
            "kind": d.kind,
            "title": d.title,
            "issuer": d.issuer,
            "place": d.place,
            "occurred_at": d.occurred_at,
            "timezone": d.timezone,
            "source_url": d.source_url,
            "language": d.language,
            "body_html": d.body_html,
        }
        for d in post.documents.all()
    ]
    return {
        "slug": post.slug,
        "kind": post.kind,
        "title": post.title,
        "published_at": post.published_at,
        "introduction_html": post.introduction_html,
        "thread": _thread_dict(thread),
        "documents": documents,
    }


@router.get(
    "/threads/{thread_id}",
    response={200: schemas.ThreadOut, 404: schemas.ErrorOut},
    tags=["threads"],
)
def get_thread(request: HttpRequest, thread_id: int):
    check_thread(request, thread_id)
    return _thread_dict(access.access_thread(thread_id, with_post=True))


class PageParams(schemas.Schema):
    sort: schemas.Sort = "oldest"
    lang: str = schemas.Field(
        "", max_length=8, description="Add each comment's translation into this language."
    )
    offset: int = schemas.Field(0, ge=0, le=10_000_000)
    limit: int = schemas.Field(
        100, ge=1, le=queries.API_MAX_LIMIT, description=f"At most {queries.API_MAX_LIMIT}."
    )


@router.get(
    "/threads/{thread_id}/comments",
    response={200: schemas.CommentPageOut, 304: None, 400: schemas.ErrorOut, 404: schemas.ErrorOut},
    tags=["threads"],
)
def list_comments(request: HttpRequest, thread_id: int, params: Query[PageParams]):
    """A page of a thread's comments in display order. Cached per thread version, with an ETag."""
    check_thread(request, thread_id)
    lang = reader_language(params.lang)
    version = access.thread_version(thread_id)
    etag = f'"t{thread_id}v{version}-{params.sort}-{params.offset}-{params.limit}-{lang}"'
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if "*" in wanted or any(tag.removeprefix("W/") == etag for tag in wanted):
        return HttpResponse(status=304, headers={"ETag": etag})
    body = comment_page(thread_id, params, lang, version=version)
    return HttpResponse(
        body, content_type="application/json", headers={"ETag": etag, "Cache-Control": "no-cache"}
    )


def reader_language(asked: str) -> str:
    """The canonical code of a ?lang= the server translates into, "" for none, else 400."""
    lang = languages.canonical(asked) if asked else ""
    if lang and lang not in reader.offered():
        raise Invalid(
            _("“%(lang)s” is not one of the languages this server translates into: %(offered)s.")
            % {"lang": asked, "offered": ", ".join(reader.offered())},
            field="lang",
        )
    return lang


def comment_page(
    thread_id: int, params: PageParams, lang: str, *, version: int | None = None
) -> bytes:
    """The JSON of a page of comments, from the cache of the thread's current version."""
    if version is None:
        version = access.thread_version(thread_id)
    variant = ("api", params.sort, params.offset, params.limit, lang)
    return memo.thread_page(
        thread_id, version, variant, lambda: _comment_page(thread_id, params, lang), size=len
    )


def _comment_page(thread_id: int, params: PageParams, lang: str) -> bytes:
    """A page of a thread's comments as the JSON the API answers (what the cache keeps)."""
    thread = access.access_thread(thread_id, with_post=True)
    rows = list(
        queries.ordered(thread, params.sort).values(*ROW_FIELDS)[
            params.offset : params.offset + params.limit + 1
        ]
    )
    next_url = None
    if len(rows) > params.limit:
        next_url = (
            f"/api/v1/threads/{thread.pk}/comments?sort={params.sort}"
            f"&offset={params.offset + params.limit}&limit={params.limit}"
        )
        if lang:
            next_url += f"&lang={lang}"
    return json.dumps(
        {
            "thread_id": thread.pk,
            "count": thread.comment_count,
            "sort": params.sort,
            "offset": params.offset,
            "limit": params.limit,
            "next": next_url,
            "comments": _page_dicts(rows[: params.limit], thread.post.author_id, lang),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


@router.post(
    "/threads/{thread_id}/comments",
    response={
        201: schemas.PostedCommentOut,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        409: schemas.ErrorOut,
        413: schemas.ErrorOut,
        415: schemas.ErrorOut,
        429: schemas.ErrorOut,
    },
    tags=["comments"],
)
def create_comment(
    request: HttpRequest,
    thread_id: int,
    payload: schemas.CommentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Post a comment. With an Idempotency-Key, a retried request never creates a second one."""
    _require_json(request)
    _csrf_for_sessions(request)
    check_thread(request, thread_id)
    thread = access.access_thread(thread_id)
    user = _user(request)
    commenter = actions.Commenter(
        user=user,
        name=payload.name,
        email=payload.email,
        website=payload.website,
        client=client_key(request),
        ip=client_ip(request),
    )
    comment = actions.post_comment(
        thread,
        commenter=commenter,
        body=payload.body,
        parent_id=payload.parent_id,
        idempotency_key=idempotency_key,
    )
    comment.thread = thread
    token = tokens.make(comment.pk) if comment.author_id is None else None
    posted = request.COOKIES.get(tokens.POSTED_COOKIE)
    viewer = access.viewer_of(request.user, tokens.add_posted(posted, comment.pk))
    answer = _detail(comment, edit_token=token) | _held_answer(comment, viewer)
    response = JsonResponse(answer, status=201, json_dumps_params={"ensure_ascii": False})
    response["Location"] = comment.get_absolute_url()
    if comment.author_id is None:
        # The browser that posted it may open its permalink while it is held (see tokens.py).
        tokens.set_posted_cookie(response, posted, comment.pk)
    if getattr(comment, "replayed", False):
        response["Idempotent-Replayed"] = "true"
    return response


@router.get(
    "/comments/{comment_id}",
    response={200: schemas.CommentDetailOut, 404: schemas.ErrorOut},
    tags=["comments"],
)
def get_comment(
    request: HttpRequest,
    comment_id: int,
    edit_token: str | None = Header(None, alias="X-Edit-Token"),
):
    """One comment; a held one only to its author (their session, or the browser that posted
    it as a guest)."""
    return _detail(_comment(request, comment_id, _viewer(request, edit_token)))


@router.patch(
    "/comments/{comment_id}",
    response={
        200: schemas.CommentDetailOut,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        413: schemas.ErrorOut,
        415: schemas.ErrorOut,
    },
    tags=["comments"],
)
def edit_comment(
    request: HttpRequest,
    comment_id: int,
    payload: schemas.CommentEditIn,
    edit_token: str | None = Header(None, alias="X-Edit-Token"),
):
    """Edit within the edit window: accounts by session, guests with their X-Edit-Token."""
    _require_json(request)
    _csrf_for_sessions(request)
    comment = _comment(request, comment_id, _viewer(request, edit_token))
    comment = actions.edit_comment(
        comment,
        body=payload.body,
        user=_user(request),
        edit_tokens=[edit_token] if edit_token else [],
    )
    return _detail(comment)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, 400: schemas.ErrorOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut},
    tags=["comments"],
)
def delete_comment(
    request: HttpRequest,
    comment_id: int,
    edit_token: str | None = Header(None, alias="X-Edit-Token"),
):
    _csrf_for_sessions(request)
    comment = _comment(request, comment_id, _viewer(request, edit_token))
    actions.delete_comment(
        comment, user=_user(request), edit_tokens=[edit_token] if edit_token else []
    )
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/vote",
    response={
        200: schemas.VoteOut,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        409: schemas.ErrorOut,
        415: schemas.ErrorOut,
        429: schemas.ErrorOut,
    },
    tags=["comments"],
)
def vote_comment(
    request: HttpRequest,
    comment_id: int,
    payload: schemas.VoteIn,
    edit_token: str | None = Header(None, alias="X-Edit-Token"),
):
    """Mark a comment useful (1), not useful (-1, where the site takes such votes), or withdraw
    your vote (0). One vote per reader (an account, or a guest's address); not on your own
    comment (a guest's: the one their X-Edit-Token is for), nor on one that is not published.
    Votes from one network on one comment within 10 minutes count once."""
    _require_json(request)
    _csrf_for_sessions(request)
    comment = _comment(request, comment_id, _viewer(request, edit_token))
    posted = set(tokens.posted_ids(request.COOKIES.get(tokens.POSTED_COOKIE)))
    posted |= tokens.comment_ids([edit_token] if edit_token else [])
    voter = votes.Voter(
        user=_user(request),
        key=client_key(request),
        address=client_ip(request),
        posted=frozenset(posted),
    )
    tally = votes.cast_vote(comment, voter, payload.value)
    return tally.as_dict()


@router.post(
    "/comments/{comment_id}/flags",
    response={
        201: schemas.FlaggedOut,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        415: schemas.ErrorOut,
        429: schemas.ErrorOut,
    },
    tags=["comments"],
)
def flag_comment(request: HttpRequest, comment_id: int, payload: schemas.FlagIn):
    """Flag a published comment for the moderators, as the flag page does. Flags from
    enough networks hold it for review; past PARLEY_FLAG_RATE a client's flags are refused."""
    _require_json(request)
    _csrf_for_sessions(request)
    comment = _comment(request, comment_id, _viewer(request))
    flags.flag(
        comment,
        reporter_key=client_key(request),
        reporter=_user(request),
        address=client_ip(request),
        reason=payload.reason,
        text=payload.text,
    )
    return Status(201, {"message": _("Thank you: moderators will look at this comment.")})


def flag_reasons() -> list[dict]:
    """The reasons a reader may give for a flag, with their labels."""
    return [{"value": value, "label": str(label)} for value, label in Flag.Reason.choices]


@router.get(
    "/comments/{comment_id}/revisions",
    response={200: list[schemas.RevisionOut], 404: schemas.ErrorOut},
    tags=["comments"],
)
def comment_revisions(request: HttpRequest, comment_id: int):
    """Earlier versions of an edited comment, oldest first."""
    comment = _comment(request, comment_id, _viewer(request))
    return access.history_of(comment)


__all__ = ["ActionError", "router"]
