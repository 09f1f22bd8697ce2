"""Template filters for rendered comment bodies."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_READER_TIME = re.compile(r'<time class="reader-time" datetime="([^"]+)">[^<]*</time>')


def _in_reader_zone(match: re.Match[str]) -> str:
    try:
        moment = datetime.fromisoformat(match.group(1))
    except ValueError:
        return match.group(0)
    text = dateformat.format(timezone.localtime(moment), "j F Y, H:i T")
    return f'<time class="reader-time" datetime="{match.group(1)}">{text}</time>'


@register.filter
def badge(comment, post_author_id: int | None) -> str:
    """The comment's badge ("author", "moderator" or "") under a post by that author."""
    return comment.badge(post_author_id)


@register.filter
def reader_times(body_html: str) -> SafeString:
    """Times of quoted comments, stored in the site's zone, shown in the reader's.

    The body was sanitized when stored; only the text of our own <time> elements changes.
    """
    if "reader-time" not in body_html:
        return mark_safe(body_html)  # noqa: S308
    return mark_safe(_READER_TIME.sub(_in_reader_zone, body_html))  # noqa: S308


_ID_ATTRIBUTE = re.compile(r'\sid="[^"]*"')


@register.filter
def without_ids(html: str) -> SafeString:
    """Our own rendered HTML without its id attributes: for a second copy of a text on the
    page (the original under its translation), so anchors stay unique."""
    return mark_safe(_ID_ATTRIBUTE.sub("", html))  # noqa: S308


@register.simple_tag
def repeat_note(held) -> SafeString:
    """The sentence under a held repeat, naming the earlier comment with a link to it:
    "You posted this at 10:31." (the time in the reader's zone; the date too if not today)."""
    earlier = held.repeats
    moment = timezone.localtime(earlier.created_at)
    today = moment.date() == timezone.localdate()
    shown = dateformat.format(moment, "H:i" if today else "j F Y, H:i")
    link = format_html(
        '<a href="{}"><time datetime="{}">{}</time></a>',
        earlier.get_absolute_url(),
        earlier.created_at.isoformat(),
        shown,
    )
    if held.repeats_own:
        text = _("You posted this at %(time)s.") if today else _("You posted this on %(time)s.")
    elif today:
        text = _("This repeats a comment posted at %(time)s.")
    else:
        text = _("This repeats a comment posted on %(time)s.")
    return mark_safe(escape(text) % {"time": link})  # noqa: S308  (escaped text, our link)


# An author's mark: initials on one of a few colours, both derived from the author (their
# account, or for a guest the name they sign with), so the same author looks the same on
# every page and in every thread, without any outside service.
MARK_COLOURS = 12


@register.filter
def author_mark(comment) -> dict[str, object]:
    """The initials (at most two letters) and colour number of a comment's author."""
    return mark_of(comment.author_name or "", comment.author_id)


def mark_of(name: str, account_id: int | None) -> dict[str, object]:
    """An author's mark from their name and account (None for a guest)."""
    name = name.strip()
    key = f"user:{account_id}" if account_id else f"name:{name.casefold()}"
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    words = [word for word in re.split(r"[\W_]+", name) if word]
    initials = "".join(word[0] for word in words[:2]).upper() or "?"
    return {"initials": initials, "colour": int.from_bytes(digest) % MARK_COLOURS}


# From this many comments on, a thread's comment form is one line until the reader writes in
# it, so the first screen shows the discussion rather than the form.
LONG_THREAD = 40


@register.filter
def is_long(thread) -> bool:
    """Whether a thread has enough comments to show its form compact."""
    return thread.comment_count >= LONG_THREAD
