"""The demo thread through the whole moderation pipeline, compared with the reference judgement.

screen_demo() trains the shipped classifier (`parley train_moderation`), loads the demo
(`parley load_demo`, through the same actions the site uses: rules and near-duplicates run
while each comment is posted), then runs the background half for every comment in the order
they were posted, as the task worker would (screening.score_later: the classifier and the
cross-language "possibly a translation" check). It returns, for each comment of
discussion.json, what a moderator would do with it (its "moderation" field) and what the
pipeline did: whether it waits in the moderation queue, and which signals put it there.

The benchmark bench/demo_queue.py prints these; tests/demo/test_demo_queue.py holds them to
the demo's target. It needs a database: call it inside a test or a configured Django process.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command

from parley.demo.loader import DATA
from parley.moderation.signals.classifier import GROUPS

# At most this share of the demo's comments may wait for a moderator.
QUEUE_TARGET = 0.15

# Which signal put a comment in the queue, as the benchmark groups them.
SIGNALS = (
    "words",  # a banned or suspect word of the site's word lists
    "links",  # more links than the policy allows
    "repeated",  # repeated characters or words
    "shouting",
    "duplicates",  # the same or nearly the same text again (SimHash), a double post
    "translations",  # possibly a translation of an earlier comment (embeddings)
    "classifier",  # the learned classifier's abuse, hate, threat or spam
    "flags",  # readers' flags
    "policy",  # the policy holds everything or every untrusted commenter
)


@dataclass
class Outcome:
    key: str  # "c17", as in discussion.json
    comment_id: int | None  # None: the comment was refused while posting
    remove: str | None  # the reference label a moderator would remove it under; None: keep
    note: str
    status: str  # the comment's status after screening
    waiting: bool  # in the moderation queue (held, or published and to review or flagged)
    signals: list[str] = field(default_factory=list)  # which of SIGNALS queued it
    summary: str = ""  # the reasons, as the queue shows them
    needs_review: float | None = None  # the classifier's abuse + hate + threat + spam

    @property
    def caught(self) -> bool:
        """Waiting for a moderator, or kept from readers already."""
        return self.waiting or self.status in ("pending", "rejected")


def judgements(data_dir: Path = DATA) -> dict[str, tuple[str | None, str]]:
    """Each comment's reference judgement: (removal label or None, note)."""
    rows = json.loads((data_dir / "discussion.json").read_text(encoding="utf-8"))
    out: dict[str, tuple[str | None, str]] = {}
    for row in rows:
        value = row["moderation"]
        if value == "keep":
            out[row["key"]] = (None, "")
        else:
            out[row["key"]] = (value.get("remove"), value["note"])
    return out


def _rule_signal(reason: str) -> str:
    if reason.startswith(("banned word", "suspect word")):
        return "words"
    if reason.endswith(" links"):
        return "links"
    if reason == "repeated characters":
        return "repeated"
    if reason == "shouting":
        return "shouting"
    return "rules"  # a rule this list does not know yet


def signals_of(scores: dict, flagged: bool, summary: str) -> list[str]:
    """Which signals put a screened comment in the queue, from what its Screening stored."""
    found: list[str] = []

    def add(name: str) -> None:
        if name not in found:
            found.append(name)

    for name, result in scores.items():
        if not isinstance(result, dict) or not (result.get("hold") or result.get("review")):
            continue
        if name == "rules":
            for reason in result.get("reasons", []):
                add(_rule_signal(reason))
        elif name == "duplicates":
            add("duplicates")
        elif name == "duplicates_translated":
            add("translations")
        elif name in GROUPS:
            add("classifier")
        else:  # a signal this list does not know yet, by its own name
            add(name)
    if flagged:
        add("flags")
    if "untrusted" in summary or "every comment" in summary:
        add("policy")
    return found


def classifier_score(scores: dict) -> float | None:
    """The needs-review probability the classifier gave, from a Screening's scores."""
    groups = [scores[g]["score"] for g in GROUPS if isinstance(scores.get(g), dict)]
    return round(sum(groups), 3) if groups else None


def screen_demo(data_dir: Path = DATA) -> list[Outcome]:
    """Load the demo through the real pipeline and say what became of each comment."""
    from parley.discussion.models import Comment
    from parley.moderation import queue, screening
    from parley.moderation.models import Screening
    from parley.publishing.models import Post

    quiet = io.StringIO()
    call_command("train_moderation", stdout=quiet)
    call_command("load_demo", stdout=quiet)
    slug = json.loads((data_dir / "dossier.json").read_text(encoding="utf-8"))["post"]["slug"]
    post = Post.objects.get(slug=slug)
    comments = list(Comment.objects.filter(thread=post.thread).order_by("created_at", "id"))
    for comment in comments:  # what the worker does with each score_comment task, in order
        screening.score_later(comment.pk)

    waiting = {
        c.pk: c for c in queue.waiting(queue.Filters(post=slug)) if c.thread_id == post.thread.pk
    }
    screenings = {s.comment_id: s for s in Screening.objects.filter(comment__in=comments)}
    statuses = dict(Comment.objects.filter(thread=post.thread).values_list("pk", "status"))
    by_moment = {c.created_at: c.pk for c in comments}
    rows = json.loads((data_dir / "discussion.json").read_text(encoding="utf-8"))
    reference = judgements(data_dir)
    out: list[Outcome] = []
    for row in rows:
        pk = by_moment.get(post.published_at + timedelta(minutes=row["minutes_after"]))
        remove, note = reference[row["key"]]
        found = screenings.get(pk) if pk is not None else None
        queued = waiting.get(pk) if pk is not None else None
        out.append(
            Outcome(
                key=row["key"],
                comment_id=pk,
                remove=remove,
                note=note,
                status=statuses.get(pk, "refused") if pk is not None else "refused",
                waiting=queued is not None,
                signals=signals_of(
                    found.scores if found else {},
                    bool(queued is not None and getattr(queued, "is_flagged", False)),
                    found.summary if found else "",
                )
                if queued is not None
                else [],
                summary=found.summary if found else "",
                needs_review=classifier_score(found.scores) if found else None,
            )
        )
    return out
