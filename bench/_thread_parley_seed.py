"""Seed Parley with bench/thread.py's threads through its actions (run with the project's venv).

Usage: PARLEY_DATA_DIR=... DJANGO_SETTINGS_MODULE=config.settings \
       .venv/bin/python bench/_thread_parley_seed.py CONTENT_JSON

Every comment goes through parley.discussion.actions.post_comment, the function the HTML
views and the API call (validation, Markdown rendering and sanitizing, mentions, tree
position, screening), with the content's own timestamps. Comments are committed in batches
of 500 (each post_comment is a savepoint inside the batch) so seeding 10,000 takes seconds.
Prints one JSON line: {slug: {"thread_id", "count", "published", "ids", "seconds"}}.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

import django

django.setup()

from django.db import transaction  # noqa: E402

from parley.discussion.actions import Commenter, post_comment  # noqa: E402
from parley.discussion.models import Comment, Thread  # noqa: E402
from parley.publishing.actions import create_post  # noqa: E402

BATCH = 500


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        threads = json.load(fh)
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
                    ids.append(comment.pk)
        published = Comment.objects.filter(thread=thread, status=Comment.Status.PUBLISHED).count()
        out[spec["slug"]] = {
            "thread_id": thread.pk,
            "count": len(ids),
            "published": published,
            "ids": ids,
            "seconds": round(time.perf_counter() - started, 2),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
