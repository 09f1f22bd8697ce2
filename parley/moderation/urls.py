from django.urls import path

from parley.moderation import views

urlpatterns = [
    path("moderation/", views.queue_page, name="moderation-queue"),
    path("moderation/decide/", views.decide, name="moderation-decide"),
    path("moderation/log/", views.log_page, name="moderation-log"),
    path("moderation/bans/", views.bans_page, name="moderation-bans"),
    path("moderation/words/", views.words_page, name="moderation-words"),
    path("moderation/model/", views.model_page, name="moderation-model"),
    path("c/<int:comment_id>/flag/", views.flag_comment, name="comment-flag"),
]
