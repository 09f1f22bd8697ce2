"""The moderation queue through HTTP: what each filter lists, the orders, each item's reasons
said once, bad parameters, the ranking limit and the queries a page costs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.discussion.models import Comment
from parley.moderation import actions, flags, queue, screening, wordlists
from tests.moderation.conftest import post_form, set_mode
from tests.moderation.test_classifier import OBVIOUS

pytestmark = pytest.mark.django_db


def _post(body: str, ip: str, name: str = "Guest", client: Client | None = None) -> Comment:
    response = post_form(client or Client(), body, name=name, ip=ip)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    return Comment.objects.latest("id")


@pytest.fixture
def mixed(thread, moderator, no_rate_limit, model):
    """One waiting comment for each kind of reason, two that do not wait, and one in
    Portuguese; by name."""
    wordlists.save("", "banned", "scoundrel", by=moderator)
    wordlists.save("", "suspect", "clown", by=moderator)
    made: dict[str, Comment] = {}
    made["calm"] = _post("The letter and the briefing agree on the hour, noon.", "198.51.100.1")
    made["links"] = _post(
        "Sources: https://a.example https://b.example https://c.example https://d.example",
        "198.51.100.2",
    )
    made["banned"] = _post("You scoundrel, read the letter before you answer me.", "198.51.100.3")
    made["suspect"] = _post(
        "Only a clown would miss the date written in the letter.", "198.51.100.4"
    )
    twice = Client()
    text = "The trucks have waited at the crossing since Friday morning, all of them."
    made["first"] = _post(text, "198.51.100.5", name="Dora", client=twice)
    made["twice"] = _post(text, "198.51.100.5", name="Dora", client=twice)
    made["flagged"] = _post("The ministry has never once told the truth here.", "198.51.100.6")
    flags.flag(
        made["flagged"],
        reporter_key="ip:192.0.2.50",
        reporter=None,
        address="192.0.2.50",
        reason="hate",
    )
    # The model: it holds at 0.5 while the threat is posted, and only asks afterwards.
    set_mode("post", hold_score=0.5)
    made["threat"] = _post(OBVIOUS["en"]["threat"], "198.51.100.7")
    screening.score_later(made["threat"].pk)
    set_mode("post", hold_score=None)
    made["hate"] = _post(OBVIOUS["en"]["hate"], "198.51.100.8")
    made["spam"] = _post(OBVIOUS["en"]["spam"], "198.51.100.9")
    made["pt"] = _post(OBVIOUS["pt"]["hate"], "198.51.100.10")
    for name in ("hate", "spam", "pt"):
        screening.score_later(made[name].pk)
    set_mode("untrusted")
    made["policy"] = _post("A new reader: thank you for the documents.", "198.51.100.11")
    for comment in made.values():
        comment.refresh_from_db()
    return made


def _listed(client, query: str = "") -> list[int]:
    response = client.get("/moderation/" + query)
    assert response.status_code == 200, response.content.decode()[:500]
    return [
        int(pk)
        for pk in re.findall(r'<li class="mod-item[^"]*" id="m(\d+)"', response.content.decode())
    ]


def _names(made: dict[str, Comment], ids: list[int]) -> set[str]:
    by_id = {comment.pk: name for name, comment in made.items()}
    return {by_id[pk] for pk in ids}


def test_each_reason_filter_lists_exactly_the_comments_with_that_reason(client, moderator, mixed):
    assert mixed["threat"].status == "pending"  # held by the model
    assert mixed["spam"].status == "pending"  # held while posting: link spam from a guest
    assert mixed["hate"].status == "published"  # questioned
    client.force_login(moderator)
    waiting = {
        "links",
        "banned",
        "suspect",
        "twice",
        "flagged",
        "threat",
        "hate",
        "spam",
        "pt",
        "policy",
    }
    assert _names(mixed, _listed(client)) == waiting
    expected = {
        "model": {"threat"},
        "review": {"hate", "spam", "pt"},
        "words": {"banned", "suspect"},
        "links": {"links"},
        "duplicates": {"twice", "pt"},  # the Portuguese one is the hate in translation
        "spam": {"spam"},
        "flags": {"flagged"},
        "policy": {"policy"},
        "shadow": set(),
    }
    for reason, names in expected.items():
        assert _names(mixed, _listed(client, f"?reason={reason}")) == names, reason


def test_show_language_post_and_age_filters(client, moderator, mixed, editor):
    from parley.publishing.actions import create_post

    client.force_login(moderator)
    assert _names(mixed, _listed(client, "?show=held")) == {
        "links",
        "banned",
        "twice",
        "threat",
        "spam",
        "policy",
    }
    assert _names(mixed, _listed(client, "?show=flagged")) == {
        "suspect",
        "flagged",
        "hate",
        "pt",
    }
    assert _names(mixed, _listed(client, "?language=pt")) == {"pt"}
    assert _names(mixed, _listed(client, "?language=pt&reason=review")) == {"pt"}
    assert _names(mixed, _listed(client, "?language=pt&reason=words")) == set()
    create_post(kind="article", slug="harbour", title="The harbour dues", author=editor)
    assert _listed(client, "?post=harbour") == []
    assert len(_listed(client, "?post=lastovo")) == 10
    Comment.objects.filter(pk=mixed["links"].pk).update(
        created_at=timezone.now() - timedelta(days=9)
    )
    assert _names(mixed, _listed(client, "?age=older")) == {"links"}
    assert "links" not in _names(mixed, _listed(client, "?age=week"))
    assert len(_listed(client, "?age=hour")) == 9


def test_an_answered_flag_no_longer_lists_the_comment_as_flagged(client, moderator, mixed):
    client.force_login(moderator)
    flagged = mixed["flagged"]
    actions.decide(flagged, "approve", by=moderator, expected="published")
    assert _names(mixed, _listed(client, "?reason=flags")) == set()


def test_a_decided_comment_flagged_again_waits_for_its_flags_alone(client, moderator, mixed):
    client.force_login(moderator)
    hate = mixed["hate"]
    actions.decide(hate, "approve", by=moderator, expected="published")
    assert hate.pk not in _listed(client)
    flags.flag(
        hate, reporter_key="ip:192.0.2.60", reporter=None, address="192.0.2.60", reason="offtopic"
    )
    assert hate.pk in _listed(client, "?reason=flags")
    assert hate.pk not in _listed(client, "?reason=review")  # the model's question is answered
    page = client.get("/moderation/").content.decode()
    item = re.search(rf'id="m{hate.pk}".*?</li>\s*(?=<li class="mod-item|</ol>)', page, re.S)
    assert "to review:" not in item.group() and "flagged: Off-topic" in item.group()
    assert "Why here: off-topic · flagged by 1 reader" in item.group()


def test_the_most_urgent_comes_first_and_the_other_orders_stay(client, moderator, mixed):
    client.force_login(moderator)
    ranked = _ordered_names(mixed, _listed(client))

    def before(*names: str) -> bool:
        return [ranked.index(name) for name in names] == sorted(ranked.index(n) for n in names)

    # Hate readers see now (the model's, and a reader's report) before the threat the model
    # hid; a held banned word (an insult) before held links (spam); spam held while posting
    # before a suspect word; links before a suspect word, before a duplicate, and last the
    # comment held only by the policy.
    assert before("hate", "threat") and before("flagged", "threat")
    assert before("flagged", "banned", "links", "suspect", "twice", "policy")
    assert before("spam", "suspect")
    assert ranked[-1] == "policy"
    by_age = sorted(
        (comment for name, comment in mixed.items() if name in ranked),
        key=lambda c: (c.created_at, c.pk),
    )
    assert _listed(client, "?order=oldest") == [c.pk for c in by_age]
    assert _listed(client, "?order=newest") == [c.pk for c in reversed(by_age)]


def _ordered_names(made, ids):
    by_id = {comment.pk: name for name, comment in made.items()}
    return [by_id[pk] for pk in ids]


def test_each_item_says_its_reasons_once_and_why_it_is_there(client, moderator, mixed):
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    item = re.search(
        rf'id="m{mixed["hate"].pk}".*?</li>\s*(?=<li class="mod-item|</ol>)', page, re.S
    )
    assert item is not None
    text = item.group()
    score = mixed["hate"].screening.scores["hate"]["score"]
    assert text.count(f"{score:.2f}") == 1  # the score, once
    assert text.count("to review:") == 1
    assert "Why here: hate · shown to readers · top-level" in text
    links = re.search(
        rf'id="m{mixed["links"].pk}".*?</li>\s*(?=<li class="mod-item|</ol>)', page, re.S
    ).group()
    assert "held: 4 links" in links and "Why here: many links · hidden until decided" in links


@pytest.mark.parametrize(
    "query, words",
    [
        ("?reason=rules", "“rules” is not a reason the queue knows"),
        ("?order=random", "“random” is not an order of the queue; use one of: priority,"),
        ("?age=year", "“year” is not an age the queue knows; use one of: hour, day,"),
        ("?show=everything", "“everything” is not a view of the queue; use one of: waiting,"),
    ],
)
def test_a_filter_no_form_offers_is_a_clear_400(client, moderator, thread, query, words):
    client.force_login(moderator)
    response = client.get("/moderation/" + query)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_past_the_ranking_limit_the_page_says_so(
    client, moderator, thread, no_rate_limit, monkeypatch
):
    set_mode("all")
    for n in range(4):
        _post(f"Waiting comment {n} about the crossing and its hours.", f"198.51.100.{n + 1}")
    client.force_login(moderator)
    monkeypatch.setattr(queue, "RANKED", 3)
    page = client.get("/moderation/").content.decode()
    assert "Only the 3 newest waiting comments are ranked" in page
    assert len(_listed(client)) == 3
    assert len(_listed(client, "?order=oldest")) == 4  # the other orders reach every one
    monkeypatch.setattr(queue, "RANKED", 4)
    assert "newest waiting comments are ranked" not in client.get("/moderation/").content.decode()


def test_pages_follow_the_order(client, moderator, thread, no_rate_limit, monkeypatch):
    set_mode("all")
    made = [
        _post(f"Waiting comment {n} on the crossing hours.", f"198.51.100.{n + 1}")
        for n in range(5)
    ]
    monkeypatch.setattr(queue, "PAGE", 2)
    client.force_login(moderator)
    seen = [pk for number in (1, 2, 3) for pk in _listed(client, f"?order=oldest&page={number}")]
    assert seen == [c.pk for c in made]
    assert _listed(client, "?order=oldest&page=9") == [made[4].pk]  # past the end: the last
    first = _listed(client, "?page=1")
    assert first == [made[0].pk, made[1].pk]  # as urgent as each other: the longest waiting
    assert 'page=2">Next page' in client.get("/moderation/?order=oldest").content.decode()


@pytest.mark.parametrize("order", ["priority", "oldest"])
def test_a_page_costs_the_same_queries_with_2_or_14_waiting(
    client, moderator, thread, no_rate_limit, order
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    set_mode("all")
    client.force_login(moderator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/moderation/?order={order}").status_code == 200
        return len(captured.captured_queries)

    def add(n: int) -> None:
        comment = _post(f"Waiting comment {n} about the crossing.", f"198.51.100.{n + 1}")
        set_mode("post")
        shown = _post(f"Flagged, number {n}.", f"198.51.100.{n + 101}")  # too short to repeat
        flags.flag(
            shown,
            reporter_key=f"ip:192.0.2.{n}",
            reporter=None,
            address=f"192.0.2.{n}",
            reason="spam",
        )
        set_mode("all")
        assert comment.status == "pending"

    for n in range(2):
        add(n)
    few = queries()
    for n in range(2, 14):
        add(n)
    assert len(_listed(client, f"?order={order}")) == 28
    assert queries() == few


def test_screenings_stored_before_reason_kinds_get_them_from_their_scores(thread, post_as):
    from importlib import import_module

    from django.apps import apps

    from parley.moderation.models import Screening

    backfill = import_module("parley.moderation.migrations.0006_queue_reasons").backfill
    old = post_as(thread, "Eli", "An old comment the model asked about.")
    held = post_as(thread, "Fay", "An old comment held by the policy.")
    links = post_as(thread, "Gus", "An old comment with many links.")
    legacy = {"abuse": {"score": 0.4, "reasons": ["abuse 0.40"], "hold": False, "review": True}}
    Screening.objects.filter(comment=old).update(scores=legacy, review=True, reasons={})
    Screening.objects.update_or_create(comment=held, defaults={"held": True, "reasons": {}})
    rules = {"rules": {"score": 1.0, "reasons": ["5 links"], "hold": True, "review": False}}
    Screening.objects.update_or_create(
        comment=links, defaults={"held": True, "scores": rules, "reasons": {}}
    )
    backfill(apps, None)
    reasons = dict(Screening.objects.values_list("comment_id", "reasons"))
    assert reasons[old.pk] == {"review": {"hold": False, "words": ["abuse 0.40"]}}
    assert reasons[held.pk] == {"policy": {"hold": True, "words": []}}
    assert reasons[links.pk] == {"words": {"hold": True, "words": ["5 links"]}}
