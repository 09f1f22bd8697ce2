"""`parley score FILE`: scores as the site's policy would use them, and clear errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from parley.moderation import learning, policy

HEATED = "The ministry lied about the flow figures again, and the minutes prove it."
ATTACK = "@Marko you are a pathetic idiot and a lying piece of shit, shut up."


def write(tmp_path, lines: list[str]):
    path = tmp_path / "comments.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_each_line_comes_back_with_scores_and_the_policys_verdict(tmp_path):
    learning.train()
    site = policy.site()
    site.hold_score = 0.9
    site.save()
    path = write(
        tmp_path,
        [json.dumps({"text": HEATED, "lang": "en", "id": 1}), json.dumps({"text": ATTACK})],
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("score", str(path), stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]

    assert [r["id"] for r in rows if "id" in r] == [1] and rows[0]["lang"] == "en"
    for row in rows:
        assert 0 <= row["needs_review"] <= 1
        assert set(row["scores"]) == set(learning.LABELS)
        assert row["needs_review"] == pytest.approx(learning.needs_review(row["scores"]), abs=1e-3)
        assert row["queue"] == (row["needs_review"] >= site.review_score)
        assert row["hold"] == (row["needs_review"] >= 0.9)
    assert rows[1]["needs_review"] > rows[0]["needs_review"]
    assert rows[1]["queue"] and not rows[0]["queue"]
    # The same numbers as scoring a comment on the site.
    assert rows[1]["needs_review"] == pytest.approx(
        learning.needs_review(learning.scores(ATTACK)), abs=1e-3
    )
    assert "2/2" in err.getvalue()  # the progress bar, on stderr


@pytest.mark.django_db
def test_output_goes_to_a_file(tmp_path):
    learning.train()
    path = write(tmp_path, [json.dumps({"text": HEATED})])
    target = tmp_path / "scored.jsonl"
    out = io.StringIO()
    call_command("score", str(path), "--output", str(target), stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""
    (row,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == HEATED and "queue" in row and row["hold"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"text": "fine"}', "{not json"], "line 2: not JSON"),
        (['{"text": "fine"}', "", '{"lang": "en"}'], "line 3: no “text”"),
        (['{"text": "   "}'], "line 1: no “text”"),
        (['["text"]'], "line 1: a JSON object is needed"),
        (['{"text": "fine", "lang": 3}'], "line 1: “lang” must be a string"),
    ],
)
def test_a_bad_line_is_named(tmp_path, lines, message):
    learning.train()
    path = write(tmp_path, lines)
    out = io.StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("score", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""  # nothing half-written


@pytest.mark.django_db
def test_a_line_over_the_limit_is_refused(tmp_path):
    from parley.moderation.management.commands.score import MAX_LINE

    learning.train()
    path = write(tmp_path, [json.dumps({"text": "x" * MAX_LINE})])
    with pytest.raises(CommandError, match=f"line 1: the line is longer than {MAX_LINE}"):
        call_command("score", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_a_missing_file_or_model_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("score", str(tmp_path / "none.jsonl"), stderr=io.StringIO())
    path = write(tmp_path, [json.dumps({"text": HEATED})])
    with pytest.raises(CommandError, match="No moderation model is in use"):
        call_command("score", str(path), stderr=io.StringIO())
