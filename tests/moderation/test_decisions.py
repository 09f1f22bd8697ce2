"""The queue and decisions through HTTP: approve, reject, conflicts, bulk, and the log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation.models import Decision, Example
from tests.moderation.conftest import URL, post_form, set_mode

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(thread, no_rate_limit):
    set_mode("all")
    post_form(Client(), "Check the links: https://a.example https://b.example", name="Gil")
    post_form(Client(), "Another one waiting for review.", name="Hana", ip="198.51.100.4")
    return list(Comment.objects.order_by("id"))


def test_only_moderators_see_the_queue(client, rosa, held):
    assert client.get("/moderation/").status_code == 302  # to the login page
    client.force_login(rosa)
    response = client.get("/moderation/")
    assert response.status_code == 403
    assert "Only moderators can see the moderation pages." in response.content.decode()


def test_the_queue_shows_each_comment_with_why_and_history(client, moderator, held):
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert "Check the links" in page and "Another one waiting" in page
    assert "held: every comment is reviewed" in page
    assert "Earlier: 0 published, 0 held, 0 rejected." in page
    filtered = client.get("/moderation/?reason=flags").content.decode()
    assert "Nothing is waiting for review." in filtered


def test_approving_publishes_logs_and_teaches(client, moderator, held):
    client.force_login(moderator)
    first = held[0]
    response = client.post(
        "/moderation/decide/",
        {"action": "approve", "comment": first.pk, f"expected-{first.pk}": "pending"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "published"
    decision = Decision.objects.filter(comment_id=first.pk).first()
    assert (decision.action, decision.actor_name, decision.before, decision.after) == (
        "approve",
        "Moe Moderator",
        "pending",
        "published",
    )
    assert Example.objects.get().category == "civil"
    assert "Check the links" in Client().get(URL).content.decode()


def test_a_second_moderator_sees_a_conflict_not_a_lost_update(client, moderator, ana, held):
    first = held[0]
    client.force_login(ana)
    client.post(
        "/moderation/decide/",
        {"action": "approve", "comment": first.pk, f"expected-{first.pk}": "pending"},
    )
    late = Client()
    late.force_login(moderator)
    response = late.post(
        "/moderation/decide/",
        {
            "action": "reject",
            "category": "insult",
            "comment": first.pk,
            f"expected-{first.pk}": "pending",
        },
    )
    assert response.status_code == 409
    assert f"Ana Moderator already approved comment #{first.pk} at" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "published"
    assert Decision.objects.filter(comment_id=first.pk, action="reject").count() == 0


def test_bulk_decisions_and_a_ban_from_the_queue(client, moderator, held):
    client.force_login(moderator)
    data = {"action": "spam", "comment": [c.pk for c in held]}
    data |= {f"expected-{c.pk}": "pending" for c in held}
    client.post("/moderation/decide/", data)
    assert set(Comment.objects.values_list("status", flat=True)) == {"rejected"}
    assert set(Example.objects.values_list("category", flat=True)) == {"spam"}


def test_the_log_is_append_only(moderator, held):
    from parley.moderation.actions import decide

    decide(held[0], "reject", by=moderator, expected="pending", category="hate")
    entry = Decision.objects.filter(action="reject").get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=entry.pk).update(reason="rewritten")
    entry.refresh_from_db()
    assert entry.reason == "Hate"


def test_the_log_per_comment_per_commenter_and_for_the_site(client, moderator, held):
    from parley.moderation.actions import decide

    decide(held[0], "approve", by=moderator, expected="pending")
    client.force_login(moderator)
    site = client.get("/moderation/log/").content.decode()
    assert "approved" in site and "held for review" in site and "automatic" in site
    one = client.get(f"/moderation/log/?comment={held[1].pk}").content.decode()
    assert f"#{held[1].pk}" in one and "approved" not in one
    who = client.get("/moderation/log/?commenter=ip:198.51.100.4").content.decode()
    assert f"#{held[1].pk}" in who and f"#{held[0].pk}<" not in who


def test_a_broken_word_list_pattern_changes_nothing(client, moderator):
    from parley.moderation.models import WordList

    client.force_login(moderator)
    response = client.post(
        "/moderation/words/", {"language": "pt", "kind": "banned", "entries": "idiota\n/foo(/"}
    )
    assert response.status_code == 400
    assert "Line 2" in response.content.decode()
    assert not WordList.objects.exists()
    assert not Decision.objects.exists()


def test_moderators_decisions_change_the_next_score(client, moderator, thread, no_rate_limit):
    """Approvals in the queue become examples; the retrain task learns them; the very next
    comment of that kind scores lower, in a new version, with the old one kept."""
    from parley.moderation import learning
    from parley.moderation.models import ClassifierVersion
    from parley.moderation.tasks import retrain

    learning.train(note="shipped examples only")
    probe = "Helen, with all respect, you read into the letter what you want to read there."
    before = learning.needs_review(learning.scores(probe))
    assert before > 0.5  # a polite but pointed reply, which the shipped model questions
    set_mode("all")
    for n, body in enumerate(
        [
            "Tom, with respect, you are reading into the minutes what you hope to find.",
            "Ana, respectfully, the letter does not say what you want it to say.",
            "John, with all due respect, you read the treaty the way you would like it to read.",
            "Priya, I respect your work, but you are reading the table the way you want to.",
            "Helen, with respect, the press release does not say what you read into it.",
            "Marco, respectfully, you see in the transcript what you came looking for.",
        ]
    ):
        post_form(Client(), body, name=f"Reader {n}", ip=f"198.51.100.{n + 1}")
    client.force_login(moderator)
    held = list(Comment.objects.filter(status="pending"))
    data = {"action": "approve", "comment": [c.pk for c in held]}
    data |= {f"expected-{c.pk}": "pending" for c in held}
    client.post("/moderation/decide/", data)
    assert Example.objects.filter(category="civil").count() == len(held) == 6
    version = retrain.call()
    assert version == learning.active().pk
    after = learning.needs_review(learning.scores(probe))
    assert after < before - 0.2, (before, after)
    assert ClassifierVersion.objects.count() == 2
    page = client.get("/moderation/model/").content.decode()
    assert "6 moderators" in page


def test_a_time_out_from_the_queue_rejects_the_comment_or_changes_nothing(
    client, moderator, ana, held
):
    from parley.moderation.actions import decide
    from parley.moderation.models import Ban

    first, second = held
    client.force_login(moderator)
    response = client.post(
        "/moderation/decide/",
        {
            "action": "timeout",
            "reason": "Cool down",
            "days": "1",
            "category": "insult",
            "comment": first.pk,
            f"expected-{first.pk}": "pending",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "rejected"
    assert Ban.objects.get().kind == "ip"
    # Decided meanwhile by another moderator: no ban either, and a clear conflict.
    decide(second, "approve", by=ana, expected="pending")
    response = client.post(
        "/moderation/decide/",
        {
            "action": "ban",
            "reason": "Spam",
            "comment": second.pk,
            f"expected-{second.pk}": "pending",
        },
    )
    assert response.status_code == 409
    assert Ban.objects.count() == 1


def test_a_ban_length_that_is_not_a_number_is_refused(client, moderator):
    from parley.moderation.models import Ban

    client.force_login(moderator)
    response = client.post(
        "/moderation/bans/", {"kind": "ip", "value": "198.51.100.7", "reason": "x", "days": "ten"}
    )
    assert response.status_code == 400
    assert "“ten” is not a number of days" in response.content.decode()
    assert not Ban.objects.exists()


def test_the_queue_costs_the_same_queries_however_many_comments_wait(
    client, moderator, thread, no_rate_limit
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    set_mode("all")
    client.force_login(moderator)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/moderation/").status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        post_form(Client(), f"Waiting comment {n} about the crossing.", ip=f"198.51.100.{n + 1}")
    few = queries_for_page()
    for n in range(2, 12):
        post_form(Client(), f"Waiting comment {n} about the crossing.", ip=f"198.51.100.{n + 1}")
    assert queries_for_page() == few
    # The history counts each commenter's other comments.
    post_form(Client(), "A third one from the first address.", ip="198.51.100.1")
    page = client.get("/moderation/").content.decode()
    assert "Earlier: 0 published, 1 held, 0 rejected." in page
