"""An edit goes through the same screening as posting: bans, rules, links, duplicates and the
classifier. Through HTTP, with the real background worker (`db_worker`, in batch mode)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from parley.discussion.models import Comment, Revision
from parley.moderation import bans, wordlists
from parley.moderation.models import Decision, Fingerprint, Screening
from parley.moderation.signals.duplicates import fingerprint, signed
from tests.moderation.conftest import URL, post_form, set_mode
from tests.moderation.test_classifier import OBVIOUS

pytestmark = pytest.mark.django_db

CALM = "Thanks for putting the letter and the briefing side by side, it helps a lot."
# Long enough for the duplicates signal (six words or more), and unlike CALM.
OTHER = "The trucks have waited at the crossing since Friday morning, every one of them."
FIVE_LINKS = (
    "You idiot, read these: https://a.example https://b.example https://c.example "
    "https://d.example https://e.example"
)


@pytest.fixture(autouse=True)
def _fast_signals_only(settings, no_rate_limit):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    wordlists.forget()


def work() -> None:
    """Run every queued background task, as the worker `parley serve` starts would."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def cosine(a, b) -> float:
    import numpy as np

    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def latest() -> Comment:
    return Comment.objects.latest("pk")


def edit(client: Client, comment: Comment, body: str):
    return client.post(f"/c/{comment.pk}/edit/", {"body": body})


# -- bans ------------------------------------------------------------------------------------


def test_a_banned_account_cannot_edit_and_nothing_changes(client, thread, rosa, moderator):
    client.force_login(rosa)
    assert client.post(URL + "comments/", {"body": CALM}).status_code == 302
    comment = latest()
    bans.ban(kind="account", value="rosa", reason="Repeated insults", by=moderator, days=7)
    response = edit(client, comment, "Now I can say what I like.")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot edit your comments until" in page
    assert "Repeated insults" in page
    comment.refresh_from_db()
    assert comment.body == CALM and comment.edited_at is None
    assert not Revision.objects.filter(comment=comment).exists()


def test_a_banned_guest_cannot_edit_through_the_api_either(thread, moderator):
    api = Client(REMOTE_ADDR="198.51.100.7")
    response = api.post(
        f"/api/v1/threads/{thread.pk}/comments",
        {"name": "Guest Gil", "body": CALM},
        content_type="application/json",
    )
    assert response.status_code == 201
    made, token = response.json()["id"], response.json()["edit_token"]
    bans.ban(kind="ip", value="198.51.100.7", reason="Flooding", by=moderator)
    response = api.patch(
        f"/api/v1/comments/{made}",
        {"body": "Edited anyway."},
        content_type="application/json",
        HTTP_X_EDIT_TOKEN=token,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "banned"
    assert response.json()["message"] == "You cannot edit your comments any more: Flooding"
    assert Comment.objects.get(pk=made).body == CALM


def test_a_moderator_may_still_edit_a_banned_commenters_comment(client, thread, rosa, moderator):
    client.force_login(rosa)
    client.post(URL + "comments/", {"body": CALM})
    comment = latest()
    bans.ban(kind="account", value="rosa", reason="Repeated insults", by=moderator)
    redactor = Client()
    redactor.force_login(moderator)
    assert edit(redactor, comment, "[removed by a moderator]").status_code == 302
    comment.refresh_from_db()
    assert comment.body == "[removed by a moderator]"


def test_a_shadow_banned_commenters_edit_hides_the_comment_again(client, thread, moderator):
    post_form(client, CALM, ip="198.51.100.8")
    comment = latest()
    assert comment.status == "published"
    bans.ban(kind="ip", value="198.51.100.8", reason="Sock puppet", by=moderator, shadow=True)
    assert edit(client, comment, CALM + " Edited.").status_code == 302  # they are not told
    comment.refresh_from_db()
    assert comment.status == "pending"
    screening = Screening.objects.get(comment=comment)
    assert screening.shadow and screening.held
    hold = Decision.objects.get(comment_id=comment.pk, action="hold")
    assert hold.reason == "held: shadow-banned (after an edit)"


# -- rules -----------------------------------------------------------------------------------


def test_an_edit_into_a_banned_word_and_five_links_is_held(client, thread, moderator):
    wordlists.save("", "banned", "idiot", by=moderator)
    post_form(client, CALM)
    comment = latest()
    thread.refresh_from_db()
    shown = thread.comment_count
    assert edit(client, comment, FIVE_LINKS).status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"
    summary = Screening.objects.get(comment=comment).summary
    assert "banned word “idiot”" in summary and "5 links" in summary
    thread.refresh_from_db()
    assert thread.comment_count == shown - 1
    assert "read these" not in Client().get(URL).content.decode()


# -- duplicates: the print follows the words --------------------------------------------------


def test_the_stored_print_follows_the_new_words(client, thread):
    post_form(client, CALM)
    comment = latest()
    assert edit(client, comment, OTHER).status_code == 302
    stored = Fingerprint.objects.get(comment_id=comment.pk)
    new = fingerprint(OTHER)
    assert new is not None
    assert (stored.simhash, stored.length) == (signed(new.simhash), new.length)
    # The earlier words are nobody's any more; the new ones are this comment's.
    post_form(Client(), CALM, name="Someone Else", ip="198.51.100.20")
    assert latest().status == "published"
    post_form(Client(), OTHER, name="Someone Else", ip="198.51.100.21")
    repeat = latest()
    assert repeat.status == "pending"
    assert Screening.objects.get(comment=repeat).summary == f"held: duplicate of #{comment.pk}"


def test_an_edit_into_words_too_short_to_compare_drops_the_print(client, thread):
    post_form(client, CALM)
    comment = latest()
    assert Fingerprint.objects.filter(comment_id=comment.pk).exists()
    assert edit(client, comment, "Thanks, noted.").status_code == 302
    assert not Fingerprint.objects.filter(comment_id=comment.pk).exists()
    post_form(Client(), CALM, name="Someone Else", ip="198.51.100.22")
    assert latest().status == "published"


# -- the classifier runs again on an edit -----------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker commits, and closes its connection
def test_an_edit_is_scored_again_by_the_worker_and_its_embedding_follows(
    client, thread, model, settings
):
    from parley.discussion import quotes
    from parley.moderation import learning
    from parley.moderation.signals.classifier import embedding_of

    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates", "classifier"]
    set_mode("post", hold_score=0.6)
    post_form(client, OBVIOUS["en"]["civil"])
    comment = latest()
    work()
    screening = Screening.objects.get(comment=comment)
    assert comment.status == "published" and screening.scored_at is not None
    first_scored = screening.scored_at
    assert edit(client, comment, OBVIOUS["en"]["threat"]).status_code == 302
    screening.refresh_from_db()
    assert screening.embedding is None  # the earlier words' embedding is gone
    work()
    comment.refresh_from_db()
    screening.refresh_from_db()
    assert comment.status == "pending"
    assert screening.scored_at > first_scored and screening.held
    assert screening.scores["threat"]["hold"] is True
    stored = embedding_of(screening.embedding)
    words = quotes.own_text(comment.body_html)  # what screening embeds
    new, old = learning.embed([words, OBVIOUS["en"]["civil"]])
    assert cosine(stored, new) > 0.999 and cosine(stored, old) < 0.95
    hold = Decision.objects.get(comment_id=comment.pk, action="hold")
    assert (hold.before, hold.after, hold.actor_id) == ("published", "pending", None)
