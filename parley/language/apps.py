from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "parley.language"
    verbose_name = "Languages and translation"

    def ready(self) -> None:
        from django.conf import settings
        from django.core import checks
        from django.db.models.signals import post_delete, post_save

        from parley.discussion import actions, signals
        from parley.language import checks as language_checks
        from parley.language import hooks, providers
        from parley.publishing.models import Post, SourceDocument

        actions.register_annotator(hooks.detect_comment)
        signals.comment_posted.connect(hooks.comment_posted, dispatch_uid="language-posted")
        signals.comment_edited.connect(hooks.comment_edited, dispatch_uid="language-edited")
        signals.comment_deleted.connect(hooks.comment_deleted, dispatch_uid="language-deleted")
        signals.comments_status_changed.connect(
            hooks.comments_status_changed, dispatch_uid="language-status-changed"
        )
        signals.comments_deleted.connect(
            hooks.comments_deleted, dispatch_uid="language-deleted-many"
        )
        post_save.connect(hooks.document_saved, sender=SourceDocument, dispatch_uid="lang-doc")
        post_save.connect(hooks.post_saved, sender=Post, dispatch_uid="lang-post")
        post_delete.connect(hooks.objects_deleted, sender=SourceDocument, dispatch_uid="lang-d")
        post_delete.connect(hooks.objects_deleted, sender=Post, dispatch_uid="lang-p")
        checks.register(language_checks.engine_check, "parley")
        # Load the engine's code in the main thread at start-up (the Bergamot runtime must
        # be imported by a thread that lives as long as the process).
        providers.load(settings.PARLEY_TRANSLATION_ENGINE)
