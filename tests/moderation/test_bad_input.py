"""Moderators' bad input through HTTP: decisions on a thousand comments at once (and more),
conflicts among them, and word lists that are empty, huge or do not compile."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parley.discussion.models import Comment
from parley.moderation import wordlists
from parley.moderation.actions import MAX_AT_ONCE
from parley.moderation.models import Decision, Example, WordList
from tests.moderation.conftest import post_form, set_mode

pytestmark = pytest.mark.django_db


def waiting(thread, count: int) -> list[Comment]:
    """`count` comments waiting for review, stored as an importer stores them."""
    Comment.objects.bulk_create(
        Comment(
            thread=thread,
            author_name=f"Reader {n}",
            ip_address=f"198.51.{n // 250}.{n % 250 + 1}",
            body=f"Waiting comment number {n} about the crossing.",
            body_html=f"<p>Waiting comment number {n} about the crossing.</p>",
            status=Comment.Status.PENDING,
        )
        for n in range(count)
    )
    return list(Comment.objects.filter(thread=thread).order_by("pk"))


def decide(client: Client, action: str, comments: list[Comment], **extra):
    data: dict = {"action": action, "comment": [c.pk for c in comments], **extra}
    data |= {f"expected-{c.pk}": c.status for c in comments}
    return client.post("/moderation/decide/", data)


def test_a_thousand_approvals_in_one_request_and_a_fixed_number_of_queries(
    client, moderator, thread
):
    client.force_login(moderator)
    few = waiting(thread, 10)
    with CaptureQueriesContext(connection) as for_few:
        assert decide(client, "approve", few).status_code == 302
    many = [c for c in waiting(thread, MAX_AT_ONCE) if c.status == "pending"]
    assert len(many) == MAX_AT_ONCE
    with CaptureQueriesContext(connection) as for_many:
        assert decide(client, "approve", many).status_code == 302
    assert Comment.objects.filter(status="published").count() == MAX_AT_ONCE + 10
    thread.refresh_from_db()
    assert thread.comment_count == MAX_AT_ONCE + 10
    assert Decision.objects.filter(action="approve").count() == MAX_AT_ONCE + 10
    assert Example.objects.filter(category="civil").count() == MAX_AT_ONCE + 10
    # The same statements for a hundred times the comments; only inserting the log's rows
    # and the examples takes more, in batches the database allows.
    assert len(for_many.captured_queries) <= len(for_few.captured_queries) + 30
    page = client.get("/moderation/").content.decode()
    assert f"Done for {MAX_AT_ONCE} comment(s): approved." in page


def test_more_than_the_maximum_is_refused_in_words_and_nothing_changes(client, moderator, thread):
    client.force_login(moderator)
    comments = waiting(thread, MAX_AT_ONCE + 1)
    response = decide(client, "reject", comments, category="spam")
    assert response.status_code == 400
    assert (
        "You selected 1,001 comments; one decision can take at most 1,000. "
        "Decide on them in parts." in response.content.decode()
    )
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    assert not Decision.objects.exists()


def test_a_form_with_far_too_many_fields_gets_a_sentence_not_a_bare_400(client, moderator):
    client.force_login(moderator)
    data = {"action": "approve", **{f"expected-{n}": "pending" for n in range(2_200)}}
    response = client.post("/moderation/decide/", data)
    assert response.status_code == 400
    assert "has more than 2,100 fields" in response.content.decode()


def test_conflicts_are_named_and_the_rest_is_decided(client, moderator, ana, thread):
    comments = waiting(thread, 5)
    other = Client()
    other.force_login(ana)
    decide(other, "approve", comments[1:3])
    client.force_login(moderator)
    response = decide(client, "spam", comments)  # the statuses this moderator saw: pending
    assert response.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in comments] == [
        "rejected",
        "published",
        "published",
        "rejected",
        "rejected",
    ]
    page = client.get("/moderation/").content.decode()
    assert "Done for 3 comment(s): marked as spam." in page
    for comment in comments[1:3]:
        assert f"Ana Moderator already approved comment #{comment.pk} at" in page
    assert Decision.objects.filter(action="spam").count() == 3


def test_when_every_comment_conflicts_the_answer_is_409(client, moderator, ana, thread):
    comments = waiting(thread, 3)
    other = Client()
    other.force_login(ana)
    decide(other, "approve", comments)
    client.force_login(moderator)
    response = client.post(
        "/moderation/decide/",
        {"action": "reject", "comment": [c.pk for c in comments]}
        | {f"expected-{c.pk}": "pending" for c in comments},
    )
    assert response.status_code == 409
    assert "Ana Moderator already approved comment" in response.content.decode()
    assert Decision.objects.filter(action="reject").count() == 0


def test_many_conflicts_are_summed_up(client, moderator, ana, thread):
    comments = waiting(thread, 25)
    other = Client()
    other.force_login(ana)
    decide(other, "approve", comments)
    client.force_login(moderator)
    data = {"action": "reject", "comment": [c.pk for c in comments]}
    response = client.post(
        "/moderation/decide/", data | {f"expected-{c.pk}": "pending" for c in comments}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert html.count("Ana Moderator already approved") == 10
    assert "…and 15 more like these." in html


def test_numbers_that_are_not_comments_are_errors_not_500s(client, moderator, thread):
    (comment,) = waiting(thread, 1)
    client.force_login(moderator)
    response = client.post(
        "/moderation/decide/",
        {"action": "approve", "comment": ["abc", "999999", str(comment.pk)]}
        | {"expected-999999": "pending"},
    )  # and no status seen for the real one
    assert response.status_code == 400
    html = response.content.decode()
    assert "“abc” is not a comment number." in html
    assert "Comment #999999 does not exist." in html
    assert f"The status you saw of comment #{comment.pk} is missing; reload the queue." in html
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_deleting_in_bulk_still_works_one_by_one(client, moderator, thread, no_rate_limit):
    set_mode("all")
    for n in range(3):
        post_form(Client(), f"To be removed, number {n}.", ip=f"198.51.100.{n + 1}")
    client.force_login(moderator)
    comments = list(Comment.objects.all())
    assert decide(client, "delete", comments).status_code == 302
    assert not Comment.objects.exists()
    assert Decision.objects.filter(action="delete").count() == 3


# -- word lists ----------------------------------------------------------------------------------


@pytest.fixture
def words(client, moderator):
    wordlists.forget()
    client.force_login(moderator)
    yield lambda **data: client.post(
        "/moderation/words/", {"language": "pt", "kind": "banned"} | data
    )
    wordlists.forget()


def test_the_page_says_the_limits(client, moderator):
    client.force_login(moderator)
    page = client.get("/moderation/words/").content.decode()
    assert "at most 2,000 entries of at most 200 characters each, and 60,000 characters" in page
    assert 'enctype="multipart/form-data"' in page


def test_an_entry_that_does_not_compile_is_named_and_nothing_is_saved(words):
    words(entries="porra")
    response = words(entries="caralho\n# a note\n/merd(a|o/\nfoda-se")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 3: “/merd(a|o/” is not a valid pattern (missing ), unterminated subpattern" in html
    assert "caralho\n# a note\n/merd(a|o/\nfoda-se</textarea>" in html  # kept to fix
    assert WordList.objects.get().entries == "porra"
    assert Decision.objects.count() == 1


def test_a_pattern_that_could_take_minutes_is_refused(words):
    response = words(entries=r"/(\w+\s?)+!/")
    assert response.status_code == 400
    assert "repeats a repetition, as in (a+)+" in response.content.decode()
    assert not WordList.objects.exists()


def test_a_huge_list_is_refused_with_its_limit_and_the_largest_allowed_is_saved(words):
    entries = "\n".join(f"palavra{n:05d}" for n in range(2_000))  # 27,999 characters
    assert words(entries=entries).status_code == 302
    assert len(wordlists.patterns("pt")[0]) == 1  # two thousand words, one pattern
    response = words(entries=entries + "\nmais")
    assert response.status_code == 400
    assert "The list has 2,001 entries; at most 2,000 are allowed." in response.content.decode()
    notes = "# " + "n" * 150
    response = words(entries="\n".join([notes] * 400))  # 61,199 characters of notes
    assert response.status_code == 400
    assert (
        "The list is 61,199 characters long; a list may have at most 60,000 "
        "(2,000 entries of 200 characters at most)." in response.content.decode()
    )
    response = words(entries="x" * 201)
    assert response.status_code == 400
    assert "Line 1 is 201 characters long; an entry may have at most 200." in (
        response.content.decode()
    )
    assert WordList.objects.get().entries == entries


def test_a_list_at_the_largest_length_in_four_byte_letters_fits_the_form(client, moderator):
    """The longest list the page allows fits the site's limit on a form's size."""
    from django.conf import settings

    client.force_login(moderator)
    line = "😀" * 199
    entries = "\n".join([line] * 301)[: wordlists.MAX_LENGTH]
    assert len(entries) == wordlists.MAX_LENGTH
    assert len(entries.encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        "/moderation/words/", {"language": "", "kind": "suspect", "entries": entries}
    )
    assert response.status_code == 302  # multipart, as the page's form sends it
    assert WordList.objects.get().entries == entries.strip("\n")


def test_a_form_larger_than_the_site_accepts_gets_a_sentence(client, moderator):
    client.force_login(moderator)
    response = client.post(
        "/moderation/words/",
        {"language": "pt", "kind": "banned", "entries": "palavra\n" * 40_000},
    )
    assert response.status_code == 400
    assert "The form you sent is larger than 256 KB" in response.content.decode()
    assert not WordList.objects.exists()


def test_an_empty_list_removes_the_list(words):
    words(entries="porra\ncaralho")
    assert WordList.objects.exists()
    response = words(entries="  \n\n")
    assert response.status_code == 302
    assert not WordList.objects.exists()
    assert wordlists.patterns("pt") == ([], [])
    assert Decision.objects.first().reason == "banned words for pt: cleared"
    assert words(entries="").status_code == 302  # nothing to remove: nothing logged
    assert Decision.objects.count() == 2


def test_comments_approved_in_bulk_are_translated_for_readers_like_one_approved_alone(
    client, moderator, thread, django_capture_on_commit_callbacks
):
    from parley.language.models import Translation

    comments = waiting(thread, 3)
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(language="pt")
    comments = list(Comment.objects.filter(pk__in=[c.pk for c in comments]))
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(client, "approve", comments).status_code == 302
    asked = Translation.objects.filter(kind="comment", target="en")
    assert set(asked.values_list("object_id", flat=True)) == {c.pk for c in comments}


def _tree(thread, post_as, shape: list[int | None]) -> list[Comment]:
    """Comments posted through the real action; shape[i] is the index of comment i's parent."""
    made: list[Comment] = []
    for n, parent in enumerate(shape):
        made.append(
            post_as(
                thread,
                f"Reader {n}",
                f"Comment {n} of the tree, about the crossing.",
                parent=made[parent] if parent is not None else None,
            )
        )
    return made


def _state(thread, made: list[Comment]) -> tuple:
    thread.refresh_from_db()
    rows = {c.pk: c for c in Comment.objects.filter(thread=thread)}
    index = {c.pk: n for n, c in enumerate(made)}
    return thread.comment_count, [
        None
        if c.pk not in rows
        else (
            rows[c.pk].status,
            rows[c.pk].body,
            rows[c.pk].reply_count,
            rows[c.pk].subtree_count,
            index.get(rows[c.pk].parent_id),
        )
        for c in made
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deleting_in_bulk_leaves_the_tree_as_deleting_one_by_one_does(
    client, moderator, dossier, editor, post_as, no_rate_limit, settings, seed
):
    import random

    settings.PARLEY_MODERATION_SIGNALS = []  # the two trees' comments are alike on purpose

    from parley.discussion.actions import delete_comment
    from parley.publishing.actions import create_post

    rng = random.Random(seed)
    shape: list[int | None] = [None]
    for n in range(1, 16):
        shape.append(rng.choice([None, *range(n)]))
    chosen = sorted(rng.sample(range(16), 7))
    other = create_post(slug="other", title="Another post", author=editor).thread
    bulk, single = _tree(dossier.thread, post_as, shape), _tree(other, post_as, shape)
    client.force_login(moderator)
    assert decide(client, "delete", [bulk[n] for n in chosen]).status_code == 302
    for n in chosen:
        delete_comment(Comment.objects.get(pk=single[n].pk), user=moderator)
    assert _state(dossier.thread, bulk) == _state(other, single)
    assert Decision.objects.filter(action="delete").count() == 7


def test_deleting_a_thousand_takes_the_queries_of_deleting_ten(client, moderator, thread):
    client.force_login(moderator)
    few = waiting(thread, 10)
    with CaptureQueriesContext(connection) as for_few:
        assert decide(client, "delete", few).status_code == 302
    many = waiting(thread, MAX_AT_ONCE)
    with CaptureQueriesContext(connection) as for_many:
        assert decide(client, "delete", many).status_code == 302
    assert not Comment.objects.exists()
    assert len(for_many.captured_queries) <= len(for_few.captured_queries) + 30
