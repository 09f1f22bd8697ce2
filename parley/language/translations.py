"""What each reader sees of a comment, document or post in their language, and asking for it.

Pages never wait for an engine: they show what is ready, say what is on its way,
and ask for the rest (`request`). Asking claims the rows first: in one transaction each
missing translation gets a row in the "pending" state that names its background task, and
the task is queued; a page that finds a row pending queues nothing more unless its task is
gone or failed (the worker died, the task failed), so a "translating…" that outlives its
task is asked for again. The task (language.tasks, which uses language.translator) stores
each translation as it is made and makes the thread's cached pages anew once per batch;
open pages fetch what they showed as "translating…" (web.views.translations).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parley.language import engine, providers, tasks
from parley.language.models import Translation
from parley.language.translator import MODELS, digest, forget, source_of, translate_now
from parley.lib import languages
from parley.lib.worker import is_pending

__all__ = ["ORIGINAL", "Kind", "Shown", "State", "digest", "for_reader", "forget", "request"]
__all__ += ["source_of", "translate_now"]

Kind = Translation.Kind
State = Translation.State

# A pending row whose task cannot be looked up (a backend that keeps no results, a row from
# before rows named their task) is asked for again after this long.
STALE_REQUEST = timedelta(minutes=10)


@dataclass(frozen=True)
class Shown:
    """How one object appears to a reader of `target`."""

    state: str  # "original", "translated", "pending", "unavailable" or "failed"
    source_language: str = ""
    target: str = ""
    html: str = ""
    title: str = ""
    engine_label: str = ""

    @property
    def source_name(self) -> str:
        return languages.name(self.source_language)

    @property
    def target_name(self) -> str:
        return languages.name(self.target)

    @property
    def translated(self) -> bool:
        return self.state == "translated"


ORIGINAL = Shown("original")

ORIGINAL = Shown("original")


def for_reader(kind: str, objects: list, target: str, *, ask: bool = True) -> dict[int, Shown]:
    """How each object appears to a reader of `target`; asks for what is missing (and for
    what waits on a task that is gone, when `ask`)."""
    out: dict[int, Shown] = {}
    candidates = []
    for obj in objects:
        language, current_digest = source_of(kind, obj)
        if not language or language == target or not target:
            out[obj.pk] = ORIGINAL
        else:
            candidates.append((obj, language, current_digest))
    if not candidates:
        return out
    rows = {
        row.object_id: row
        for row in Translation.objects.filter(
            kind=kind, object_id__in=[obj.pk for obj, _l, _d in candidates], target=target
        )
    }
    provider = providers.current()
    missing = []
    waiting = []
    for obj, language, current_digest in candidates:
        route = engine.route(language, target, provider)
        if route is None and provider.pairs_known():
            out[obj.pk] = Shown("unavailable", language, target)
            continue
        row = rows.get(obj.pk)
        same_text = row is not None and row.source_digest == current_digest
        same_model = (
            row is not None
            and route is not None
            and (row.engine, row.model_version) == (route.engine, route.model_version)
        )
        if row is not None and same_text and same_model and row.state == State.DONE:
            out[obj.pk] = Shown(
                "translated", language, target, row.html, row.title, route.label if route else ""
            )
        elif row is not None and same_text and same_model and row.state == State.FAILED:
            out[obj.pk] = Shown("failed", language, target)
        elif row is not None and same_text and row.state in (State.PENDING, State.RETRY):
            out[obj.pk] = Shown("pending", language, target)
            waiting.append((obj, row))
        else:
            out[obj.pk] = Shown("pending", language, target)
            missing.append(obj)
    if ask:
        missing += _lost(waiting)
        if missing:
            request(kind, missing, target, seen=rows)
    return out


def _lost(waiting: list) -> list:
    """The objects among `waiting` (object, pending row) whose task is no longer queued or
    running: one look-up per task, and a page's misses share one task."""
    now = timezone.now()
    alive: dict[str, bool | None] = {}
    lost = []
    for obj, row in waiting:
        if row.task_id and row.task_id not in alive:
            alive[row.task_id] = is_pending(tasks.translate_all, row.task_id)
        state = alive.get(row.task_id) if row.task_id else None
        if state is False or (state is None and now - row.requested_at >= STALE_REQUEST):
            lost.append(obj)
    return lost


def request(kind: str, objects: list, target: str, *, seen: dict | None = None) -> int:
    """Claim a translation of each object into `target` and queue one background task for
    what was claimed, in one transaction; returns how many were queued.

    `seen` holds the rows the caller read (object id → row). A row is claimed only if it is
    still as the caller saw it, so two pages asking at once queue each translation once.
    """
    if seen is None:
        ids = [obj.pk for obj in objects]
        seen = {
            row.object_id: row
            for row in Translation.objects.filter(kind=kind, object_id__in=ids, target=target)
        }
    provider = providers.current()
    now = timezone.now()
    token = f"claim-{uuid.uuid4().hex}"
    wanted: dict[int, Translation] = {}
    for obj in objects:
        language, current_digest = source_of(kind, obj)
        if not language or language == target:
            continue
        route = engine.route(language, target, provider)
        if route is None and provider.pairs_known():
            continue
        wanted[obj.pk] = Translation(
            kind=kind,
            object_id=obj.pk,
            target=target,
            source_language=language,
            source_digest=current_digest,
            engine=provider.name,
            model_version=route.model_version if route else "",
            state=State.PENDING,
            requested_at=now,
            attempts=0,
            error="",
            task_id=token,
        )
    if not wanted:
        return 0
    new = [row for pk, row in wanted.items() if pk not in seen]
    old = [seen[pk] for pk in wanted if pk in seen]
    with transaction.atomic():
        if new:
            Translation.objects.bulk_create(new, ignore_conflicts=True)
        if old:
            still = reduce(or_, (Q(pk=r.pk, task_id=r.task_id, state=r.state) for r in old))
            Translation.objects.filter(still).update(
                task_id=token, state=State.PENDING, requested_at=now, attempts=0, error=""
            )
        claimed = list(Translation.objects.filter(task_id=token))
        if not claimed:
            return 0
        for row in claimed:
            fresh = wanted[row.object_id]
            row.source_language, row.source_digest = fresh.source_language, fresh.source_digest
            row.engine, row.model_version = fresh.engine, fresh.model_version
        Translation.objects.bulk_update(
            claimed, ["source_language", "source_digest", "engine", "model_version"]
        )
        ids = sorted(row.object_id for row in claimed)
        # Queued in the same transaction as the claim: the task exists if and only if the
        # claim does (the worker sees neither before the commit).
        result = tasks.translate_all.enqueue(kind, ids, target)
        Translation.objects.filter(task_id=token).update(task_id=result.id)
    return len(ids)


# The most waiting rows one sweep of the worker looks at (the oldest first).
LOST_PER_SWEEP = 500


def requeue_lost(limit: int = LOST_PER_SWEEP) -> int:
    """Ask again for translations left waiting on a task that failed or is gone, even if no
    page asks (a cached page does not); the worker calls this every minute. Returns how many
    were queued again."""
    waiting = list(
        Translation.objects.filter(state__in=[State.PENDING, State.RETRY]).order_by("requested_at")[
            :limit
        ]
    )
    lost: dict[tuple[str, str], dict[int, Translation]] = {}
    for row in _lost([(row, row) for row in waiting]):
        lost.setdefault((row.kind, row.target), {})[row.object_id] = row
    queued = 0
    for (kind, target), seen in lost.items():
        objects = list(MODELS[kind].objects.filter(pk__in=list(seen)))
        queued += request(kind, objects, target, seen=seen)
        # What was not claimed again cannot be made (the object is gone, or no engine covers
        # the pair any more): its row goes, unless something changed it meanwhile.
        same = (Q(pk=r.pk, task_id=r.task_id, state=r.state) for r in seen.values())
        Translation.objects.filter(reduce(or_, same)).delete()
    return queued
