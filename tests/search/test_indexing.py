"""The index follows every change to comments, posts and documents, and holds only what
every reader may see."""

from datetime import timedelta

from django.utils import timezone

from parley.discussion import actions
from parley.discussion.models import Comment
from parley.language.models import Translation
from parley.language.translator import source_of, touch_threads
from parley.publishing.actions import save_document, save_post
from parley.search.models import Entry
from tests.moderation.conftest import set_mode


def test_a_posted_comment_is_found_by_folded_words_and_its_author(commented, found):
    first, second = commented
    assert found("lastovo noon", only="comment") == [("comment", first.pk)]
    assert found("ZELJKO") == [("comment", first.pk)]  # the author's name is searchable
    assert found("trucks", author="rosa") == [("comment", second.pk)]
    assert found("trucks", author="zeljko ivanovic") == []


def test_phrases_match_words_in_order_only(commented, found):
    first, _ = commented
    assert found('"at noon"', only="comment") == [("comment", first.pk)]
    assert found('"noon at"') == []


def test_an_edit_replaces_the_words_found(commented, found, rosa, thread, post_as):
    comment = post_as(thread, "", "A first draft about ferries.", user=rosa)
    actions.edit_comment(comment, body="Now about bridges.", user=rosa)
    assert found("ferries") == []
    assert found("bridges") == [("comment", comment.pk)]


def test_a_deleted_comment_is_not_found(commented, found, rosa, thread, post_as):
    comment = post_as(thread, "", "Words about lighthouses.", user=rosa)
    actions.delete_comment(comment, user=rosa)
    assert found("lighthouses") == []
    assert not Entry.objects.filter(source="comment", object_id=comment.pk).exists()


def test_a_deleted_placeholder_with_replies_is_not_found(commented, found, moderator):
    first, second = commented
    actions.set_comment_status(first, Comment.Status.DELETED, by=moderator)
    assert found("lastovo", only="comment") == []
    assert found("trucks", only="comment") == [("comment", second.pk)]


def test_held_is_never_found_and_approved_appears(commented, found, moderator):
    first, _ = commented
    actions.set_comment_status(first, Comment.Status.PENDING, by=moderator)
    assert found("lastovo", only="comment") == []
    assert not Entry.objects.filter(source="comment", object_id=first.pk).exists()
    actions.set_comment_status(first, Comment.Status.PUBLISHED, by=moderator)
    assert found("lastovo", only="comment") == [("comment", first.pk)]
    actions.set_comment_status(first, Comment.Status.REJECTED, by=moderator)
    assert found("lastovo", only="comment") == []


def test_a_comment_held_on_arrival_is_not_indexed(thread, post_as, no_rate_limit, found):
    set_mode("all")  # every comment is held for review
    comment = post_as(thread, "Guest", "Held words about zeppelins.")
    assert comment.status == Comment.Status.PENDING
    assert found("zeppelins") == []
    assert not Entry.objects.filter(source="comment", object_id=comment.pk).exists()


def test_an_accounts_new_comment_is_found_under_its_public_name(
    thread, post_as, no_rate_limit, rosa, found
):
    rosa.display_name = "Rosa Đurić"
    rosa.save()
    comment = post_as(thread, "", "The gauging station reopened.", user=rosa)
    assert found("gauging", author="rosa djuric") == [("comment", comment.pk)]
    entry = Entry.objects.get(source="comment", object_id=comment.pk)
    assert (entry.post_id, entry.thread_id, entry.language) == (
        thread.post_id,
        thread.pk,
        comment.language,
    )


def test_a_comment_held_on_arrival_and_approved_is_found(
    thread, post_as, no_rate_limit, moderator, found
):
    set_mode("all")
    comment = post_as(thread, "Guest", "Held words about zeppelins.")
    actions.set_comment_status(comment, Comment.Status.PUBLISHED, by=moderator)
    assert found("zeppelins") == [("comment", comment.pk)]


def test_stored_translations_are_found_in_their_language(commented, found):
    first, _ = commented
    language, digest = source_of(Translation.Kind.COMMENT, first)
    Translation.objects.create(
        kind=Translation.Kind.COMMENT,
        object_id=first.pk,
        target="pt",
        source_language=language,
        source_digest=digest,
        engine="test",
        model_version="1",
        state=Translation.State.DONE,
        html="<p>A passagem de Lastovo abriu ao meio-dia, como prometido.</p>",
    )
    touch_threads(Translation.Kind.COMMENT, [first.pk])
    assert found("passagem prometido") == [("comment", first.pk)]
    assert found("passagem", language="pt") == [("comment", first.pk)]
    assert found("passagem", language="en") == []
    # Found in both languages, the comment is one result.
    assert found("lastovo", only="comment") == [("comment", first.pk)]


def test_post_titles_introductions_and_document_passages_are_found(dossier, found):
    document = dossier.documents.get(slug="letter")
    assert ("post", dossier.pk) in found("reopening")
    assert found("inspections customs") == [("document", document.pk)]
    assert found('"ana petrov"')  # a transcript's speaker is part of the passage


def test_documents_and_posts_are_indexed_again_when_edited(dossier, found):
    document = dossier.documents.get(slug="letter")
    document.body = "Dear Minister,\n\nThe ferry timetable changes in March."
    save_document(document)
    assert found("inspections") == []
    assert found("timetable") == [("document", document.pk)]
    dossier.title = "Lastovo, after the quarantine"
    save_post(dossier)
    assert found("quarantine") == [("post", dossier.pk)]


def test_nothing_of_an_unpublished_or_scheduled_post_is_found(commented, dossier, found):
    dossier.is_published = False
    save_post(dossier)
    assert found("lastovo", only="comment") == []
    dossier.is_published = True
    dossier.published_at = timezone.now() + timedelta(days=1)
    save_post(dossier)
    assert found("lastovo", only="comment") == []
    dossier.published_at = timezone.now() - timedelta(minutes=1)
    save_post(dossier)
    assert found("noon", only="comment")


def test_a_failed_indexing_does_not_fail_the_request(
    thread, post_as, no_rate_limit, monkeypatch, caplog
):
    from parley.search import indexing

    def broken(anything):
        raise RuntimeError("index unavailable")

    # A new comment (entered from the object saved) and an edit (read back) alike.
    monkeypatch.setattr(indexing, "index_new_comments", broken)
    monkeypatch.setattr(indexing, "index_comments", broken)
    comment = post_as(thread, "Guest", "Still posted.")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert "parley reindex" in caplog.text
    assert not Entry.objects.filter(source="comment", object_id=comment.pk).exists()


def test_a_failed_insert_leaves_the_comment_posted_on_every_database(
    transactional_db, editor, post_as, no_rate_limit, monkeypatch, caplog
):
    """A statement the database refuses (here a row without its columns) in the reader's own
    transaction: the comment still commits, on SQLite without a savepoint, on PostgreSQL
    inside one."""
    from django.db import connection

    from parley.publishing.actions import create_post
    from parley.search.backends.base import Backend

    def refused(self, entries):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry (id) VALUES (NULL)")

    monkeypatch.setattr(Backend, "index", refused)
    thread = create_post(slug="refused", title="Refused", author=editor).thread
    comment = post_as(thread, "Guest", "Committed all the same.")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert "parley reindex" in caplog.text
    assert not Entry.objects.filter(source="comment", object_id=comment.pk).exists()


def test_indexing_costs_posting_one_statement(thread, post_as, no_rate_limit, monkeypatch):
    """The new entry's insert (in a savepoint on PostgreSQL, where a failed statement would
    abort the reader's transaction): a comment just posted is entered from the object saved,
    with no entry to replace and no translation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parley.discussion import changes
    from parley.search import indexing

    post_as(thread, "John", "Warm up the caches.")
    with CaptureQueriesContext(connection) as indexed:
        post_as(thread, "John", "Indexed.")
    others = [recorder for recorder in changes._recorders if recorder is not indexing.record]
    monkeypatch.setattr(changes, "_recorders", others)
    with CaptureQueriesContext(connection) as bare:
        post_as(thread, "John", "Not indexed.")
    assert len(indexed) == len(bare) + (1 if connection.vendor == "sqlite" else 3)
    assert any("INSERT INTO" in q["sql"] and "search_entry" in q["sql"] for q in indexed)
