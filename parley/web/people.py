"""Readers' profiles: an account's public name, record and comments; its own extras.

Every reader sees the same public part (cached nowhere, built in a constant number of
queries). The account looking at its own page also sees the threads it follows, each with a
button to stop, and its comments awaiting review.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from parley.discussion import follows, people
from parley.lib.errors import NotFound
from parley.web.templatetags.parley_tags import mark_of

# Comments per page of a profile, and how many followed threads and held comments the
# account's own view lists (the latest ones).
PAGE_SIZE = 20
FOLLOWED_SHOWN = 100
HELD_SHOWN = 50
MAX_PAGE = 100_000


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= MAX_PAGE):
        raise Http404(_("A page is a number from 1 to %(n)s.") % {"n": f"{MAX_PAGE:,}"})
    return int(raw)


@require_safe
def person(request: HttpRequest, id: int) -> HttpResponse:
    try:
        shown = people.access_person(id)
    except NotFound as error:
        raise Http404(error.message) from None
    page_no = _page_number(request)
    record = people.record_of(shown)
    page = people.comments_page(shown, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if page_no > 1 and not page.comments:
        last = max(1, -(-record.comments // PAGE_SIZE))
        raise Http404(
            _("There is no page %(page)s: this reader’s comments fit on %(last)s page(s).")
            % {"page": page_no, "last": last}
        )
    own = request.user.is_authenticated and request.user.pk == shown.pk
    context = {
        "person": shown,
        # The same initials and colour as beside the account's comments.
        "mark": mark_of(shown.public_name, shown.pk),
        "record": record,
        "downvotes": settings.PARLEY_DOWNVOTES,
        "comments": page.comments,
        "page_no": page_no,
        "next_page": page_no + 1 if page.has_more else None,
        "own": own,
    }
    if own:
        context["followed"] = follows.followed_by(shown, limit=FOLLOWED_SHOWN)
        context["held"] = people.own_held(shown, limit=HELD_SHOWN)
    return render(request, "parley/person.html", context)
