"""Following a thread from its post page (and stopping, there or from one's own profile).

The button is a POST form in the post page's own part, outside the cached comment list and
article (which every reader shares): its state and CSRF token are this reader's alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parley.discussion import access, follows
from parley.lib.errors import NotFound
from parley.lib.redirects import next_address

STATES = (follows.FOLLOWING, follows.STOPPED)


@require_POST
def follow_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Follow (state=following) or stop following (state=stopped) a thread; back to `next`."""
    try:
        thread = access.access_thread(thread_id, with_post=True)
    except NotFound as error:
        raise Http404(error.message) from None
    back = next_address(request, thread.post.get_absolute_url() + "#comments")
    if not request.user.is_authenticated:
        # Guests follow nothing: they may log in and come back to the discussion.
        return redirect_to_login(thread.post.get_absolute_url() + "#comments")
    state = request.POST.get("state", "")
    if state not in STATES:
        return render(
            request,
            "parley/error.html",
            {
                "title": _("Nothing was changed"),
                "message": _(
                    "Send state=following to follow this discussion, "
                    "or state=stopped to stop following it."
                ),
            },
            status=400,
        )
    if state == follows.FOLLOWING:
        follows.follow(request.user, thread)
        messages.success(request, _("You follow this discussion."))
    else:
        follows.stop_following(request.user, thread)
        messages.success(
            request,
            _("You no longer follow this discussion; commenting in it will not change that."),
        )
    return HttpResponseRedirect(back)
