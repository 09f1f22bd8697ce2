"""`parley translate`: translate a post (its documents and discussion) or the whole site now,
with a progress bar, instead of waiting for readers to ask."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from parley.discussion.models import Comment
from parley.language import reader, translations
from parley.language.models import Translation
from parley.lib import languages
from parley.publishing.models import Post, SourceDocument


class Command(BaseCommand):
    help = "Translate comments, documents and posts into reader languages ahead of time."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--post", metavar="SLUG", help="One post, its documents and comments.")
        which.add_argument("--thread", type=int, metavar="ID", help="One discussion thread.")
        which.add_argument("--all", action="store_true", help="Every published post.")
        parser.add_argument(
            "--to",
            default=",".join(settings.PARLEY_TRANSLATE_INTO),
            help="Comma-separated target languages (default: PARLEY_TRANSLATE_INTO).",
        )
        parser.add_argument(
            "--again", action="store_true", help="Translate again what is already translated."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, post, thread, all, to, again, no_progress, **options):
        targets = [languages.canonical(code) for code in to.split(",") if code.strip()]
        unknown = [code for code in targets if not languages.is_known(code)]
        if not targets or unknown:
            raise CommandError(
                f"--to needs language codes such as {','.join(reader.offered()[:3])}; "
                f"unknown: {', '.join(unknown) or '(none given)'}."
            )
        posts = Post.objects.filter(is_published=True)
        if post:
            posts = posts.filter(slug=post)
            if not posts.exists():
                raise CommandError(f"No published post has the slug “{post}”.")
        comments = Comment.objects.filter(status=Comment.Status.PUBLISHED)
        if thread:
            comments = comments.filter(thread_id=thread)
            if not comments.exists() and not Post.objects.filter(thread__id=thread).exists():
                raise CommandError(f"There is no thread {thread}.")
            posts = posts.filter(thread__id=thread)
        else:
            comments = comments.filter(thread__post__in=posts)
        work: list[tuple[str, Any]] = []
        work += [(Translation.Kind.POST, p) for p in posts]
        documents = SourceDocument.objects.filter(post__in=posts)
        work += [(Translation.Kind.DOCUMENT, d) for d in documents]
        work += [(Translation.Kind.COMMENT, c) for c in comments.order_by("id")]
        jobs = []
        for target in targets:
            for kind, obj in work:
                language, _digest = translations.source_of(kind, obj)
                if not language or language == target:
                    continue
                if not again:
                    shown = translations.for_reader(kind, [obj], target, ask=False)[obj.pk]
                    if shown.state in ("translated", "unavailable"):
                        continue
                jobs.append((kind, obj.pk, target))
        results: Counter[str] = Counter()
        for kind, pk, target in tqdm(
            jobs, unit="item", disable=no_progress or not jobs, desc="Translating"
        ):
            results[translations.translate_now(kind, pk, target)] += 1
        done = results.pop(Translation.State.DONE, 0)
        summary = f"Translated {done} of {len(jobs)} items into {', '.join(targets)}."
        if results:
            summary += " Others: " + ", ".join(f"{n} {state}" for state, n in results.items())
        self.stdout.write(summary)
