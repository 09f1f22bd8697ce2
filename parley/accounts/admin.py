from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from parley.accounts.models import User


@admin.register(User)
class ParleyUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Parley", {"fields": ("display_name", "website", "timezone", "is_moderator")}),
    )
    list_display = ("username", "display_name", "email", "is_moderator", "is_staff")
    list_filter = (*UserAdmin.list_filter, "is_moderator")
