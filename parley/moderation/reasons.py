"""Why a comment is in the queue, by kind: what the queue's filters and ordering read.

The signals explain themselves in words ("4 links", "abuse 0.91"); a Screening also keeps
those words grouped by the kind of reason, in `Screening.reasons`:

    {"links": {"hold": true, "words": ["4 links"]},
     "review": {"hold": false, "words": ["abuse 0.91"]}}

so that a filter is one indexed-key lookup (`reasons__has_key`), never a search of English
sentences. `hold` says whether that reason alone hides the comment. Readers' flags are not
stored here: they change without a new screening, and the queue reads them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from parley.moderation.signals.classifier import GROUPS

# Every kind, in the order an item lists them, with the words of the queue's filter.
KINDS: dict[str, Any] = {
    "model": _("Held by the model"),
    "review": _("Questioned by the model"),
    "words": _("Held or questioned by word lists and rules"),
    "links": _("Links"),
    "duplicates": _("Duplicates"),
    "spam": _("Spam"),
    "policy": _("Held by the policy (new commenters, every comment)"),
    "shadow": _("Shadow-banned commenter"),
}
# Readers' flags: a filter too, read from the flags themselves.
FLAGS = "flags"

# The kinds of the rules signal's reasons, and which of them hold a comment by themselves.
_RULE_CODES = {
    "banned": "words",
    "suspect": "words",
    "repeated": "words",
    "shouting": "words",
    "links": "links",
}
_RULES_THAT_HOLD = {"banned", "links"}
_DUPLICATE_SIGNALS = {"duplicates", "duplicates_translated"}


def _add(found: dict[str, dict], code: str, words: list[str], hold: bool) -> None:
    entry = found.setdefault(code, {"hold": False, "words": []})
    entry["hold"] = entry["hold"] or hold
    entry["words"].extend(word for word in words if word not in entry["words"])


def of(scores: dict[str, Any], policy: Sequence[str] = (), shadow: bool = False) -> dict[str, dict]:
    """The reasons by kind of a screening's stored scores (screening.as_scores), plus the
    policy's own reasons ("every comment is reviewed") and a shadow-ban."""
    found: dict[str, dict] = {}
    for signal, entry in scores.items():
        if not isinstance(entry, dict) or signal in GROUPS:
            continue
        hold, review = bool(entry.get("hold")), bool(entry.get("review"))
        if not (hold or review):
            continue
        words = list(entry.get("reasons") or [])
        kinds = list(entry.get("kinds") or [])
        if signal == "rules" and len(kinds) == len(words):
            for word, kind in zip(words, kinds, strict=True):
                _add(found, _RULE_CODES.get(kind, "words"), [word], kind in _RULES_THAT_HOLD)
        elif signal == "rules":
            _add(found, "words", words, hold)
        elif signal in _DUPLICATE_SIGNALS:
            _add(found, "duplicates", words, hold)
        else:  # another signal names its kinds, or is its own kind
            for code in kinds or [signal]:
                _add(found, code, words, hold)
    # The classifier: one of its groups carries the hold or the review for all of them.
    groups = {name: scores[name] for name in GROUPS if isinstance(scores.get(name), dict)}
    deciding = [name for name, entry in groups.items() if entry.get("hold") or entry.get("review")]
    if deciding:
        held = any(groups[name].get("hold") for name in deciding)
        words = [word for entry in groups.values() for word in entry.get("reasons") or []]
        _add(found, "model" if held else "review", words, held)
        if "spam" in deciding:
            _add(found, "spam", [], held)
    if policy:
        _add(found, "policy", list(policy), True)
    if shadow:
        _add(found, "shadow", [], True)
    return found
