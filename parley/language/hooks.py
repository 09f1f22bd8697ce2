"""How the language app attaches to discussion and publishing (registered in apps.py)."""

from __future__ import annotations

from django.conf import settings

from parley.discussion import quotes
from parley.discussion.models import Comment
from parley.language import detect, translations
from parley.language.models import Translation
from parley.lib.sanitize import plain_text
from parley.publishing.models import Post, SourceDocument


def detect_comment(comment: Comment) -> None:
    """Annotator: the language of the comment's own words (quotes are someone else's)."""
    found = detect.detect(quotes.own_text(comment.body_html))
    comment.language, comment.language_confidence = found.language, found.confidence


def _translate_early(comment: Comment) -> None:
    wanted = [code for code in settings.PARLEY_TRANSLATE_INTO if code != comment.language]
    if comment.language and comment.status == Comment.Status.PUBLISHED:
        for target in wanted:
            translations.for_reader(Translation.Kind.COMMENT, [comment], target)


def comment_posted(sender, comment: Comment, **kwargs) -> None:
    _translate_early(comment)


def comment_edited(sender, comment: Comment, **kwargs) -> None:
    stale = Translation.objects.filter(kind=Translation.Kind.COMMENT, object_id=comment.pk)
    stale = stale.exclude(source_digest=translations.source_of("comment", comment)[1])
    if stale.delete()[0] or comment.status == Comment.Status.PUBLISHED:
        _translate_early(comment)


def comments_status_changed(sender, comments: list[Comment], **kwargs) -> None:
    """Many comments decided at once: translate the published ones early, a call per language."""
    published = [c for c in comments if c.language and c.status == Comment.Status.PUBLISHED]
    for target in settings.PARLEY_TRANSLATE_INTO:
        wanted = [comment for comment in published if comment.language != target]
        if wanted:
            translations.for_reader(Translation.Kind.COMMENT, wanted, target)


def comment_deleted(sender, comment: Comment, **kwargs) -> None:
    translations.forget(Translation.Kind.COMMENT, comment.pk)


def comments_deleted(sender, comments: list[Comment], **kwargs) -> None:
    """Many comments removed at once: their translations go in one statement."""
    ids = [comment.pk for comment in comments]
    Translation.objects.filter(kind=Translation.Kind.COMMENT, object_id__in=ids).delete()


def document_saved(sender, instance: SourceDocument, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    found = detect.detect(plain_text(instance.body_html) or instance.body)
    if (instance.detected_language, instance.language_confidence) != (
        found.language,
        found.confidence,
    ):
        instance.detected_language, instance.language_confidence = found.language, found.confidence
        SourceDocument.objects.filter(pk=instance.pk).update(
            detected_language=found.language, language_confidence=found.confidence
        )


def post_saved(sender, instance: Post, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    text = f"{instance.title}\n{plain_text(instance.introduction_html) or instance.introduction}"
    found = detect.detect(text)
    if (instance.language, instance.language_confidence) != (found.language, found.confidence):
        instance.language, instance.language_confidence = found.language, found.confidence
        Post.objects.filter(pk=instance.pk).update(
            language=found.language, language_confidence=found.confidence
        )


def objects_deleted(sender, instance, **kwargs) -> None:
    kind = Translation.Kind.DOCUMENT if sender is SourceDocument else Translation.Kind.POST
    translations.forget(kind, instance.pk)
