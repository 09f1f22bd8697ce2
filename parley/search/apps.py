from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "parley.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from parley.discussion import changes
        from parley.language.models import Translation
        from parley.publishing.models import SourceDocument
        from parley.publishing.signals import post_saved
        from parley.search import indexing

        # Every change to a thread's comments (posted, edited, decided, deleted, translated)
        # reaches the index in the change's own transaction; so do edits of posts and documents.
        changes.register_recorder(indexing.record)
        post_saved.connect(indexing.post_saved, dispatch_uid="search.post_saved")
        post_save.connect(
            indexing.translation_saved, sender=Translation, dispatch_uid="search.translation_saved"
        )
        post_save.connect(
            indexing.document_saved, sender=SourceDocument, dispatch_uid="search.document_saved"
        )
