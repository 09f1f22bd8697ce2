from django.contrib import admin

from parley.moderation.log import record
from parley.moderation.models import Decision, Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The site's policy (no post) and posts' own policies; every change is logged."""

    list_display = ("__str__", "mode", "trusted_after", "flag_threshold", "max_links", "hold_score")
    autocomplete_fields = ("post",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = ", ".join(f"{name}={form.cleaned_data.get(name)}" for name in form.changed_data)
        record(Decision.Action.POLICY, by=request.user, reason=f"{obj}: {fields or 'created'}")
