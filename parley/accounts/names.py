"""The check every name a person chooses passes: guests' names and accounts' display names.

Staff (moderators, administrators and editors: `User.is_site_staff`) keep whatever name they
choose. Everyone else may not take a staff member's name, a word for a staff role, a symbol
that looks like a badge, or a word that mixes alphabets (`parley.lib.names`). Names are
checked when they are chosen (a guest's comment, sign-up, account settings); nothing is
re-checked when someone becomes staff later (docs/moderation.md, "Names").
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.lib import names
from parley.lib.errors import Invalid


def protected_names(*, thread_id: int | None = None, exclude: int | None = None) -> dict[str, str]:
    """The staff's names (display names and usernames) by their look-alike key; one query.

    `thread_id` adds the author of that thread's post, whose name is protected there.
    Checked on every guest's comment, so never cached (a new moderator's name is protected at
    once in every server process) and written out: the ORM would take longer to build the
    query than the database takes to run it.
    """
    user = connection.ops.quote_name(User._meta.db_table)
    wanted = "is_moderator OR is_superuser OR is_staff"
    params: list[int] = []
    if thread_id is not None:
        post = connection.ops.quote_name(apps.get_model("publishing", "Post")._meta.db_table)
        thread = connection.ops.quote_name(apps.get_model("discussion", "Thread")._meta.db_table)
        wanted += (
            f" OR id IN (SELECT p.author_id FROM {post} p JOIN {thread} t ON t.post_id = p.id"  # noqa: S608
            " WHERE t.id = %s)"
        )
        params.append(thread_id)
    sql = f"SELECT username, display_name FROM {user} WHERE is_active AND ({wanted})"  # noqa: S608  (no input in it)
    if exclude is not None:
        sql += " AND id <> %s"
        params.append(exclude)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[str, str] = {}
    for username, display_name in rows:
        shown = display_name or username
        for name in (display_name, username):
            if name and (key := names.protected_key(name)):
                out.setdefault(key, shown)
    return out


def message(problem: names.Problem) -> str:
    """What is wrong with the name and what to change, for the person who chose it."""
    if problem.kind == "badge_symbol":
        return _("Names cannot contain “%(symbol)s”: it looks like a staff badge. Remove it.") % {
            "symbol": problem.found
        }
    if problem.kind == "mixed_script":
        return _(
            "“%(word)s” mixes letters of different alphabets (such as a Cyrillic “а” among "
            "Latin letters), so it can pass for another name. Write each word in one alphabet."
        ) % {"word": problem.found}
    if problem.kind == "staff_name":
        return _(
            "“%(name)s” is the name of someone on this site's staff, or looks like it. "
            "Choose a name of your own."
        ) % {"name": problem.found}
    return _(
        "Names cannot contain “%(word)s” or a word that looks like it: words for the site's "
        "staff and their badges are kept for the staff. Choose a name without it."
    ) % {"word": problem.found}


def check_name(
    name: str,
    *,
    field: str,
    user: User | None = None,
    thread_id: int | None = None,
    empty_message: str | None = None,
    max_length: int | None = None,
) -> str:
    """The cleaned name, or Invalid (on `field`) saying what to change.

    Invisible and bidirectional control characters are removed, not refused; a name left
    empty by that is refused. `user` is the account choosing the name (None for a guest);
    staff accounts skip the impersonation checks.
    """
    cleaned = names.clean(name)
    if not cleaned:
        raise Invalid(
            empty_message or _("The name has no visible characters. Type a name with letters."),
            field=field,
            code="name_required",
        )
    if max_length is not None and len(cleaned) > max_length:
        raise Invalid(
            _("Names are limited to %(limit)s characters.") % {"limit": max_length},
            field=field,
            code="name_too_long",
        )
    if user is not None and user.pk is not None and user.is_site_staff:
        return cleaned
    exclude = user.pk if user is not None else None
    problem = names.problem(
        cleaned, protected=protected_names(thread_id=thread_id, exclude=exclude)
    )
    if problem is not None:
        raise Invalid(message(problem), field=field, code="name_reserved")
    return cleaned
