from django.urls import path

from parley.search import views as search_views
from parley.web import follows, people, views, votes

urlpatterns = [
    path("", views.home, name="home"),
    path("posts/<slug:slug>/", views.post_page, name="post"),
    path("posts/<slug:slug>/comments/", views.post_comment, name="post-comment"),
    path("posts/<slug:slug>/comments/<int:comment_id>/", views.subtree, name="subtree"),
    path("c/<int:comment_id>/", views.permalink, name="comment"),
    path("c/<int:comment_id>/context/", views.comment_context, name="comment-context"),
    path("c/<int:comment_id>/edit/", views.edit_comment, name="comment-edit"),
    path("c/<int:comment_id>/delete/", views.delete_comment, name="comment-delete"),
    path("c/<int:comment_id>/history/", views.comment_history, name="comment-history"),
    path("c/<int:comment_id>/vote/", votes.vote, name="comment-vote"),
    path("language/", views.reader_language, name="reader-language"),
    path("translations/", views.translations_ready, name="translations"),
    path("threads/<int:thread_id>/comments/", views.comment_fragments, name="thread-comments"),
    path("threads/<int:thread_id>/follow/", follows.follow_thread, name="thread-follow"),
    path("people/<int:id>/", people.person, name="person"),
    path("search/", search_views.search_page, name="search"),
]
