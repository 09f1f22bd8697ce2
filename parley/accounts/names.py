"""The check every name a person chooses passes: guests' names and accounts' display names.

Staff (moderators, administrators and editors: `User.is_site_staff`) keep whatever name they
choose. Everyone else may not take a staff member's name, a word for a staff role, a symbol
that looks like a badge, or a word that mixes alphabets (`parley.lib.names`). Names are
checked when they are chosen (a guest's comment, sign-up, account settings); nothing is
re-checked when someone becomes staff later (docs/moderation.md, "Names").
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.lib import names
from parley.lib.errors import Invalid


def _staff() -> Q:
    return Q(is_moderator=True) | Q(is_superuser=True) | Q(is_staff=True)


def protected_names(*, also: Q | None = None, exclude: int | None = None) -> dict[str, str]:
    """The staff's names (display names and usernames) by their look-alike key; one query.

    `also` adds other accounts whose names are protected here (a post's author).
    """
    wanted = _staff() | also if also is not None else _staff()
    rows = User.objects.filter(wanted, is_active=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    out: dict[str, str] = {}
    for username, display_name in rows.values_list("username", "display_name"):
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
    also: Q | None = None,
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
    problem = names.problem(cleaned, protected=protected_names(also=also, exclude=exclude))
    if problem is not None:
        raise Invalid(message(problem), field=field, code="name_reserved")
    return cleaned
