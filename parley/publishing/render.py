"""HTML for introductions and source documents, passage by passage.

Every top-level block of a document becomes a passage with its own anchor
(`<slug>-p<N>`), so a reader's quote links back to the exact passage. A
transcript's passages are speaker turns ("Question: ..." / "Name: ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from parley.lib import markdown
from parley.lib.sanitize import plain_text

SPEAKER = re.compile(r"^\s*(?:\*\*)?([^:\n*]{1,40}?)(?:\*\*)?\s*:\s+(?:\*\*)?", re.UNICODE)
QUESTION_LABELS = {"question", "q", "pergunta", "pitanje", "вопрос", "frage", "pregunta"}


@dataclass(frozen=True)
class Passage:
    index: int
    speaker: str
    html: str

    @property
    def text(self) -> str:
        return plain_text(self.html)


def passages(body: str, *, transcript: bool) -> list[Passage]:
    out = []
    for index, source in enumerate(markdown.blocks(body), start=1):
        speaker = ""
        if transcript and (match := SPEAKER.match(source)):
            speaker = match.group(1).strip()
            source = source[match.end() :]
        out.append(Passage(index=index, speaker=speaker, html=markdown.render(source)))
    return out


def document_html(slug: str, body: str, *, transcript: bool, post_url: str) -> SafeString:
    parts = []
    for passage in passages(body, transcript=transcript):
        anchor = f"{slug}-p{passage.index}"
        # Quoting without JavaScript: the link pre-fills the comment form with this passage.
        quote = format_html(
            '<a class="passage-quote" href="{}?quote=d:{}:{}#reply-form">{}</a>',
            post_url,
            slug,
            passage.index,
            _("Quote"),
        )
        if passage.speaker:
            role = "question" if passage.speaker.casefold() in QUESTION_LABELS else "answer"
            parts.append(
                format_html(
                    '<div class="passage turn turn--{}" id="{}" data-passage="{}">'
                    '<p class="speaker">{}</p><div class="said">{}{}</div></div>',
                    role,
                    anchor,
                    passage.index,
                    passage.speaker,
                    mark_safe(passage.html),  # noqa: S308
                    quote,
                )
            )
        else:
            parts.append(
                format_html(
                    '<div class="passage" id="{}" data-passage="{}">{}{}</div>',
                    anchor,
                    passage.index,
                    mark_safe(passage.html),
                    quote,  # noqa: S308
                )
            )
    return mark_safe("\n".join(parts))  # noqa: S308  (each part escaped or sanitized above)


def introduction_html(source: str) -> str:
    return markdown.render(source)
