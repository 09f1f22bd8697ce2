"""Seed Parley with bench/thread.py's threads through its actions (run with the project's venv).

Usage: PARLEY_DATA_DIR=... DJANGO_SETTINGS_MODULE=config.settings \
       .venv/bin/python bench/_thread_parley_seed.py CONTENT_JSON

Every comment goes through parley.discussion.actions.post_comment, the function the HTML
views and the API call (validation, Markdown rendering and sanitizing, mentions, tree
position, screening with every moderation signal the settings turn on), with the content's
own timestamps. The generated bodies are drawn from a few dozen sentences, so screening
holds some as near-duplicates of earlier ones; a moderator approves each held comment at
once (discussion.actions.set_comment_status), as a site would before replies to it can be
posted, so the thread is the one generated, every comment published. Comments are committed
in batches of 500 (each post_comment is a savepoint inside the batch) so seeding 10,000 takes
seconds. The background work the seeded comments queued (scoring each one, translating the
thread) is dropped at the end, so the servers measured do not spend the run on a backlog of
thousands of tasks; what the bench's own posts queue still runs. Prints one JSON line:
{slug: {"thread_id", "count", "published", "held_then_approved", "ids", "seconds"},
 "dropped_tasks": N}.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

import django

django.setup()

from django.db import transaction  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from parley.accounts.models import User  # noqa: E402
from parley.discussion.actions import Commenter, post_comment, set_comment_status  # noqa: E402
from parley.discussion.models import Comment, Thread  # noqa: E402
from parley.publishing.actions import create_post  # noqa: E402

BATCH = 500


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        threads = json.load(fh)
    moderator = User.objects.create_user(
        "bench-moderator", "moderator@example.org", None, is_moderator=True
    )
    out = {}
    for spec in threads:
        started = time.perf_counter()
        first = spec["comments"][0]["created"] if spec["comments"] else time.time()
        post = create_post(
            kind="article",
            slug=spec["slug"],
            title=spec["title"],
            introduction=spec["introduction"],
            published_at=datetime.fromtimestamp(first - 3600, tz=UTC),
        )
        thread = Thread.objects.get(post=post)
        ids: list[int] = []
        approved = 0
        comments = spec["comments"]
        for start in range(0, len(comments), BATCH):
            with transaction.atomic():
                for c in comments[start : start + BATCH]:
                    commenter = Commenter(
                        name=c["name"],
                        email=c["email"],
                        website=c["website"],
                        client=f"ip:{c['ip']}",
                        ip=c["ip"],
                    )
                    parent_id = ids[c["parent"]] if c["parent"] is not None else None
                    comment = post_comment(
                        thread,
                        commenter=commenter,
                        body=c["body"],
                        parent_id=parent_id,
                        created_at=datetime.fromtimestamp(c["created"], tz=UTC),
                    )
                    if comment.status == Comment.Status.PENDING:
                        set_comment_status(
                            comment,
                            Comment.Status.PUBLISHED,
                            by=moderator,
                            expected=Comment.Status.PENDING,
                        )
                        approved += 1
                    ids.append(comment.pk)
        published = Comment.objects.filter(thread=thread, status=Comment.Status.PUBLISHED).count()
        out[spec["slug"]] = {
            "thread_id": thread.pk,
            "count": len(ids),
            "published": published,
            "held_then_approved": approved,
            "ids": ids,
            "seconds": round(time.perf_counter() - started, 2),
        }
    dropped, _by_model = DBTaskResult.objects.all().delete()
    print(json.dumps({**out, "dropped_tasks": dropped}))


if __name__ == "__main__":
    main()
