"""A search as pages and the API show it: matches grouped by thread, each with a
highlighted excerpt and a link to the exact comment or document passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from parley.discussion import access
from parley.lib.errors import Invalid
from parley.publishing.models import Post
from parley.search.backends import backend
from parley.search.backends.base import Filters
from parley.search.folding import fold, fold_word
from parley.search.models import Entry
from parley.search.query import Query, parse

MAX_RESULTS = 50  # the most matches one page of a search shows
MAX_PAGES = 10  # how deep a search may page: past that, filters narrow it better
EXCERPT_WORDS = 30  # about how many words an excerpt shows
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
_TOKEN = re.compile(r"[^\W_]+")


@dataclass
class Match:
    source: str
    object_id: int
    url: str
    author: str
    language: str
    is_original: bool
    created_at: datetime
    title: str
    excerpt: SafeString


@dataclass
class Group:
    thread_id: int
    post_title: str
    post_url: str
    matches: list[Match] = field(default_factory=list)


@dataclass
class Results:
    query: Query
    groups: list[Group]
    message: str = ""
    page: int = 1
    per_page: int = MAX_RESULTS
    has_more: bool = False  # a next page has matches

    @property
    def count(self) -> int:
        """The matches on this page."""
        return sum(len(g.matches) for g in self.groups)

    @property
    def first(self) -> int:
        """The number of this page's first match, counting from 1."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def filters_from(
    *, author: str = "", language: str = "", since: str = "", until: str = "", post: str = ""
) -> Filters:
    """The filters of a request, checked: Invalid (400) with a sentence for a bad one."""
    language = (language or "").strip().lower()
    if language and not _LANGUAGE.match(language):
        raise Invalid(
            _("“%(value)s” is not a language code; use one such as “en”, “pt” or “sr”.")
            % {"value": language[:20]},
            field="language",
        )
    author = (author or "").strip()
    if len(author) > 80:
        raise Invalid(_("An author's name has at most 80 characters."), field="author")
    post_id = None
    if post := (post or "").strip():
        shown = access.published_posts().filter(slug=post[:60])
        post_id = shown.values_list("pk", flat=True).first()
        if post_id is None:
            raise Invalid(_("There is no post at this address."), field="post")
    return Filters(
        author=fold(author),
        language=language,
        since=_day(since, "since"),
        until=_day(until, "until", next_day=True),
        post_id=post_id,
    )


def _day(value: str, name: str, *, next_day: bool = False) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise Invalid(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, such as 2026-02-01.")
            % {"value": value[:20]},
            field=name,
        )
    if next_day:
        day += timedelta(days=1)  # "until" takes in the whole day
    return timezone.make_aware(datetime.combine(day, time.min))


def page_number(value: str | int | None) -> int:
    """A page of results asked for, checked: Invalid (400) with a sentence past MAX_PAGES."""
    if value in (None, ""):
        return 1
    try:
        page = int(value)
    except (TypeError, ValueError):
        page = 0
    if not 1 <= page <= MAX_PAGES:
        raise Invalid(
            _(
                "Results have pages 1 to %(max)d; to see matches further down, narrow the "
                "search with an author, a language or dates."
            )
            % {"max": MAX_PAGES},
            field="page",
        )
    return page


def search(
    text: str, filters: Filters | None = None, *, limit: int = MAX_RESULTS, page: int = 1
) -> Results:
    """What a reader finds for `text`: the `page`th `limit` matches (Invalid past the limits
    of query.py or past MAX_PAGES)."""
    page = page_number(page)
    query = parse(text)
    if query.is_empty:
        message = (
            _("Type a word or a “quoted phrase” to search.")
            if not query.text
            else _("There is no word to search for in “%(q)s”: type letters or digits.")
            % {"q": query.text[:60]}
        )
        return Results(query, [], message, page, limit)
    # More entries than shown, one more page's worth: a comment matching in its original and in
    # translations is one result, and the next page's first match says there is a next page.
    skip = (page - 1) * limit
    places = backend().query(query, filters or Filters(), (skip + limit) * 3 + 1)
    seen: set[tuple[str, int, str]] = set()
    best: list[int] = []
    for pk, source, object_id, anchor in places:
        key = (source, object_id, anchor)
        if key not in seen:
            seen.add(key)
            best.append(pk)
    ids = best[skip : skip + limit]
    has_more = len(best) > skip + limit
    rows = Entry.objects.defer("folded").in_bulk(ids)  # what the engines match, not shown
    found = Post.objects.filter(pk__in={e.post_id for e in rows.values()})
    posts = {pk: (slug, title) for pk, slug, title in found.values_list("pk", "slug", "title")}
    groups: dict[int, Group] = {}
    shown = 0
    for pk in ids:
        entry = rows.get(pk)
        if entry is None:
            continue
        slug, title = posts[entry.post_id]
        post_url = reverse("post", args=[slug])
        group = groups.get(entry.thread_id)
        if group is None:
            group = groups[entry.thread_id] = Group(entry.thread_id, title, post_url)
        group.matches.append(_match(entry, query, post_url))
        shown += 1
        if shown >= limit:
            break
    if groups:
        message = ""
    elif page > 1:
        message = _("There are no more matches for “%(q)s”.") % {"q": query.text[:60]}
    else:
        message = _("Nothing was found for “%(q)s”.") % {"q": query.text[:60]}
    return Results(query, list(groups.values()), message, page, limit, has_more)


def _match(entry: Entry, query: Query, post_url: str) -> Match:
    if entry.source == Entry.Source.COMMENT:
        url = reverse("comment", args=[entry.object_id])
    elif entry.source == Entry.Source.DOCUMENT:
        url = f"{post_url}#{entry.anchor}"
    else:
        url = post_url
    return Match(
        source=entry.source,
        object_id=entry.object_id,
        url=url,
        author=entry.author_name,
        language=entry.language,
        is_original=entry.is_original,
        created_at=entry.created_at,
        title=entry.title,
        excerpt=excerpt(entry.text or entry.title, query.words),
    )


def excerpt(text: str, wanted: frozenset[str], size: int = EXCERPT_WORDS) -> SafeString:
    """About `size` words of `text` around its first match, every matching word in <mark>,
    everything else escaped."""
    tokens = list(_TOKEN.finditer(text))
    hits = [i for i, token in enumerate(tokens) if fold_word(token.group()) in wanted]
    first = hits[0] if hits else 0
    start = max(0, first - size // 3)
    end = min(len(tokens), start + size)
    if not tokens:
        return mark_safe(escape(text[:200]))  # noqa: S308  (escaped)
    begin = tokens[start].start() if start else 0
    finish = tokens[end - 1].end() if end < len(tokens) else len(text)
    marked = set(hits)
    out = ["… " if start else ""]
    at = begin
    for i in range(start, end):
        token = tokens[i]
        if i in marked:
            out.append(escape(text[at : token.start()]))
            out.append(f"<mark>{escape(token.group())}</mark>")
            at = token.end()
    out.append(escape(text[at:finish]))
    if end < len(tokens):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped but the marks)
