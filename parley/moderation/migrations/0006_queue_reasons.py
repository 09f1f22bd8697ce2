"""Screening.reasons: why a comment is in the queue, by kind, for the queue's filters."""

from django.db import migrations, models

# The kinds of the classifier's groups, as parley.moderation.reasons names them.
GROUPS = ("abuse", "hate", "threat", "spam")


def backfill(apps, schema_editor):
    """Reasons of screenings stored before kinds were: from their stored scores and flags.

    Rules results of that time do not say which rule fired; they count as word-list
    reasons. A held comment no signal held was held by the policy (or a shadow-ban)."""
    Screening = apps.get_model("moderation", "Screening")
    for screening in Screening.objects.filter(reasons={}).iterator():
        scores = screening.scores or {}
        found: dict = {}
        for signal, entry in scores.items():
            if not isinstance(entry, dict) or not (entry.get("hold") or entry.get("review")):
                continue
            if signal == "rules":
                code = "words"
            elif signal in ("duplicates", "duplicates_translated"):
                code = "duplicates"
            elif signal in GROUPS:
                code = "model" if entry.get("hold") else "review"
            else:
                code = signal
            found.setdefault(code, {"hold": bool(entry.get("hold")), "words": []})
            found[code]["words"].extend(entry.get("reasons") or [])
        if screening.held and not any(entry["hold"] for entry in found.values()):
            code = "shadow" if screening.shadow else "policy"
            found[code] = {"hold": True, "words": []}
        if found:
            screening.reasons = found
            screening.save(update_fields=["reasons"])


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_model_thresholds")]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="reasons",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
