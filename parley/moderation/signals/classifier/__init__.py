"""The learned classifier: how likely a comment is abuse, hate, a threat or spam.

Runs in the background task after a comment is committed (inline = False): embedding a
comment takes tens of milliseconds. The active ClassifierVersion (parley.moderation.learning)
gives a probability for each category, combined with the words the comment contains
(learning.combine); this signal reports four groups of them:

    abuse   insult + harassment
    hate    hate
    threat  threat
    spam    spam

Each group is one Result whose score is its probability, with a reason such as "abuse 0.91"
when that is at least REASON_AT. A comment is held when its needs-review probability (the sum
over every reviewed category) reaches the policy's hold_score; the hold is carried by the
most probable group's Result. With no trained model the signal says nothing.

Near-duplicates across languages: a comment's embedding is stored on its Screening (float16
bytes); near_duplicates_across_languages() compares a new comment's embedding with the last
comments screened in the same discussion, which finds a comment posted again in translation.
Deleted and removed comments are passed over, and an edit drops the embedding until the
background task has embedded the new words.
"""

from __future__ import annotations

import numpy as np

from parley.discussion.models import Comment
from parley.moderation import learning
from parley.moderation.models import Screening
from parley.moderation.signals.base import Result, Settings, Signal, Subject

GROUPS: dict[str, tuple[str, ...]] = {
    "abuse": ("insult", "harassment"),
    "hate": ("hate",),
    "threat": ("threat",),
    "spam": ("spam",),
}
# A group's probability from which it is named among the reasons.
REASON_AT = 0.2
# How many of the discussion's latest screenings a new comment is compared with.
RECENT = 2000


def group_scores(probs: dict[str, float]) -> dict[str, float]:
    return {
        group: float(sum(probs.get(label, 0.0) for label in labels))
        for group, labels in GROUPS.items()
    }


class ClassifierSignal(Signal):
    name = "classifier"
    inline = False

    def score(self, subject: Subject, settings: Settings) -> list[Result]:
        text = subject.text or subject.body  # as screening embeds it: embedded once
        if not text.strip():
            return []
        probs = learning.scores(text)
        if probs is None:
            return []
        groups = group_scores(probs)
        total = learning.needs_review(probs)
        hold = settings.hold_score is not None and total >= settings.hold_score
        review = total >= settings.review_score
        top = max(groups, key=lambda group: groups[group])
        results = []
        for group, value in groups.items():
            reasons = [f"{group} {value:.2f}"] if value >= REASON_AT else []
            first = group == top
            if first and review and not reasons:  # reviewed categories together, none alone
                reasons = [f"needs review {total:.2f} (most likely {group} {value:.2f})"]
            results.append(
                Result(
                    signal=group,
                    score=value,
                    reasons=reasons,
                    hold=hold and first,
                    review=review and first,
                )
            )
        return results


def embedding_bytes(vector: np.ndarray) -> bytes:
    """A sentence embedding as stored on a Screening: float16, native byte order."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def embedding_of(data: bytes | memoryview) -> np.ndarray:
    """The float32 vector stored by embedding_bytes."""
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


def near_duplicates_across_languages(
    embedding: np.ndarray,
    thread_id: int,
    exclude_comment_id: int | None,
    threshold: float = 0.93,
    language: str = "",
) -> list[int]:
    """Comments of the discussion whose embedding has a cosine similarity of at least
    `threshold` with `embedding`, most similar first; compared with the RECENT latest
    screenings of the discussion that have an embedding, written in another language than
    `language` when one is given. Translations of one comment scored 0.86-0.94 with
    multilingual-e5-small, and unrelated comments sharing a mention up to 0.95: a match is a
    question for a moderator, never a reason to hide a comment."""
    query = Screening.objects.filter(comment__thread_id=thread_id, embedding__isnull=False)
    # A deleted placeholder or a removed comment is nobody's to repeat any more.
    query = query.exclude(comment__status__in=(Comment.Status.DELETED, Comment.Status.REJECTED))
    if language:
        # Same-language near-duplicates are the SimHash signal's; these are translations.
        query = query.exclude(comment__language=language).exclude(comment__language="")
    if exclude_comment_id is not None:
        query = query.exclude(comment_id=exclude_comment_id)
    rows = list(query.order_by("-id").values_list("comment_id", "embedding")[:RECENT])
    vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
    kept = [(pk, data) for pk, data in rows if data is not None and len(data) == vector.size * 2]
    if not kept:
        return []
    matrix = np.stack([embedding_of(data) for _pk, data in kept])
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(vector) or 1.0)
    similarity = matrix @ vector / np.where(norms > 0, norms, 1.0)
    order = np.argsort(-similarity, kind="stable")
    return [int(kept[i][0]) for i in order if similarity[i] >= threshold]
