"""People decide, models advise: the background scoring (screening.score_later, the task
`score_comment`) never changes the status of a comment a moderator has decided, nor puts it
back in the queue. The last test runs the real worker process, as `parley serve` starts it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation import learning, screening, wordlists
from parley.moderation.models import Decision, Screening
from tests.moderation.conftest import URL, post_form, set_mode
from tests.moderation.test_classifier import OBVIOUS

ROOT = Path(__file__).resolve().parents[2]
LINKS = (
    "Sources for the hour: https://a.example https://b.example https://c.example https://d.example"
)
# Long enough for the duplicates signal, with a suspect word the rules ask a review for.
SUSPECT = "Only a clown would miss the date written in the letter to the minister."
# How long the worker may take to start and score one comment before the test gives up:
# far more than it needs (a few seconds), so that a slow machine does not fail the test.
WORKER_DEADLINE = 300


@pytest.fixture
def signals(settings, no_rate_limit):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates", "classifier"]
    wordlists.forget()


def approve(moderator, comment: Comment, seen: str) -> None:
    """A moderator approves the comment from the queue, through HTTP."""
    client = Client()
    client.force_login(moderator)
    response = client.post(
        "/moderation/decide/",
        {"action": "approve", "comment": comment.pk, f"expected-{comment.pk}": seen},
    )
    assert response.status_code == 302, response.content


def in_queue(moderator, comment: Comment) -> bool:
    client = Client()
    client.force_login(moderator)
    page = client.get("/moderation/")
    assert page.status_code == 200
    return f'name="comment" value="{comment.pk}"' in page.content.decode()


def holds(entry: dict) -> bool:
    """Whether one of the classifier's groups in stored scores says to hold."""
    return any(entry.get(group, {}).get("hold") for group in ("abuse", "hate", "threat", "spam"))


def during_scoring(monkeypatch, step) -> None:
    """Run `step` while the background half embeds the comment (its slow part, before it
    takes any lock), as a moderator or the author acting at that moment would."""
    embed = learning.embed
    steps = [step]

    def embed_then_step(texts):
        vectors = embed(texts)
        while steps:
            steps.pop()()
        return vectors

    monkeypatch.setattr(learning, "embed", embed_then_step)


@pytest.mark.django_db
def test_a_held_comment_a_moderator_approved_is_not_held_again_by_the_model(
    client, thread, moderator, model, signals
):
    post_form(client, LINKS)
    comment = Comment.objects.get()
    assert comment.status == "pending"
    approve(moderator, comment, "pending")
    approved = Decision.objects.get(comment_id=comment.pk, action="approve")
    set_mode("post", hold_score=0.0)  # whatever the model says holds the comment
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    assert comment.status == "published"
    row = Screening.objects.get(comment=comment)
    assert row.scored_at is not None and holds(row.scores)  # the model's advice is kept
    assert not row.review
    assert not Decision.objects.filter(comment_id=comment.pk, pk__gt=approved.pk).exists()
    assert not in_queue(moderator, comment)


@pytest.mark.django_db
def test_an_approval_while_the_model_scores_is_not_undone(
    client, thread, moderator, model, signals, monkeypatch
):
    wordlists.save("", "suspect", "clown", by=moderator)
    post_form(client, SUSPECT)
    comment = Comment.objects.get()
    assert comment.status == "published"
    assert Screening.objects.get(comment=comment).review  # the rules ask for a review
    set_mode("post", review_score=0.0)
    during_scoring(monkeypatch, lambda: approve(moderator, comment, "published"))
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    row = Screening.objects.get(comment=comment)
    assert comment.status == "published"
    assert not row.review  # the row was not saved whole over the decision
    assert row.scored_at is not None
    assert not in_queue(moderator, comment)


@pytest.mark.django_db
def test_a_hold_score_does_not_hide_a_comment_approved_while_it_was_scored(
    client, thread, moderator, model, signals, monkeypatch
):
    post_form(client, OBVIOUS["en"]["threat"])
    comment = Comment.objects.get()
    assert comment.status == "published"
    set_mode("post", hold_score=0.0)
    during_scoring(monkeypatch, lambda: approve(moderator, comment, "published"))
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    assert comment.status == "published"
    assert not Decision.objects.filter(comment_id=comment.pk, action="hold").exists()
    assert not in_queue(moderator, comment)


@pytest.mark.django_db
def test_without_a_decision_the_model_still_holds(client, thread, moderator, model, signals):
    """The control of the tests above: the same scoring holds a comment nobody decided."""
    post_form(client, OBVIOUS["en"]["threat"])
    comment = Comment.objects.get()
    set_mode("post", hold_score=0.0)
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert Decision.objects.get(comment_id=comment.pk, action="hold").actor_id is None
    assert in_queue(moderator, comment)


@pytest.mark.django_db
def test_an_edit_after_the_approval_is_screened_again(client, thread, moderator, model, signals):
    """The decision was taken on the words as they were: new words are the model's again."""
    post_form(client, LINKS)
    comment = Comment.objects.get()
    approve(moderator, comment, "pending")
    edited = client.post(f"/c/{comment.pk}/edit/", {"body": OBVIOUS["en"]["threat"]})
    assert edited.status_code == 302
    set_mode("post", hold_score=0.0)
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.django_db
def test_scores_of_words_edited_meanwhile_are_dropped(
    client, thread, rosa, model, signals, monkeypatch
):
    from parley.discussion.actions import edit_comment

    client.force_login(rosa)
    client.post(URL + "comments/", {"body": OBVIOUS["en"]["threat"]})
    comment = Comment.objects.get()
    set_mode("post", hold_score=0.0)
    during_scoring(
        monkeypatch, lambda: edit_comment(comment, body=OBVIOUS["en"]["civil"], user=rosa)
    )
    screening.score_later(comment.pk)
    comment.refresh_from_db()
    row = Screening.objects.get(comment=comment)
    assert comment.status == "published"
    assert row.scored_at is None and row.embedding is None  # the edit queued its own scoring


# -- the real worker ------------------------------------------------------------------------


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _start_worker(tmp_path: Path) -> subprocess.Popen:
    """`parley db_worker` with the arguments `parley serve` gives it, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PARLEY_DATA_DIR": str(tmp_path),
        "PARLEY_MODERATION_SIGNALS": "rules,duplicates,classifier",
        "PYTHONUNBUFFERED": "1",
    }
    argv = [sys.executable, "-m", "parley", "db_worker", "--no-startup-delay"]
    argv += ["--no-reload", "--interval", "1"]
    return subprocess.Popen(  # noqa: S603  (our own command)
        argv,
        env=env,
        cwd=ROOT,
        stdout=(tmp_path / "worker.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_leaves_a_moderators_approval_alone(thread, moderator, tmp_path):
    from django_tasks_db.models import DBTaskResult

    learning.forget()
    learning.train()
    wordlists.forget()
    set_mode("post", hold_score=0.0)  # whatever the model says would hold the comment
    post_form(Client(), LINKS)
    comment = Comment.objects.get()
    assert comment.status == "pending"  # held by the rules (four links)
    task = DBTaskResult.objects.get(task_path__endswith="score_comment")
    assert task.status == "READY"  # queued after commit, and nobody has scored it yet
    approve(moderator, comment, "pending")
    approved = Decision.objects.get(comment_id=comment.pk, action="approve")

    worker = _start_worker(tmp_path)
    try:
        deadline = time.monotonic() + WORKER_DEADLINE
        while task.status in ("READY", "RUNNING") and worker.poll() is None:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.5)
            task.refresh_from_db()
    finally:
        _stop(worker)
    log = (tmp_path / "worker.log").read_text()
    assert task.status == "SUCCESSFUL", log

    comment.refresh_from_db()
    row = Screening.objects.get(comment=comment)
    assert row.scored_at is not None and holds(row.scores), log  # the model would hold it
    assert comment.status == "published"
    assert not row.review
    assert not Decision.objects.filter(comment_id=comment.pk, created_at__gt=approved.created_at)
    assert not in_queue(moderator, comment)
    assert "Sources for the hour" in Client().get(URL).content.decode()
    learning.forget()


def test_screening_never_imports_the_tasks():
    """moderation.tasks imports screening; the other way round would be a cycle."""
    import ast

    source = (ROOT / "parley" / "moderation" / "screening.py").read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    assert "parley.moderation.tasks" not in imported  # at module level or in a function
