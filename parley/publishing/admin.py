import zoneinfo

from django import forms
from django.contrib import admin
from django.utils import timezone

from parley.publishing import actions
from parley.publishing.models import Post, SourceDocument


class SourceDocumentForm(forms.ModelForm):
    """Date and time are typed as the document's dateline says them, in its own time zone."""

    class Meta:
        model = SourceDocument
        fields = [
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
        ]
        help_texts = {"occurred_at": "Local time where it happened, in the zone below."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.occurred_at and self.instance.timezone:
            self.initial["occurred_at"] = self.instance.local_time.replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        moment, zone = cleaned.get("occurred_at"), cleaned.get("timezone")
        if moment is not None and zone in zoneinfo.available_timezones():
            local = timezone.make_naive(moment)  # the wall-clock time as typed
            cleaned["occurred_at"] = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return cleaned


class SourceDocumentInline(admin.StackedInline):
    model = SourceDocument
    form = SourceDocumentForm
    extra = 0
    prepopulated_fields = {"slug": ("title",)}
    fields = tuple(SourceDocumentForm.Meta.fields)


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
