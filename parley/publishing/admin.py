from django.contrib import admin

from parley.publishing import actions
from parley.publishing.models import Post, SourceDocument


class SourceDocumentInline(admin.StackedInline):
    model = SourceDocument
    extra = 0
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        "kind",
        "title",
        "slug",
        "issuer",
        "place",
        "occurred_at",
        "timezone",
        "source_url",
        "language",
        "body",
    )


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "published_at", "is_published")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "introduction")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SourceDocumentInline]

    def save_model(self, request, obj, form, change):
        actions.save_post(obj)

    def save_formset(self, request, form, formset, change):
        for document in formset.save(commit=False):
            actions.save_document(document)
        for document in formset.deleted_objects:
            document.delete()
