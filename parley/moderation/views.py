"""Moderators' pages: the queue, the log, bans, word lists and the classifier; readers' flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from parley.accounts.models import User
from parley.discussion import access, votes
from parley.discussion.models import Comment
from parley.lib import languages
from parley.lib.clients import client_ip, client_key
from parley.lib.errors import ActionError, Invalid, NotFound
from parley.lib.redirects import next_address
from parley.moderation import actions, bans, flags, people, queue, reasons
from parley.moderation.models import Ban, ClassifierVersion, Decision, Flag, WordList
from parley.publishing.models import Post


def _moderators_only(view):
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not getattr(request.user, "moderates", False):
            return render(
                request,
                "parley/error.html",
                {
                    "title": _("For moderators"),
                    "message": _("Only moderators can see the moderation pages."),
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _me(request: HttpRequest) -> User:
    """The moderator asking (the views are wrapped in _moderators_only)."""
    user = request.user
    assert isinstance(user, User)
    return user


@require_safe
@_moderators_only
def queue_page(request: HttpRequest) -> HttpResponse:
    filters = queue.Filters(
        show=request.GET.get("show", "waiting"),
        reason=request.GET.get("reason", ""),
        language=request.GET.get("language", ""),
        post=request.GET.get("post", ""),
        age=request.GET.get("age", ""),
        order=request.GET.get("order", "priority"),
    )
    try:
        filters.check()
    except ActionError as error:
        return render(
            request,
            "parley/error.html",
            {"title": _("The queue cannot show that"), "message": error.message},
            status=error.status,
        )
    raw_page = request.GET.get("page", "1")
    # Past the end: the last page; not a number (or below 1): the first. The queue and the
    # pager clamp the same number, so the items and the links agree.
    number = max(1, min(int(raw_page), 10**9)) if raw_page.isdigit() else 1
    shown = queue.page(filters, number)
    page = Paginator(range(shown.count), queue.PAGE).get_page(number)
    offered = (
        Comment.objects.filter(status=Comment.Status.PENDING)
        .values_list("language", flat=True)
        .distinct()
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("partial", None)
    # Where a decision returns to: this page, also when the list was fetched on its own.
    kept = request.GET.copy()
    kept.pop("partial", None)
    here = request.path + (f"?{kept.urlencode()}" if kept else "")
    if request.GET.get("partial") == "1":  # the list alone, for an open queue that refreshes
        return render(
            request,
            "moderation/_queue_items.html",
            {
                "items": queue.items(shown),
                "page": page,
                "reject_reasons": actions.REJECT_REASONS.items(),
                "here": here,
            },
        )
    return render(
        request,
        "moderation/queue.html",
        {
            "items": queue.items(shown),
            "queue": shown,
            "page": page,
            "filters": filters,
            "reasons": [*reasons.KINDS.items(), (reasons.FLAGS, _("Flagged by readers"))],
            "orders": [
                ("priority", _("Most urgent first")),
                ("oldest", _("Oldest first")),
                ("newest", _("Newest first")),
            ],
            "ranked": queue.RANKED,
            "languages": sorted((code, languages.name(code)) for code in offered if code),
            "posts": Post.objects.order_by("-published_at").values_list("slug", "title")[:50],
            "reject_reasons": actions.REJECT_REASONS.items(),
            "query": query.urlencode(),
            "here": here,
        },
    )


@require_POST
@_moderators_only
def decide(request: HttpRequest) -> HttpResponse:
    """One decision on one comment, or the same decision on every selected comment (at most
    actions.MAX_AT_ONCE): in one transaction, except bans, which go one by one."""
    action = request.POST.get("action", "")
    ids = request.POST.getlist("comment")
    if not ids:
        messages.error(request, _("Select at least one comment."))
        return HttpResponseRedirect(next_address(request, reverse("moderation-queue")))
    try:
        actions.check_at_once(len(ids))
        wanted = [(raw, request.POST.get(f"expected-{raw}", "")) for raw in ids]
        by, category = _me(request), request.POST.get("category", "")
        reason = request.POST.get("reason", "")
        if action in actions.IN_BULK:
            outcome = actions.decide_many(wanted, action, by=by, category=category, reason=reason)
        else:
            days = _days(request.POST.get("days", ""))
            outcome = actions.decide_each(
                wanted, action, by=by, category=category, reason=reason, days=days
            )
    except ActionError as error:
        return render(
            request,
            "parley/error.html",
            {"title": _("Nothing was changed"), "message": error.message},
            status=error.status,
        )
    if outcome.done:
        messages.success(
            request,
            _("Done for %(n)s comment(s): %(action)s.")
            % {"n": len(outcome.done), "action": dict(Decision.Action.choices).get(action, action)},
        )
    problems = _at_most(outcome.conflicts) + _at_most(outcome.errors)
    if problems and not outcome.done:
        # Nothing happened: answer with the reason and a status that says so.
        return render(
            request,
            "parley/error.html",
            {"title": _("Nothing was changed"), "message": " ".join(problems)},
            status=409 if outcome.conflicts else 400,
        )
    for message in problems:
        messages.error(request, message)
    return HttpResponseRedirect(next_address(request, reverse("moderation-queue")))


SHOWN_AT_MOST = 10  # messages of one kind after a bulk decision; the rest are counted


def _at_most(lines: list[str]) -> list[str]:
    if len(lines) <= SHOWN_AT_MOST:
        return lines
    more = len(lines) - SHOWN_AT_MOST
    return [*lines[:SHOWN_AT_MOST], _("…and %(n)s more like these.") % {"n": f"{more:,}"}]


def _days(raw: str) -> float | None:
    """A ban's length from the form: days, or empty / "forever" for good."""
    raw = raw.strip()
    if not raw or raw == "forever":
        return None
    try:
        return float(raw)
    except ValueError:
        raise Invalid(
            _("“%(days)s” is not a number of days; leave it empty to ban for good.")
            % {"days": raw},
            field="days",
        ) from None


@require_safe
@_moderators_only
def log_page(request: HttpRequest) -> HttpResponse:
    decisions = Decision.objects.all()
    title = _("Moderation log")
    if (comment := request.GET.get("comment", "")).isdigit():
        decisions = decisions.filter(comment_id=int(comment))
        title = _("Moderation log of comment #%(id)s") % {"id": comment}
    elif commenter := request.GET.get("commenter", ""):
        decisions = decisions.filter(commenter=commenter)
        title = _("Moderation log of %(who)s") % {"who": commenter}
    page = Paginator(decisions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {
            "page": page,
            "title": title,
            "query": request.GET.urlencode(),
            **_vote_patterns(commenter if not comment.isdigit() else ""),
        },
    )


def _vote_patterns(commenter: str) -> dict[str, object]:
    """Votes on a commenter's comments by the voters' networks (a burst from one network is
    one row with few of its votes counted), and the votes they cast."""
    if not commenter:
        return {}
    written = people.comments_by_key(commenter)
    received = votes.received_by_network(written) if written is not None else []
    return {"votes_received": received, "votes_cast": votes.cast_by(Q(voter_key=commenter))}


@require_http_methods(["GET", "HEAD", "POST"])
@_moderators_only
def bans_page(request: HttpRequest) -> HttpResponse:
    form: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("kind", "value", "days", "reason", "shadow")}
        try:
            if lift := request.POST.get("lift", ""):
                if not lift.isdigit():
                    raise NotFound(_("That ban does not exist or is no longer in force."))
                bans.lift(int(lift), by=_me(request))
                messages.success(request, _("The ban was lifted."))
            else:
                made = bans.ban(
                    kind=form["kind"],
                    value=form["value"],
                    reason=form["reason"],
                    by=_me(request),
                    days=_days(form["days"]),
                    shadow=bool(form["shadow"]),
                )
                messages.success(request, _("Banned: %(ban)s.") % {"ban": made})
            return HttpResponseRedirect(reverse("moderation-bans"))
        except ActionError as error:
            form["error"], form["error_field"] = error.message, error.field or ""
            status = error.status
    active = [b for b in Ban.objects.filter(lifted_at__isnull=True).order_by("-id") if b.active()]
    return render(
        request,
        "moderation/bans.html",
        {"bans": active, "form": form, "kinds": Ban.Kind.choices},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@_moderators_only
def words_page(request: HttpRequest) -> HttpResponse:
    import parley.moderation.wordlists as wordlists

    form: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("language", "kind", "entries")}

        try:
            saved = wordlists.save(form["language"], form["kind"], form["entries"], by=_me(request))
            if saved is None:
                messages.success(request, _("The word list is empty now: it was removed."))
            else:
                messages.success(request, _("The word list was saved."))
            return HttpResponseRedirect(reverse("moderation-words"))
        except ActionError as error:
            form["error"] = error.message
            status = error.status
    return render(
        request,
        "moderation/words.html",
        {
            "lists": WordList.objects.order_by("language", "kind"),
            "form": form,
            "kinds": WordList.Kind.choices,
            "limits": {
                "entries": f"{wordlists.MAX_ENTRIES:,}",
                "entry": wordlists.MAX_ENTRY_LENGTH,
                "length": f"{wordlists.MAX_LENGTH:,}",
            },
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@_moderators_only
def model_page(request: HttpRequest) -> HttpResponse:
    import parley.moderation.learning as learning

    if request.method == "POST":
        try:
            if request.POST.get("do") == "rollback":
                version = learning.rollback(by_name=_me(request).public_name)
                messages.success(request, _("Version %(id)s is in use again.") % {"id": version.pk})
            else:
                version = learning.train(note=f"asked by {_me(request).public_name}")
                messages.success(request, _("Version %(id)s was trained.") % {"id": version.pk})
        except ActionError as error:
            return render(
                request,
                "parley/error.html",
                {"title": _("The model was not changed"), "message": error.message},
                status=error.status,
            )
        return HttpResponseRedirect(reverse("moderation-model"))
    return render(
        request,
        "moderation/model.html",
        {
            "versions": ClassifierVersion.objects.defer("weights")[:20],
            "examples": learning_examples(),
            "problem": learning.problem(),
        },
    )


def learning_examples():
    from parley.moderation.models import Example

    return Example.objects.order_by("-created_at")[:20]


@require_http_methods(["GET", "HEAD", "POST"])
def flag_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A reader flags a comment."""
    try:
        comment = access.access_comment(comment_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    form = {"reason": request.POST.get("reason", ""), "text": request.POST.get("text", "")}
    status, retry_after = 200, None
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        try:
            flags.flag(
                comment,
                reporter_key=client_key(request),
                reporter=user,
                address=client_ip(request),
                reason=form["reason"],
                text=form["text"],
            )
            messages.success(request, _("Thank you: moderators will look at this comment."))
            return HttpResponseRedirect(comment.get_absolute_url())
        except ActionError as error:
            form["error"], status = error.message, error.status
            retry_after = getattr(error, "retry_after", None)
    response = render(
        request,
        "moderation/flag.html",
        {"comment": comment, "form": form, "reasons": Flag.Reason.choices},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
