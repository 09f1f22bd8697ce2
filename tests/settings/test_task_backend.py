"""PARLEY_TASK_BACKEND chooses where background tasks run: queued in the database for the
worker `parley serve` starts, or at once inside the request that queued them."""

from __future__ import annotations

import pytest

from tests.settings.cli import environment, parley

SHOW = (
    "from django.tasks import task_backends; "
    "print(type(task_backends['default']).__module__, type(task_backends['default']).__name__)"
)


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django_tasks_db.backend DatabaseBackend"),
        ("database", "django_tasks_db.backend DatabaseBackend"),
        ("immediate", "django.tasks.backends.immediate ImmediateBackend"),
    ],
)
def test_the_task_backend_follows_the_setting(tmp_path, value, backend):
    env = environment(tmp_path, **({"PARLEY_TASK_BACKEND": value} if value else {}))
    done = parley("shell", "-v", "0", "-c", SHOW, env=env)
    assert done.stdout.strip() == backend, done.stderr
