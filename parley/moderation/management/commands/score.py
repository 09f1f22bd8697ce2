"""`parley score FILE`: score comments with the model in use, as the site's policy would.

Reads JSON lines, each an object with `text` (and optionally `lang`), and writes each line back
with `needs_review` (0 to 1), the category scores (`scores`), and `queue` and `hold`: what the
site's policy would do with a comment of that score. Operators tune the policy's thresholds
with the same numbers the benchmark reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

# Lines embedded together: faster than one at a time, and little memory.
BATCH = 32
# The longest line read, in characters; a comment is far shorter.
MAX_LINE = 100_000


def _rows(path: Path) -> list[dict[str, Any]]:
    """The file's objects; CommandError naming the first bad line."""
    rows: list[dict[str, Any]] = []
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    with fh:
        try:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                if len(line) > MAX_LINE:
                    raise CommandError(
                        f"{path}, line {number}: the line is longer than {MAX_LINE} characters."
                    )
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(
                        f"{path}, line {number}: not JSON ({exc.msg}); each line must be one "
                        'object such as {"text": "...", "lang": "en"}.'
                    ) from None
                if not isinstance(row, dict):
                    raise CommandError(
                        f"{path}, line {number}: a JSON object is needed, with a “text”."
                    )
                text = row.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise CommandError(
                        f"{path}, line {number}: no “text”: each object needs a non-empty "
                        "string “text”."
                    )
                if "lang" in row and not isinstance(row["lang"], str):
                    raise CommandError(f"{path}, line {number}: “lang” must be a string.")
                rows.append(row)
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
    return rows


class Command(BaseCommand):
    help = (
        "Score comments (JSON lines with “text” and optionally “lang”) with the moderation "
        "model in use: each line comes back with needs_review, the category scores, and "
        "whether the site's policy would queue or hold it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help='JSON lines: {"text": ..., "lang": ...}')
        parser.add_argument("--output", type=Path, help="Write here instead of to stdout.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args: Any, file: Path, output: Path | None, **options: Any) -> None:
        from parley.moderation import learning, policy

        rows = _rows(file)
        if learning.loaded() is None:
            raise CommandError(
                "No moderation model is in use: train one first (parley train_moderation)."
            )
        site = policy.site()
        results: list[str] = []
        bar = tqdm(
            total=len(rows),
            unit="comment",
            file=self.stderr._out,  # the stream itself: tqdm writes carriage returns
            disable=bool(options.get("no_progress")),
            desc="Scoring",
        )
        with bar:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                texts = [row["text"] for row in batch]
                found = learning.scores_of(learning.embed(texts), texts)
                if found is None:
                    raise CommandError("The moderation model stopped being available.")
                for row, probs in zip(batch, found, strict=True):
                    total = learning.needs_review(probs)
                    results.append(
                        json.dumps(
                            {
                                **row,
                                "needs_review": round(total, 4),
                                "scores": {k: round(v, 4) for k, v in probs.items()},
                                "queue": total >= site.review_score,
                                "hold": site.hold_score is not None and total >= site.hold_score,
                            },
                            ensure_ascii=False,
                        )
                    )
                bar.update(len(batch))
        self._write(results, output)

    def _write(self, lines: list[str], output: Path | None) -> None:
        if output is None:
            for line in lines:
                self.stdout.write(line)
            return
        try:
            with open(output, "w", encoding="utf-8") as out:
                _write_lines(out, lines)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from None


def _write_lines(out: TextIO, lines: list[str]) -> None:
    for line in lines:
        out.write(line + "\n")
