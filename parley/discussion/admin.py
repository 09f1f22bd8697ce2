from django.contrib import admin

from parley.discussion import actions
from parley.discussion.models import Comment, Revision, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("post", "is_open", "comment_count", "created_at")
    list_filter = ("is_open",)
    readonly_fields = ("post", "comment_count", "version", "created_at")

    def save_model(self, request, obj, form, change):
        if "is_open" in form.changed_data:
            actions.set_thread_open(obj, obj.is_open)


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ("written_at", "replaced_at", "body")
    readonly_fields = fields
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "author_name", "thread", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("author_name", "body")
    readonly_fields = (
        "author_name",
        "author_email",
        "author_website",
        "thread",
        "parent",
        "root",
        "depth",
        "author",
        "ip_address",
        "created_at",
        "edited_at",
        "reply_count",
        "subtree_count",
        "body_html",
    )
    fields = (
        "thread",
        "parent",
        "author",
        "author_name",
        "author_email",
        "author_website",
        "ip_address",
        "status",
        "body",
        "created_at",
        "edited_at",
    )
    inlines = [RevisionInline]
    list_select_related = ("thread__post",)

    def has_add_permission(self, request):
        return False  # comments are written on the site or through the API

    def save_model(self, request, obj, form, change):
        """Changes go through the actions, so history, counts and caches stay right."""
        stored = Comment.objects.get(pk=obj.pk)
        if "body" in form.changed_data:
            stored = actions.edit_comment(stored, body=obj.body, user=request.user)
        if "status" in form.changed_data:
            actions.set_comment_status(stored, obj.status, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # deleting keeps replies in place: set the status to "deleted" instead
