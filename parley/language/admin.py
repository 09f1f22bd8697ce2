from django.contrib import admin, messages

from parley.language import providers
from parley.language.models import Translation


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    """Translations as made by the engine; the engine's configuration problems on top."""

    list_display = (
        "kind",
        "object_id",
        "source_language",
        "target",
        "state",
        "engine",
        "model_version",
        "translated_at",
        "seconds",
    )
    list_filter = ("state", "kind", "target", "source_language", "engine")
    search_fields = ("=object_id", "error")
    ordering = ("-requested_at",)
    readonly_fields = [field.name for field in Translation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        try:
            problems = providers.current().check()
        except Exception as exc:  # noqa: BLE001  (any failure to build the engine is the message)
            messages.error(request, f"The translation engine could not start: {exc}")
        else:
            for problem in problems:
                messages.error(request, f"{problem.message} {problem.hint}".strip())
            if not problems:
                provider = providers.current()
                pairs = ", ".join(f"{s}→{t}" for s, t in sorted(provider.pairs())) or "none yet"
                messages.info(request, f"Engine: {provider.label}. Pairs: {pairs}.")
        return super().changelist_view(request, extra_context)
