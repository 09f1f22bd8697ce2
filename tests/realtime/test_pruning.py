"""The worker's sweep deletes events older than PARLEY_LIVE_KEEP minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parley.realtime.models import Event

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes connections


def test_the_worker_prunes_what_is_older_than_kept(thread, post_as, no_rate_limit, settings):
    settings.PARLEY_LIVE_KEEP = 10
    for n in range(3):
        post_as(thread, "John", f"Comment {n}.")
    now = timezone.now()
    Event.objects.filter(version=1).update(created_at=now - timedelta(minutes=11))
    Event.objects.filter(version=2).update(created_at=now - timedelta(minutes=9))
    call_command("worker", batch=True, verbosity=0)
    assert list(Event.objects.order_by("version").values_list("version", flat=True)) == [2, 3]
