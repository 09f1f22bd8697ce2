"""Server-rendered pages. Each view parses the request, calls one action or query, renders."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from parley.discussion import access, actions, queries, quotes, tokens, tree
from parley.discussion.models import Comment, Thread
from parley.language import reader, translations
from parley.lib import memo
from parley.lib.clients import client_ip, client_key
from parley.lib.errors import ActionError, Invalid, NotFound
from parley.lib.redirects import next_address
from parley.moderation import held
from parley.publishing.models import SourceDocument
from parley.publishing.render import passages


def _thread_or_404(slug: str) -> Thread:
    try:
        return access.access_thread_for_post(slug)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.viewer_of(request.user, request.COOKIES.get(tokens.POSTED_COOKIE))


def _comment_or_404(request: HttpRequest, comment_id: int) -> Comment:
    """A comment the viewer may see: a visible one, or their own held one."""
    try:
        return access.access_comment(comment_id, _viewer(request))
    except NotFound as exc:
        raise Http404(exc.message) from None


def _edit_tokens(request: HttpRequest) -> list[str]:
    return tokens.from_cookie(request.COOKIES.get(tokens.COOKIE))


def _refused(request: HttpRequest, title: str, error: ActionError) -> HttpResponse:
    """The error page for an action that said no, with its reason and status."""
    return render(
        request,
        "parley/error.html",
        {"title": title, "message": error.message},
        status=error.status,
    )


def _sort(request: HttpRequest) -> str:
    # A posted form carries the order its page was in, so the author lands in that order.
    sort = request.GET.get("sort") or request.POST.get("sort") or queries.DEFAULT_SORT
    return sort if sort in queries.SORTS else queries.DEFAULT_SORT


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Editable:
    """Which comments on a page the viewer may still edit: none, for most readers."""

    all: bool = False
    ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.all or bool(self.ids)


def _editable(request: HttpRequest, thread: Thread) -> Editable:
    user = request.user
    if user.is_authenticated:
        if user.moderates:
            return Editable(all=True)
        since = timezone.now() - timedelta(seconds=settings.PARLEY_EDIT_WINDOW_SECONDS)
        return Editable(ids=access.editable_ids(thread, user.pk, since))
    return Editable(ids=frozenset(tokens.comment_ids(_edit_tokens(request))))


def _show_original(request: HttpRequest) -> bool:
    return request.GET.get("original") == "1"


def _translate(request: HttpRequest, comments: list[Comment]) -> None:
    """Attach to each comment how it appears in the reader's language (`comment.shown`)."""
    shown = translations.for_reader(
        translations.Kind.COMMENT,
        comments,
        request.reader_language,  # type: ignore[attr-defined]
    )
    for comment in comments:
        comment.shown = shown.get(comment.pk, translations.ORIGINAL)  # type: ignore[attr-defined]


def _mark_own_held(comments: list[Comment], own: frozenset[int], viewer: access.Viewer) -> None:
    """Mark the viewer's own held comments among `comments` (`comment.held`), for the note
    that they await review and, for a repeat, which earlier comment it repeats."""
    if not own:
        return
    shown = [c.pk for c in comments if c.pk in own]
    told = held.for_author(shown, viewer)
    for comment in comments:
        comment.held = told.get(comment.pk)  # type: ignore[attr-defined]


def thread_fragment(
    request: HttpRequest, thread: Thread, *, sort: str, page_no: int
) -> tuple[str, queries.Page]:
    """The rendered comments of one page; cached per thread version for readers who edit nothing."""
    size = settings.PARLEY_PAGE_SIZE
    editable = _editable(request, thread)
    zone = timezone.get_current_timezone_name()
    language = request.reader_language  # type: ignore[attr-defined]
    original = _show_original(request)
    viewer = _viewer(request)
    own = access.own_held(thread.pk, viewer)

    def make() -> tuple[str, queries.Page]:
        return _render_page(request, thread, editable, own, viewer, sort=sort, page_no=page_no)

    if editable or own:  # this reader's own page
        return make()
    variant = ("html", sort, page_no, size, zone, language, original)
    return memo.thread_page(thread.pk, thread.version, variant, make, size=lambda v: len(v[0]))


def _render_page(
    request: HttpRequest,
    thread: Thread,
    editable: Editable,
    own: frozenset[int],
    viewer: access.Viewer,
    *,
    sort: str,
    page_no: int,
) -> tuple[str, queries.Page]:
    size = settings.PARLEY_PAGE_SIZE
    original = _show_original(request)
    page = queries.page(thread, sort=sort, offset=(page_no - 1) * size, limit=size, also=own)
    _translate(request, page.comments)
    _mark_own_held(page.comments, own, viewer)
    nodes = tree.build(page.comments, max_indent=settings.PARLEY_MAX_INDENT)
    html = render_to_string(
        "parley/_comments.html",
        {
            "nodes": nodes,
            "thread": thread,
            "post": thread.post,
            "sort": sort,
            "page": page,
            "page_no": page_no,
            "next_page": page_no + 1 if page.has_more else None,
            "editable": editable,
            "max_indent": settings.PARLEY_MAX_INDENT,
            "show_original": original,
        },
    )
    return html, page


def _check_page_exists(
    request: HttpRequest, thread: Thread, page: queries.Page, *, sort: str, page_no: int
) -> None:
    """A page past the end of the thread is a 404, not an empty page.

    Not a redirect to the last page: an address that names a page no thread has (a mistyped
    or invented number, an old link after comments were taken down) should say so, rather
    than answer some other page under its name for crawlers, caches and the reader alike.
    The message names the last page, so the reader can go there. Page 1 always exists, empty
    or not. In-place "load more" asks for the same pages; on a 404 it opens the full page,
    which says the same.
    """
    if page_no == 1 or page.comments:
        return
    size = settings.PARLEY_PAGE_SIZE
    shown = queries.ordered(thread, sort, also=access.own_held(thread.pk, _viewer(request)))
    last = max(1, -(-shown.count() // size))
    raise Http404(
        ngettext(
            "There is no page %(page)s: the comments of this discussion fit on %(last)s page. "
            "Set page=%(last)s in the address, or open the discussion from its start.",
            "There is no page %(page)s: the comments of this discussion fit on %(last)s pages. "
            "Set page=%(last)s in the address, or open the discussion from its start.",
            last,
        )
        % {"page": page_no, "last": last}
    )


def _prefill(request: HttpRequest, thread: Thread, documents: list[SourceDocument]) -> dict:
    """Form values from ?reply=ID and ?quote=cID / ?quote=d:ANCHOR:PASSAGE (links without JS)."""
    out: dict = {}
    if (reply := request.GET.get("reply", "")).isdigit():
        if (parent := access.quotable(thread, reply)) is not None:
            out["parent"] = parent
    quote = request.GET.get("quote", "")
    if quote.startswith("c") and quote[1:].isdigit():
        if (source := access.quotable(thread, quote[1:])) is not None:
            out["body"] = quotes.directive(
                "comment", source.pk, quotes.opening_words(quotes.own_text(source.body_html))
            )
            out.setdefault("parent", source)
    elif quote.startswith("d:"):
        anchor, _sep, number = quote[2:].partition(":")
        index = int(number) if number.isdigit() and len(number) < 10 else 1
        for document in documents:
            if document.slug != anchor:
                continue
            transcript = document.kind == SourceDocument.Kind.TRANSCRIPT
            for passage in passages(document.body, transcript=transcript):
                if passage.index == index:
                    out["body"] = quotes.directive(
                        "document", anchor, quotes.opening_words(passage.text)
                    )
    return out


# What the home page lists: the latest posts with their introduction, the threads with the
# most comments over the last days, and the latest comments.
HOME_POSTS = 20
HOME_LIVELY = 5
HOME_LIVELY_DAYS = 7
HOME_LATEST_COMMENTS = 8


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The site at a glance, in three queries whatever it holds (readers' rows only)."""
    since = timezone.now() - timedelta(days=HOME_LIVELY_DAYS)
    posts = access.published_posts().select_related("thread").order_by("-published_at")
    return render(
        request,
        "parley/home.html",
        {
            "posts": posts[:HOME_POSTS],
            "lively": access.liveliest_threads(since, limit=HOME_LIVELY),
            "latest": access.latest_comments(limit=HOME_LATEST_COMMENTS),
            "lively_days": HOME_LIVELY_DAYS,
        },
    )


def _post_context(request: HttpRequest, thread: Thread, *, form: dict | None = None) -> dict:
    post = thread.post
    documents = list(post.documents.all()) if post.is_dossier else []
    language = request.reader_language  # type: ignore[attr-defined]
    shown = translations.for_reader(translations.Kind.DOCUMENT, documents, language)
    for document in documents:
        document.shown = shown.get(document.pk, translations.ORIGINAL)  # type: ignore[attr-defined]
    post.shown = translations.for_reader(translations.Kind.POST, [post], language).get(  # type: ignore[attr-defined]
        post.pk, translations.ORIGINAL
    )
    sort = _sort(request)
    page_no = _page_number(request)
    comments_html, page = thread_fragment(request, thread, sort=sort, page_no=page_no)
    _check_page_exists(request, thread, page, sort=sort, page_no=page_no)
    form = form if form is not None else _prefill(request, thread, documents)
    form.setdefault("idempotency_key", uuid.uuid4().hex)
    return {
        "post": post,
        "thread": thread,
        "documents": documents,
        "article_html": _article_html(post, thread, documents, _show_original(request)),
        "comments_html": comments_html,
        "page": page,
        "page_no": page_no,
        "sort": sort,
        "sorts": _sort_choices(),
        "form": form,
        "max_length": f"{settings.PARLEY_COMMENT_MAX_LENGTH:,}",
        "show_original": _show_original(request),
        "live": _live_texts(),
        "max_indent": settings.PARLEY_MAX_INDENT,
    }


# Numbers that between them fall in every plural category of the offered languages; the page
# picks, for a count, the form of the sample in the same category (Intl.PluralRules).
_PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102)


def _plural_forms(singular: str, plural: str) -> str:
    """A message's plural forms for the page's script, as JSON: {sample: text with %(n)s}."""
    forms = {n: ngettext(singular, plural, n) for n in _PLURAL_SAMPLES}
    return json.dumps(forms, ensure_ascii=False)


def _live_texts() -> dict[str, str]:
    """What the page says of live changes, in the reader's language."""
    return {
        "new_comments": _plural_forms("%(n)s new comment", "%(n)s new comments"),
        "new_replies": _plural_forms("%(n)s new reply", "%(n)s new replies"),
        "comment_count": _plural_forms("%(n)s comment", "%(n)s comments"),
    }


def _fields(obj: Any) -> list[object]:
    return [getattr(obj, field.attname) for field in obj._meta.concrete_fields]


def _article_html(
    post: Any, thread: Thread, documents: list[SourceDocument], show_original: bool
) -> SafeString:
    """The post and its documents as `_post_article.html` renders them, kept per process.

    The key is a digest of everything the block shows: every stored field of the post, its
    author's name and each document, how each appears to this reader (translation state and
    text), the comment count in the table of contents, the reader's language and time zone
    and whether they asked for the original. An edit, a finished translation or a new comment
    makes a new key, so a stale block is never served. The block holds nothing of one
    reader's own (no form, no CSRF token)."""

    def make() -> SafeString:
        context = {
            "post": post,
            "thread": thread,
            "documents": documents,
            "show_original": show_original,
        }
        return SafeString(render_to_string("parley/_post_article.html", context))

    author = (post.author.display_name, post.author.username) if post.author_id else None
    parts: list[object] = [_fields(post), author, post.shown, thread.comment_count]
    parts += [(_fields(document), document.shown) for document in documents]  # type: ignore[attr-defined]
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    variant = (translation.get_language(), timezone.get_current_timezone_name(), show_original)
    return memo.cached(f"article:{post.pk}:{digest}", variant, make, size=len)


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("oldest", _("Oldest first")),
        ("newest", _("Newest first")),
        ("replies", _("Most replies")),
        ("best", _("Best first")),
    ]


@require_safe
def post_page(request: HttpRequest, slug: str) -> HttpResponse:
    thread = _thread_or_404(slug)
    if request.GET.get("partial") == "1":
        sort, page_no = _sort(request), _page_number(request)
        html, page = thread_fragment(request, thread, sort=sort, page_no=page_no)
        _check_page_exists(request, thread, page, sort=sort, page_no=page_no)
        return HttpResponse(html)
    return render(request, "parley/post.html", _post_context(request, thread))


@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    thread = _thread_or_404(slug)
    if request.method != "POST":  # a reload of a refused post's page: back to the form
        return HttpResponseRedirect(thread.post.get_absolute_url() + "#reply-form")
    data = request.POST
    parent = data.get("parent_id", "")
    form: dict[str, Any] = {
        key: data.get(key, "") for key in ("name", "email", "website", "body", "idempotency_key")
    }
    user = request.user if request.user.is_authenticated else None
    commenter = actions.Commenter(
        user=user,
        name=form["name"],
        email=form["email"],
        website=form["website"],
        client=client_key(request),
        ip=client_ip(request),
    )
    try:
        if parent and not parent.isdigit():
            raise ActionError(
                _("The comment you are replying to is not in this discussion, or was removed.")
            )
        comment = actions.post_comment(
            thread,
            commenter=commenter,
            body=form["body"],
            parent_id=int(parent) if parent else None,
            idempotency_key=form["idempotency_key"] or None,
        )
    except ActionError as error:
        form["error"] = error.message
        form["error_field"] = error.field
        if parent.isdigit():
            form["parent"] = access.quotable(thread, parent)
        thread.refresh_from_db()
        response = render(
            request,
            "parley/post.html",
            _post_context(request, thread, form=form),
            status=error.status,
        )
        if retry := getattr(error, "retry_after", None):
            response["Retry-After"] = str(retry)
        return response
    # Published or held, the author lands on the comment through its permalink, which finds
    # its page (in the order the author was reading) and shows a held one to its author alone.
    response = HttpResponseRedirect(_permalink_url(comment, _sort(request)))
    if user is None:
        tokens.set_posted_cookie(response, request.COOKIES.get(tokens.POSTED_COOKIE), comment.pk)
        response.set_cookie(
            tokens.COOKIE,
            tokens.add_to_cookie(request.COOKIES.get(tokens.COOKIE), tokens.make(comment.pk)),
            max_age=settings.PARLEY_EDIT_WINDOW_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _permalink_url(comment: Comment, sort: str) -> str:
    url = comment.get_absolute_url()
    return url if sort == queries.DEFAULT_SORT else f"{url}?{urlencode({'sort': sort})}"


@require_safe
def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """To the comment in place: the page it is on in the chosen order, at its anchor."""
    viewer = _viewer(request)
    comment = _comment_or_404(request, comment_id)
    if comment.status == Comment.Status.PENDING and not viewer.wrote(comment):
        # A moderator: the held comment is in no page but its author's; its log says where
        # it stands, and the queue is one link away.
        return HttpResponseRedirect(f"{reverse('moderation-log')}?comment={comment.pk}")
    sort = _sort(request)
    own = access.own_held(comment.thread_id, viewer)
    before = queries.position(comment, sort=sort, also=own)
    page_no = before // settings.PARLEY_PAGE_SIZE + 1
    params = {}
    if sort != queries.DEFAULT_SORT:
        params["sort"] = sort
    if page_no > 1:
        params["page"] = str(page_no)
    if _show_original(request):
        params["original"] = "1"
    url = comment.thread.post.get_absolute_url()
    if params:
        url += "?" + urlencode(params)
    return HttpResponseRedirect(f"{url}#c{comment.pk}")


@require_safe
def comment_context(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment with its context: the comment it answers, then it and every reply below it,
    with a link to the comment in place in the whole discussion."""
    viewer = _viewer(request)
    comment = _comment_or_404(request, comment_id)
    if comment.status == Comment.Status.PENDING and not viewer.wrote(comment):
        return HttpResponseRedirect(f"{reverse('moderation-log')}?comment={comment.pk}")
    thread = comment.thread
    own = access.own_held(thread.pk, viewer)
    parent = access.quotable(thread, comment.parent_id) if comment.parent_id else None
    comments = queries.in_context(comment, parent, also=own)
    _translate(request, comments)
    _mark_own_held(comments, own, viewer)
    nodes = tree.build(comments, max_indent=settings.PARLEY_MAX_INDENT)
    comments_html = render_to_string(
        "parley/_comments.html",
        {
            "nodes": nodes,
            "thread": thread,
            "post": thread.post,
            "editable": _editable(request, thread),
            "max_indent": settings.PARLEY_MAX_INDENT,
            "show_original": _show_original(request),
        },
    )
    context = {
        "thread": thread,
        "post": thread.post,
        "focus": comment,
        "parent": parent,
        "replies": len(comments) - (2 if parent is not None else 1),
        "comments_html": comments_html,
        "in_place": _permalink_url(comment, _sort(request)),
    }
    return render(request, "parley/comment_context.html", context)


@require_safe
def subtree(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    thread = _thread_or_404(slug)
    comment = _comment_or_404(request, comment_id)
    if comment.thread_id != thread.pk:
        raise Http404(_("That comment belongs to another discussion."))
    viewer = _viewer(request)
    own = access.own_held(thread.pk, viewer)
    sort = "best" if _sort(request) == "best" else queries.DEFAULT_SORT
    comments = queries.subtree(comment, also=own, sort=sort)
    _translate(request, comments)
    _mark_own_held(comments, own, viewer)
    nodes = tree.build(comments, max_indent=settings.PARLEY_MAX_INDENT)
    editable = _editable(request, thread)
    comments_html = render_to_string(
        "parley/_comments.html",
        {
            "nodes": nodes,
            "thread": thread,
            "post": thread.post,
            "editable": editable,
            "max_indent": settings.PARLEY_MAX_INDENT,
            "show_original": _show_original(request),
        },
    )
    return render(
        request,
        "parley/subtree.html",
        {
            "thread": thread,
            "post": thread.post,
            "focus": comment,
            "comments_html": comments_html,
            "sort": sort,
            "sorts": [choice for choice in _sort_choices() if choice[0] in ("oldest", "best")],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    user = request.user if request.user.is_authenticated else None
    body = request.POST.get("body", comment.body) if request.method == "POST" else comment.body
    if request.method == "POST":
        try:
            actions.edit_comment(comment, body=body, user=user, edit_tokens=_edit_tokens(request))
        except ActionError as error:
            return render(
                request,
                "parley/comment_edit.html",
                {
                    "comment": comment,
                    "body": body,
                    "error": error.message,
                },
                status=error.status,
            )
        messages.success(
            request, _("Your comment was updated; the earlier version is kept in its history.")
        )
        return HttpResponseRedirect(comment.get_absolute_url())
    try:
        actions.check_may_change(comment, user, _edit_tokens(request))
    except ActionError as error:
        return _refused(request, _("You cannot edit this comment"), error)
    return render(
        request,
        "parley/comment_edit.html",
        {"comment": comment, "body": body},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        try:
            actions.delete_comment(comment, user=user, edit_tokens=_edit_tokens(request))
        except ActionError as error:
            return _refused(request, _("The comment was not deleted"), error)
        messages.success(request, _("Your comment was deleted."))
        url = comment.thread.post.get_absolute_url()
        if comment.parent_id:
            url = reverse("comment", args=[comment.parent_id])
        return HttpResponseRedirect(url + ("" if comment.parent_id else "#comments"))
    try:
        actions.check_may_change(comment, user, _edit_tokens(request))
    except ActionError as error:
        return _refused(request, _("You cannot delete this comment"), error)
    return render(request, "parley/comment_delete.html", {"comment": comment})


@require_safe
def comment_history(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    revisions = access.history_of(comment, newest_first=True)
    return render(
        request, "parley/comment_history.html", {"comment": comment, "revisions": revisions}
    )


@require_http_methods(["POST"])
def reader_language(request: HttpRequest) -> HttpResponse:
    """The language picker: remember the reader's language (and save it on their account)."""
    language = request.POST.get("language", "")
    target = next_address(request, "/")
    if language not in reader.offered():
        return render(
            request,
            "parley/error.html",
            {
                "title": _("That language is not offered"),
                "message": _("Pick one of the languages in the list."),
            },
            status=400,
        )
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(target)
    response.set_cookie(
        reader.COOKIE,
        language,
        max_age=reader.COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


MAX_POLLED = 200


def _ids(request: HttpRequest, name: str, *, limit: int = MAX_POLLED) -> list[int]:
    raw = request.GET.get(name, "")
    ids = [part for part in raw.split(",") if part]
    if len(ids) > limit or not all(part.isdigit() and len(part) < 19 for part in ids):
        raise Invalid(
            _("“%(name)s” must be a comma-separated list of at most %(n)s numbers.")
            % {"name": name, "n": limit},
            field=name,
            code="bad_ids",
        )
    return [int(part) for part in ids]


def _json_refusal(error: ActionError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


@require_safe
def translations_ready(request: HttpRequest) -> HttpResponse:
    """Translations that are ready, as the HTML that replaces their place on an open page.

    Open pages ask with the ids they show as "translating"; what is still on its way is left
    out, so the page asks again later.
    """
    language = request.reader_language  # type: ignore[attr-defined]
    try:
        comment_ids, document_ids = _ids(request, "comments"), _ids(request, "documents")
    except ActionError as error:
        return _json_refusal(error)
    out: dict[str, dict[str, str]] = {"comments": {}, "documents": {}}
    comments = access.comments_with_text(comment_ids)
    shown = translations.for_reader(translations.Kind.COMMENT, comments, language, ask=False)
    for comment in comments:
        comment.shown = shown.get(comment.pk, translations.ORIGINAL)  # type: ignore[attr-defined]
        if comment.shown.state != "pending":  # type: ignore[attr-defined]
            out["comments"][str(comment.pk)] = render_to_string(
                "parley/_comment_text.html", {"c": comment}, request=request
            )
    documents = list(access.documents(document_ids))
    shown = translations.for_reader(translations.Kind.DOCUMENT, documents, language, ask=False)
    for document in documents:
        document.shown = shown.get(document.pk, translations.ORIGINAL)  # type: ignore[attr-defined]
        if document.shown.state != "pending":  # type: ignore[attr-defined]
            out["documents"][str(document.pk)] = render_to_string(
                "parley/_document_text.html", {"doc": document}, request=request
            )
    return JsonResponse(out)


MAX_FRAGMENTS = 100


@require_safe
def comment_fragments(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Comments of one thread as the thread page renders them, for an open page that learnt
    of them (posted, edited, removed): each one's HTML in the reader's language and zone, its
    parent, and whether readers at large see it. Ids this reader may not see (held for
    someone else, rejected, of another thread, unknown) are listed as hidden, so a page takes
    them down; `count` is the thread's comment count for its heading.
    """
    try:
        thread = access.access_thread(thread_id, with_post=True)
        wanted = list(dict.fromkeys(_ids(request, "ids", limit=MAX_FRAGMENTS)))
    except ActionError as error:
        return _json_refusal(error)
    viewer = _viewer(request)
    # The page's own rule: visible comments, and the reader's own held ones; a moderator
    # also sees the held comments asked for (never a rejected one).
    own = access.own_held(thread.pk, viewer)
    also = frozenset(wanted) if viewer.moderator else own
    comments = []
    if wanted:
        rows = queries.ordered(thread, queries.DEFAULT_SORT, also=also).filter(pk__in=wanted)
        comments = list(rows.exclude(status=Comment.Status.REJECTED))
    _translate(request, comments)
    _mark_own_held(comments, own, viewer)
    context = {
        "thread": thread,
        "post": thread.post,
        "editable": _editable(request, thread),
        "max_indent": settings.PARLEY_MAX_INDENT,
        "show_original": _show_original(request),
    }
    out: dict[str, dict[str, Any]] = {}
    for comment in comments:
        node = tree.Node(comment=comment, level=0, detached=comment.parent_id is not None)
        html = render_to_string("parley/_comments.html", {**context, "nodes": [node]})
        out[str(comment.pk)] = {
            "html": html,
            "parent": comment.parent_id,
            "visible": comment.status in access.VISIBLE,
        }
    hidden = [pk for pk in wanted if str(pk) not in out]
    return JsonResponse({"comments": out, "hidden": hidden, "count": thread.comment_count})
