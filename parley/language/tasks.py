"""Background tasks of the language app (Django's tasks API; `parley worker` runs them).

Each task translates rows that language.translations claimed for it (their `task_id`);
a finished translation is kept, never made again.
"""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from parley.language import translator
from parley.language.models import Translation

# Higher runs first (Django's tasks range from -100 to 100): translations wait for comment
# scoring (moderation, 50) and go before retraining the classifier (-50).
PRIORITY_TRANSLATION = -10


@task(queue_name="default", priority=PRIORITY_TRANSLATION)
def translate(kind: str, object_id: int, target: str) -> str:
    """Translate one comment, document or post into one language (a retry after the engine
    was down); see translator.translate_now."""
    state = translator.translate_now(kind, object_id, target, keep_done=True)
    if state == Translation.State.RETRY:
        retry_later(kind, object_id, target)
    return state


@task(queue_name="default", priority=PRIORITY_TRANSLATION)
def translate_all(kind: str, object_ids: list[int], target: str) -> list[str]:
    """Translate the objects a page asked for, one after the other. Each is stored as it is
    made (open pages fetch it from /translations/); the thread's cached pages are made anew
    once, at the end, not once per comment."""
    states = []
    changed = []
    try:
        for object_id in object_ids:
            state = translator.translate_now(kind, object_id, target, keep_done=True, touch=False)
            states.append(state)
            if state in (Translation.State.DONE, Translation.State.FAILED):
                changed.append(object_id)
            elif state == Translation.State.RETRY:
                retry_later(kind, object_id, target)
    finally:
        translator.touch_threads(kind, changed)
    return states


def retry_later(kind: str, object_id: int, target: str) -> None:
    """Queue the next try of a translation whose engine was down, and give the row to it."""
    row = Translation.objects.filter(
        kind=kind, object_id=object_id, target=target, state=Translation.State.RETRY
    ).first()
    if row is None:
        return
    later = translate.using(run_after=timezone.now() + translator.retry_delay(row.attempts))
    result = later.enqueue(kind, object_id, target)
    Translation.objects.filter(pk=row.pk, state=Translation.State.RETRY).update(task_id=result.id)
