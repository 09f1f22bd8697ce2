"""Readers' votes from the thread page.

The buttons under a comment are part of the cached comment list (shared by every reader, so
it holds no CSRF token): without script they open this page, which asks again with a POST
form; parley.js posts the vote straight away, with the page's CSRF token and
`Accept: application/json`, and shows the counts the answer gives.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parley.discussion import access, tokens, votes
from parley.lib.clients import client_ip, client_key
from parley.lib.errors import ActionError, NotFound


def voter_of(request: HttpRequest, edit_tokens: list[str] | None = None) -> votes.Voter:
    """The reader voting: their account or client key, address, and the comments they posted
    from this browser (signed cookies, or a guest's X-Edit-Token in the API)."""
    posted = set(tokens.posted_ids(request.COOKIES.get(tokens.POSTED_COOKIE)))
    posted |= tokens.comment_ids(tokens.from_cookie(request.COOKIES.get(tokens.COOKIE)))
    posted |= tokens.comment_ids(edit_tokens or [])
    return votes.Voter(
        user=request.user if request.user.is_authenticated else None,
        key=client_key(request),
        address=client_ip(request),
        posted=frozenset(posted),
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _value(request: HttpRequest) -> object:
    raw = (request.POST if request.method == "POST" else request.GET).get("value", "")
    try:
        return int(raw)
    except ValueError:
        return raw


@require_http_methods(["GET", "HEAD", "POST"])
def vote(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Cast, change or withdraw (value 0) the reader's vote on a comment; GET asks first."""
    as_json = _wants_json(request)
    viewer = access.viewer_of(request.user, request.COOKIES.get(tokens.POSTED_COOKIE))
    if request.method != "POST":
        try:
            comment = access.access_comment(comment_id, viewer)
        except NotFound as error:
            raise Http404(error.message) from None
        voter = voter_of(request)
        return render(
            request,
            "parley/vote.html",
            {
                "comment": comment,
                "mine": votes.vote_of(comment, voter.key),
                "asked": _value(request) if request.GET.get("value") else 1,
                "downvotes": settings.PARLEY_DOWNVOTES,
            },
        )
    try:
        comment = access.access_comment(comment_id, viewer)
        tally = votes.cast_vote(comment, voter_of(request), _value(request))
    except NotFound as error:
        if as_json:
            return JsonResponse(error.as_dict(), status=error.status)
        raise Http404(error.message) from None
    except ActionError as error:
        if as_json:
            response: HttpResponse = JsonResponse(error.as_dict(), status=error.status)
        else:
            response = render(
                request,
                "parley/error.html",
                {"title": _("Your vote was not counted"), "message": error.message},
                status=error.status,
            )
        if retry := getattr(error, "retry_after", None):
            response["Retry-After"] = str(retry)
        return response
    if as_json:
        return JsonResponse(tally.as_dict())
    if tally.mine:
        messages.success(request, _("Thank you: your vote is recorded."))
    else:
        messages.success(request, _("Your vote was withdrawn."))
    return HttpResponseRedirect(comment.get_absolute_url())
