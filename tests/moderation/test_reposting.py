"""A deleted comment, a "deleted" placeholder and a removed (rejected, spam) comment no longer
count as the earlier comment a new one repeats. Through HTTP and the real actions."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation import wordlists
from parley.moderation.models import Fingerprint, Screening
from tests.moderation.conftest import post_form, set_mode

pytestmark = pytest.mark.django_db

CALM = "Thanks for putting the letter and the briefing side by side, it helps a lot."
OTHER = "The trucks have waited at the crossing since Friday morning, every one of them."


@pytest.fixture(autouse=True)
def _fast_signals_only(settings, no_rate_limit):
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates"]
    wordlists.forget()


def latest() -> Comment:
    return Comment.objects.latest("pk")


def test_posting_the_same_words_after_deleting_a_comment_is_not_posted_twice(client, thread):
    post_form(client, CALM)
    comment = latest()
    assert client.post(f"/c/{comment.pk}/delete/").status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not Fingerprint.objects.filter(comment_id=comment.pk).exists()
    post_form(client, CALM)
    again = latest()
    assert again.status == "published"
    assert "duplicates" not in Screening.objects.get(comment=again).scores


def test_a_deleted_placeholder_or_a_rejected_comment_is_no_longer_repeated(
    client, thread, moderator, post_as
):
    from parley.discussion.actions import delete_comment
    from parley.moderation.actions import decide

    kept = post_as(thread, "Ana", CALM)
    post_as(thread, "Bo", "I agree with you on this one.", parent=kept)
    delete_comment(kept, user=moderator)  # it has a reply: a "deleted" placeholder stays
    assert Comment.objects.get(pk=kept.pk).status == "deleted"
    post_form(client, CALM, name="Ana", ip="198.51.100.30")
    assert latest().status == "published"

    removed = post_as(thread, "Cy", OTHER)
    decide(removed, "reject", by=moderator, expected="published")
    post_form(Client(), OTHER, name="Cy", ip="198.51.100.31")
    assert latest().status == "published"


def test_a_held_comment_still_counts_as_the_earlier_one(client, thread, moderator):
    set_mode("all")
    post_form(client, OTHER, ip="198.51.100.40")
    held = latest()
    assert held.status == "pending"
    set_mode("post")
    post_form(Client(), OTHER, name="Someone Else", ip="198.51.100.41")
    repeat = latest()
    assert repeat.status == "pending"
    assert Screening.objects.get(comment=repeat).summary == f"held: duplicate of #{held.pk}"


def test_a_removed_comment_is_no_longer_a_translation_to_ask_about(thread, moderator, post_as):
    from parley.moderation import learning
    from parley.moderation.actions import decide
    from parley.moderation.signals.classifier import (
        embedding_bytes,
        near_duplicates_across_languages,
    )

    english = "The crossing opens on Monday at noon, as the letter to the minister says."
    portuguese = "A fronteira abre na segunda-feira ao meio-dia, como diz a carta ao ministro."
    first = post_as(thread, "Ana", english)
    vectors = learning.embed([english, portuguese])
    Screening.objects.filter(comment=first).update(embedding=embedding_bytes(vectors[0]))
    # What the signal finds before and after the English comment is rejected.
    found = near_duplicates_across_languages(
        vectors[1], thread.pk, None, threshold=0.8, language="pt"
    )
    assert found == [first.pk]
    decide(first, "reject", by=moderator, expected=first.status)
    assert (
        near_duplicates_across_languages(vectors[1], thread.pk, None, threshold=0.8, language="pt")
        == []
    )
