from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parley.embed import tokens
from parley.embed.models import EmbeddedPage, ReaderToken, Site, SiteAccount


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


@admin.register(SiteAccount)
class SiteAccountAdmin(admin.ModelAdmin):
    """Readers a site signs in (single sign-on); made and updated by their sign-ins only."""

    list_display = ["external_id", "account", "site", "created_at"]
    list_filter = ["site"]
    search_fields = ["external_id", "account__display_name", "account__email"]
    readonly_fields = ("site", "external_id", "account", "avatar_url", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReaderToken)
class ReaderTokenAdmin(admin.ModelAdmin):
    """The widget's sign-ins; staff may withdraw them (the reader signs in again)."""

    list_display = ["account", "site", "made_at", "expires_at", "revoked_at"]
    list_filter = ["site"]
    search_fields = ["account__username", "account__display_name"]
    readonly_fields = ("account", "site", "made_at", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["withdraw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected sign-ins"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[ReaderToken]) -> None:
        withdrawn = [token for token in queryset if token.revoked_at is None]
        for token in withdrawn:
            tokens.revoke(token)
        self.message_user(
            request,
            ngettext(
                "%(n)s sign-in withdrawn: that reader must sign in again.",
                "%(n)s sign-ins withdrawn: those readers must sign in again.",
                len(withdrawn),
            )
            % {"n": len(withdrawn)},
            messages.SUCCESS,
        )
