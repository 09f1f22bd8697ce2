"""`parley reindex`: empty the search index and enter every post, document and comment again."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from parley.search import indexing


class Command(BaseCommand):
    help = "Rebuild the search index from the posts, documents and published comments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Comments per transaction (500)."
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            from django.core.management.base import CommandError

            raise CommandError("--batch-size must be at least 1.")
        total = indexing.total()
        done = 0
        with tqdm(
            total=total, unit="item", desc="Indexing", file=self.stderr._out, disable=None
        ) as bar:
            for done in indexing.rebuild(batch_size=batch_size):
                bar.update(done - bar.n)
        self.stdout.write(f"Indexed {done:,} posts and comments for search.")
