from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parley.embed.models import EmbeddedPage, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "origins_shown", "language", "hold_for_review", "created_at"]
    search_fields = ["name", "allowed_origins"]
    fields = ["name", "allowed_origins", "language", "hold_for_review", "sso_secret", "created_at"]
    readonly_fields = ["sso_secret", "created_at"]
    actions = ["regenerate_secrets"]

    def get_fields(self, request: HttpRequest, obj: Site | None = None):
        if obj is None:  # the secret is made when the site is saved, and shown then
            return ["name", "allowed_origins", "language", "hold_for_review"]
        return super().get_fields(request, obj)

    @admin.display(description=_("allowed origins"))
    def origins_shown(self, site: Site) -> str:
        return ", ".join(site.origins)

    @admin.action(description=_("Regenerate the single sign-on secret of the selected sites"))
    def regenerate_secrets(self, request: HttpRequest, queryset: QuerySet[Site]) -> None:
        sites = list(queryset)
        for site in sites:
            site.regenerate_secret()
        self.message_user(
            request,
            ngettext(
                "%(n)s site has a new secret: give it to the site's server.",
                "%(n)s sites have a new secret: give it to their servers.",
                len(sites),
            )
            % {"n": len(sites)},
            messages.SUCCESS,
        )


@admin.register(EmbeddedPage)
class EmbeddedPageAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "site", "identifier", "created_at"]
    list_filter = ["site"]
    search_fields = ["title", "url", "identifier"]
    readonly_fields = ("site", "key", "url", "title", "identifier", "post", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by the widget's first request, never by hand
