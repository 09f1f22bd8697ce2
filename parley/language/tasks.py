"""Background tasks of the language app (Django's tasks API; `parley serve` runs the worker)."""

from __future__ import annotations

from django.tasks import task

from parley.language import translations


@task(queue_name="default")
def translate(kind: str, object_id: int, target: str) -> str:
    """Translate one comment, document or post into one language; see translations.translate_now."""
    return translations.translate_now(kind, object_id, target)


@task(queue_name="default")
def translate_all(kind: str, object_ids: list[int], target: str) -> list[str]:
    """Translate the objects a page asked for, one after the other (each stored as it is
    made, so open pages receive them one by one)."""
    return [translations.translate_now(kind, object_id, target) for object_id in object_ids]
