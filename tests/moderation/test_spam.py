"""The spam signal: link spam from first-time commenters is held before anyone sees it,
readers' sources stay published, and commenters with a history are left alone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation.models import Decision, Screening
from parley.moderation.signals import active, load
from parley.moderation.signals.spam import SpamSignal
from tests.moderation.conftest import URL, post_form

pytestmark = pytest.mark.django_db

WATCHES = (
    "Wonderful post, thanks for sharing!! We have the best prices on luxury watches: "
    "[see the sale](https://watch-outlet.example.com/sale) and "
    "https://watch-outlet.example.com/?ref=forum - free shipping worldwide!!!"
)


@pytest.fixture(autouse=True)
def _only_inline_signals(settings, no_rate_limit):
    # The classifier runs in the background worker, which these tests do not start.
    settings.PARLEY_MODERATION_SIGNALS = ["rules", "duplicates", "spam"]


def latest() -> Comment:
    comment = Comment.objects.order_by("-pk").first()
    assert comment is not None
    return comment


def summary(comment: Comment) -> str:
    return Screening.objects.get(comment=comment).summary


def visible_to_others(text: str) -> bool:
    return text in Client().get(URL).content.decode()


def test_the_signal_loads_by_its_folder_name_and_is_on_by_default():
    from config import settings as defaults

    assert isinstance(load("spam"), SpamSignal) and load("spam").inline
    assert "spam" in defaults.PARLEY_MODERATION_SIGNALS
    assert [signal.name for signal in active()] == ["rules", "duplicates", "spam"]


def test_link_spam_from_a_first_time_guest_is_held_before_anyone_sees_it(client, thread):
    response = post_form(client, WATCHES, name="Watch Outlet", website="watch-outlet.example.com")
    assert response.status_code == 302
    comment = latest()
    assert comment.status == "pending"
    assert summary(comment) == "held: looks like spam"
    assert not visible_to_others("luxury watches")
    hold = Decision.objects.get(comment_id=comment.pk)
    assert (hold.action, hold.reason, hold.after) == ("hold", "held: looks like spam", "pending")
    evidence = Screening.objects.get(comment=comment).scores["link_spam_evidence"]["reasons"]
    assert "repeated links to watch-outlet.example.com" in evidence
    assert "a referral link" in evidence


def test_the_queue_shows_why(client, thread, moderator):
    post_form(Client(), WATCHES, name="Watch Outlet")
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert "held: looks like spam" in page and "luxury watches" in page


def test_the_demo_link_spam_is_held_and_every_source_link_stays_published(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    spam = Comment.objects.get(body__contains="luxury watches")
    assert spam.status == "pending"
    assert "looks like spam" in summary(spam)
    held_as_spam = {
        s.comment_id for s in Screening.objects.filter(summary__contains="looks like spam")
    }
    linked = Comment.objects.filter(body_html__contains='href="http').exclude(pk__in=held_as_spam)
    assert linked.count() >= 15
    assert set(linked.values_list("status", flat=True)) == {"published"}
    for comment in Comment.objects.filter(pk__in=held_as_spam):
        # Only comments that sell something: watches, a trading bot.
        assert any(word in comment.body for word in ("watches", "BONUS")), comment.body


@pytest.mark.parametrize(
    "body",
    [
        # Sources in heated arguments, from first-time guests.
        "You keep repeating that, but it is simply false. The minutes are here: "
        "https://example.org/commission/minutes-41.pdf and the annex with the prices is "
        "here: https://example.org/commission/annex-2.pdf. Read before you shout!!!",
        "Watch it yourself from 31:40: https://video.example.com/watch?v=briefing-0201&t=1900",
        "https://example.org/treaty-1994.pdf",
        "Isso é mentira. O jornal publicou a carta inteira: "
        "https://noticias.example.com.br/2022/02/carta-na-integra - leiam antes de opinar.",
        "Nije tacno. Cena struje je porasla, evo izvestaja: "
        "https://example.rs/statistika/energija-2021.pdf i https://example.rs/statistika/cene.csv",
        "Это неправда, вот стенограмма целиком: https://example.ru/mid/2022/02/briefing",
        "Das stimmt nicht. Der Vertrag steht hier, Artikel 7: "
        "https://example.de/vertraege/1994/artikel-7.pdf — das Angebot der Kommission auch.",
        "No es cierto: el acuerdo de precios está aquí https://example.es/acuerdo.pdf",
    ],
)
def test_readers_links_to_sources_stay_published(client, thread, body):
    post_form(client, body, name="First Timer")
    comment = latest()
    assert comment.status == "published", Screening.objects.get(comment=comment).scores


@pytest.mark.parametrize(
    "body",
    [
        "Ganhe R$ 300 por dia sem sair de casa! Chama no zap +44 7700 900123",
        "Zaradite 500 evra nedeljno, rad od kuce! Pisite na whatsapp +44 7700 900456",
        "Заработок в интернете от 5000 руб в день! Пишите в телеграм @example_bot",
        "Geld verdienen von zu Hause: 500 € am Tag! WhatsApp +1 555 0142",
        "Gana dinero desde casa, 100 $ al día. Escríbenos al WhatsApp +1 (555) 0199",
    ],
)
def test_sales_talk_with_a_phone_number_or_messenger_is_held_without_a_link(client, thread, body):
    post_form(client, body, name="Seller")
    assert latest().status == "pending"
    assert summary(latest()) == "held: looks like spam"


def test_an_account_with_a_history_is_not_held(client, thread, rosa):
    client.force_login(rosa)
    client.post(URL + "comments/", {"body": "The ferry was late again today."})
    assert latest().status == "published"
    client.post(URL + "comments/", {"body": WATCHES})
    assert latest().status == "published"
    assert visible_to_others("luxury watches")


def test_a_new_account_is_first_time_too(client, thread, rosa):
    client.force_login(rosa)
    client.post(URL + "comments/", {"body": WATCHES})
    assert latest().status == "pending"


def test_a_trusted_commenter_is_never_held_by_it(thread, rosa, post_as):
    for n in range(3):
        post_as(thread, "", f"Civil comment number {n} about the crossing.", user=rosa)
    post_as(thread, "", WATCHES, user=rosa)
    assert latest().status == "published"
    assert "link_spam" not in Screening.objects.get(comment=latest()).scores


def test_a_guest_typing_a_regulars_address_from_elsewhere_is_still_first_time(client, thread):
    regular = {"email": "daniel@example.net"}
    post_form(client, "I was at the crossing on Monday.", ip="198.51.100.20", **regular)
    assert latest().status == "published"
    post_form(Client(), WATCHES, ip="203.0.113.50", name="Daniel", **regular)
    assert latest().status == "pending"
    # The regular himself, from his own network, has a history.
    mine = "Free shipping on my book, best prices: https://okafor.example.net/shop/book"
    post_form(Client(), mine, ip="198.51.100.20", name="Daniel", **regular)
    assert latest().status == "published"


def test_a_retry_after_a_held_comment_is_held_on_less(client, thread):
    post_form(client, WATCHES, name="Watch Outlet")
    assert latest().status == "pending"
    milder = "New models in stock, cheap: https://watch-outlet.example.com/new"
    post_form(client, milder, name="Watch Outlet")
    retry = latest()
    assert retry.status == "pending"
    evidence = Screening.objects.get(comment=retry).scores["link_spam_evidence"]["reasons"]
    assert evidence[-1] == "an earlier comment held or marked as spam"
    # As much evidence from someone else is not enough on its own.
    alike = "Cheap leather straps here: https://strap-outlet.example.com/all"
    post_form(Client(), alike, name="Someone Else", ip="198.51.100.77")
    assert latest().status == "published"


def test_an_edit_that_adds_shop_links_hides_the_comment_again(client, thread):
    post_form(client, "Interesting letter, thanks.", name="Watch Outlet")
    comment = latest()
    assert comment.status == "published"
    thread.refresh_from_db()
    count = thread.comment_count
    response = client.post(f"/c/{comment.pk}/edit/", {"body": WATCHES})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.body == WATCHES
    assert summary(comment) == "held: looks like spam"
    hold = Decision.objects.get(comment_id=comment.pk, action="hold")
    assert (hold.before, hold.after) == ("published", "pending")
    assert hold.reason == "held: looks like spam (after an edit)"
    thread.refresh_from_db()
    assert thread.comment_count == count - 1
    assert not visible_to_others("luxury watches")
    # The queue files it where a moderator looks for spam.
    assert Screening.objects.get(comment=comment).reasons["spam"]["hold"] is True


def test_an_edit_that_stays_civil_stays_published(client, thread):
    post_form(client, "The letter is here: https://example.org/letter.pdf", name="Reader")
    comment = latest()
    client.post(f"/c/{comment.pk}/edit/", {"body": "The letter: https://example.org/letter.pdf"})
    comment.refresh_from_db()
    assert comment.status == "published"
    assert not Decision.objects.filter(comment_id=comment.pk, action="hold").exists()


def test_every_entry_of_the_shipped_phrase_lists_compiles():
    """compiled() would skip a broken entry with a warning; parse() names it."""
    from parley.moderation import wordlists
    from parley.moderation.signals import spam

    for entries in (spam.PHRASES, spam.WORDS, spam.PRAISE, spam.CONTACTS):
        lines = [line for line in entries.splitlines() if line.strip()]
        assert len(wordlists.parse(entries)) == len([x for x in lines if not x.startswith("#")])


def test_moderators_and_the_posts_author_are_never_held(client, thread, moderator, editor):
    for person in (moderator, editor):
        client.force_login(person)
        client.post(URL + "comments/", {"body": WATCHES + f" ({person.username})"})
        assert latest().status == "published"
