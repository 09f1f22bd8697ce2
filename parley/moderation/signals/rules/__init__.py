"""Rules: the site's word lists, too many links, repeated characters and shouting.

Inline: it runs while the comment is posted. One Result lists every rule that fired, each
with its reason:

- a banned word holds the comment: banned word “x”, with the text as it was written;
- each suspect word adds 0.3, up to 1.0: suspect word “x”;
- more links than the policy allows hold it: 4 links;
- a run of six or more of one character, or one word four or more times in a row, adds 0.3:
  repeated characters;
- at least 20 cased letters, 70 % or more of them capitals, adds 0.3: shouting;
- a guest's comment that any rule fired for gets another 0.1, with no line of its own.

Each reason's kind ("banned", "suspect", "links", "repeated", "shouting") is in `kinds`, and
the words found, as written, in `marks`. The score is capped at 1.0; nothing is returned when
no rule fired. A comment not held but
scoring 0.3 or more goes to the queue and stays published.
"""

from __future__ import annotations

import re

from parley.moderation import wordlists
from parley.moderation.people import GUEST
from parley.moderation.signals.base import Result, Settings, Signal, Subject

SUSPECT_WEIGHT = 0.3
REPEATED_WEIGHT = 0.3
SHOUTING_WEIGHT = 0.3
GUEST_WEIGHT = 0.1
# A score this high (one suspect word, repeated characters or shouting) puts the comment in
# the queue; it stays published.
REVIEW_AT = 0.3
SHOUTING_LETTERS = 20
SHOUTING_SHARE = 0.7

# Six or more of one character; digits ("1000000") and whitespace are not repetition.
_RUN = re.compile(r"([^\s\d])\1{5,}")
# One word four or more times in a row, whatever is between ("spam, spam, spam, spam").
_WORDS = re.compile(r"(?<!\w)(\w+)(?:\W+\1(?!\w)){3,}")


def _matches(patterns: list[wordlists.Pattern], text: wordlists.Folded) -> list[str]:
    """Each different word the patterns find, as written (the first time it appears); a
    moderator's pattern that runs out of time finds nothing (wordlists.finditer)."""
    found: dict[str, str] = {}
    for match in wordlists.finditer(patterns, text.folded):
        if match.end() > match.start() and match.group() not in found:
            found[match.group()] = text.original(match.start(), match.end())
    return list(found.values())


def _shouting(text: str) -> bool:
    upper = sum(map(str.isupper, text))
    if upper < SHOUTING_LETTERS * SHOUTING_SHARE:
        return False
    cased = upper + sum(map(str.islower, text))
    return cased >= SHOUTING_LETTERS and upper >= SHOUTING_SHARE * cased


class RulesSignal(Signal):
    name = "rules"
    inline = True

    def score(self, subject: Subject, settings: Settings) -> list[Result]:
        text = wordlists.Folded(subject.text)
        banned, suspect = wordlists.patterns(subject.language)
        reasons: list[str] = []
        kinds: list[str] = []
        score = 0.0
        hold = False

        banned_words = _matches(banned, text)
        for word in banned_words:
            reasons.append(f"banned word “{word}”")
            kinds.append("banned")
            hold = True
        suspects = _matches(suspect, text)
        for word in suspects:
            reasons.append(f"suspect word “{word}”")
            kinds.append("suspect")
        score += min(1.0, SUSPECT_WEIGHT * len(suspects))
        if subject.links > settings.max_links:
            reasons.append(f"{subject.links} links")
            kinds.append("links")
            hold = True
        if _RUN.search(text.text) or _WORDS.search(text.folded):
            reasons.append("repeated characters")
            kinds.append("repeated")
            score += REPEATED_WEIGHT
        if _shouting(text.text):
            reasons.append("shouting")
            kinds.append("shouting")
            score += SHOUTING_WEIGHT

        if not reasons:
            return []
        if subject.author_trust == GUEST:
            score += GUEST_WEIGHT
        if hold:
            score = 1.0
        score = min(1.0, round(score, 3))
        return [
            Result(
                signal=self.name,
                score=score,
                reasons=reasons,
                hold=hold,
                review=not hold and score >= REVIEW_AT,
                kinds=tuple(kinds),
                marks=tuple(banned_words + suspects),
            )
        ]
