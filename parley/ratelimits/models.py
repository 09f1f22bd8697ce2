"""The rate-limit counters, when they are kept in the database (no REDIS_URL).

A table of its own, written only by `parley.lib.ratelimit` with one upsert per hit, so a
counter is never lost to a concurrent writer or to a cache culling entries: a row lives until
its window has ended, and only then may it be deleted.
"""

from django.db import models


class Counter(models.Model):
    # "<scope>:<key>", e.g. "login:ip:203.0.113.9" or "login-name:rosa".
    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField()
    # When the window that began with the first hit ends (seconds since the epoch). A hit after
    # that starts a new window at 1.
    ends_at = models.FloatField(db_index=True)

    class Meta:
        db_table = "parley_ratelimit_counter"

    def __str__(self) -> str:
        return f"{self.key} = {self.count}"
