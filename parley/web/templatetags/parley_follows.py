"""The follow button of a post page: this reader's own state, never in a shared cache."""

from __future__ import annotations

from django import template

from parley.discussion import follows

register = template.Library()


def _back_to(request, thread) -> str:
    """The post page as the reader has it (its order and page), else the post's address (the
    page of a refused comment answers a POST to another address)."""
    post_url = thread.post.get_absolute_url()
    here = request.get_full_path() if request.path == post_url else post_url
    return here + "#comments"


@register.inclusion_tag("parley/_follow_button.html", takes_context=True)
def follow_button(context, thread, next_url: str = "") -> dict:
    """The button for the signed-in reader (one query), or a link to log in for a guest."""
    request = context["request"]
    user = request.user
    following = user.is_authenticated and follows.is_following(user, thread)
    return {
        "request": request,
        "user": user,
        "thread": thread,
        "following": following,
        "next_url": next_url or _back_to(request, thread),
        "csrf_token": context.get("csrf_token"),
    }
