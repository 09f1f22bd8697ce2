"""The sentence that drove a score, and word-list hits, marked in the queue: found in the
background task, marked without breaking the comment's markup or trusting its text."""

from __future__ import annotations

import pytest
from django.test import Client

from parley.discussion.models import Comment
from parley.moderation import highlight, learning, screening, wordlists
from tests.moderation.conftest import post_form, set_mode
from tests.moderation.test_classifier import OBVIOUS


def test_sentences_split_on_sentence_ends_and_line_breaks():
    text = "Fine point! But is it noon?\nThe letter says so… “Really.” Yes. 3.5 hours later"
    assert highlight.sentences(text) == [
        "Fine point!",
        "But is it noon?",
        "The letter says so…",
        "“Really.”",
        "Yes.",
        "3.5 hours later",
    ]


def test_a_sentence_across_inline_markup_is_marked_piece_by_piece():
    body = "<p>Fine point. You are <em>a liar</em> and\na fraud.</p>\n<p>Bye.</p>"
    marked = highlight.mark(body, ["You are a liar and a fraud."], [])
    assert marked == (
        "<p>Fine point. <mark>You are </mark><em><mark>a liar</mark></em>"
        "<mark> and\na fraud.</mark></p>\n<p>Bye.</p>"
    )


def test_text_stays_escaped_and_attributes_stay_as_they_were():
    body = (
        "<p>Try &lt;script&gt;alert(1)&lt;/script&gt; on "
        '<a href="https://x.example/?a=1&amp;b=2" title="a&gt;b">this idiot page</a>.</p>'
    )
    marked = highlight.mark(body, ["Try <script>alert(1)</script> on"], ["idiot"])
    assert "<script>" not in marked
    assert "<mark>Try &lt;script&gt;alert(1)&lt;/script&gt; on</mark>" in marked
    assert (
        '<a href="https://x.example/?a=1&amp;b=2" title="a&gt;b">this <mark>idiot</mark>' in marked
    )


def test_quotes_of_others_are_never_marked_and_words_match_whole():
    body = (
        '<blockquote class="quote quote--comment"><p>You idiot.</p></blockquote>'
        "<p>Idiots? No: an IDIOT, said the idiot.</p>"
    )
    marked = highlight.mark(body, [], ["idiot"])
    assert marked == (
        '<blockquote class="quote quote--comment"><p>You idiot.</p></blockquote>'
        "<p>Idiots? No: an <mark>IDIOT</mark>, said the <mark>idiot</mark>.</p>"
    )
    assert highlight.mark(body, ["Not in the comment."], []) == body


THREAT = "We know where you live, and we will come for you tonight with a knife."
CALM = "The letter is clear about the hour."


def _posted(body: str, ip: str) -> Comment:
    post_form(Client(), body, ip=ip)
    return Comment.objects.latest("id")


@pytest.mark.django_db
def test_the_background_task_stores_the_sentence_and_the_queue_marks_it(
    client, moderator, thread, no_rate_limit, model
):
    comment = _posted(f"{CALM} {THREAT}", "198.51.100.1")
    screening.score_later(comment.pk)
    scores = Comment.objects.get(pk=comment.pk).screening.scores
    group = highlight.deciding_group(scores)
    assert group is not None
    stored = scores[group]["sentence"]
    assert stored["text"] == THREAT and stored["score"] >= 0.5
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert f"<mark>{THREAT}</mark>" in page


@pytest.mark.django_db
def test_no_sentence_is_scored_for_a_comment_the_model_lets_be(
    thread, no_rate_limit, model, monkeypatch
):
    calls: list[str] = []
    real = learning.scores
    monkeypatch.setattr(learning, "scores", lambda text: calls.append(text) or real(text))
    civil = OBVIOUS["pt"]["civil"]
    comment = _posted(civil, "198.51.100.2")
    screening.score_later(comment.pk)
    scores = Comment.objects.get(pk=comment.pk).screening.scores
    assert highlight.deciding_group(scores) is None
    assert not any("sentence" in entry for entry in scores.values())
    assert [text.strip() for text in calls] == [civil]  # the comment itself, no sentence


@pytest.mark.django_db
def test_at_most_max_sentences_are_scored(thread, no_rate_limit, model, monkeypatch):
    calls: list[str] = []
    real = learning.scores
    monkeypatch.setattr(learning, "scores", lambda text: calls.append(text) or real(text))
    many = " ".join(f"Point {n}: we know where you live and will come for you." for n in range(30))
    comment = _posted(many, "198.51.100.3")
    screening.score_later(comment.pk)
    assert len(calls) == 1 + highlight.MAX_SENTENCES
    scores = Comment.objects.get(pk=comment.pk).screening.scores
    assert scores[highlight.deciding_group(scores)]["sentence"]["text"].startswith("Point ")


@pytest.mark.django_db
def test_a_word_list_hit_is_marked(client, moderator, thread, no_rate_limit):
    wordlists.save("", "suspect", "clown", by=moderator)
    set_mode("post")
    _posted("Only a Clown would miss the date. The letter says noon.", "198.51.100.4")
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert "Only a <mark>Clown</mark> would miss the date." in page


@pytest.mark.django_db
def test_marking_a_comment_that_tries_markup_keeps_it_text(
    client, moderator, thread, no_rate_limit
):
    wordlists.save("", "suspect", "clown", by=moderator)
    _posted('clown <script>alert("x")</script> <img src=x onerror=alert(1)> clown', "198.51.100.5")
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    item = page[page.index('class="comment-body prose"') :]
    item = item[: item.index("</div>")]
    assert item.count("<mark>clown</mark>") == 2
    assert "<script" not in item and "<img" not in item and "onerror" not in item.split("&lt;")[0]
