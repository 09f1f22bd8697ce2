"""Template filters for rendered comment bodies."""

from __future__ import annotations

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
