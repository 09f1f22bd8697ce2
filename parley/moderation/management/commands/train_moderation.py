"""`parley train_moderation`: train a classifier version now and make it the active one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


class Command(BaseCommand):
    help = (
        "Train the moderation classifier on the shipped examples and every moderator's "
        "decision, evaluate it, and make it the version in use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--note", default="", help="A note kept with the version.")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Only when no version exists yet (what `make run` does on a new database).",
        )

    def handle(self, *args: Any, note: str, if_missing: bool, **options: Any) -> None:
        from parley.moderation import learning

        if if_missing and (current := learning.active()) is not None:
            self.stdout.write(f"Version {current.pk} is in use; nothing to train.")
            return

        version = learning.train(note=note)
        on = version.trained_on
        metrics = version.metrics
        overall = metrics["overall"]
        self.stdout.write(
            f"Version {version.pk} is in use: trained on {on['shipped']} shipped examples and "
            f"{on['decisions']} moderators' decisions ({on['embedding']}, "
            f"{metrics.get('seconds', 0):.1f} s)."
        )
        self.stdout.write(
            f"Needs review, evaluation set ({overall['items']} comments, flagged at "
            f"{metrics['threshold']}): precision {_pct(overall['precision'])}, "
            f"recall {_pct(overall['recall'])}"
        )
        self.stdout.write(
            "  "
            + ", ".join(
                f"{lang} {_pct(m['precision'])}/{_pct(m['recall'])}"
                for lang, m in metrics["by_language"].items()
            )
            + "  (precision/recall per language)"
        )
