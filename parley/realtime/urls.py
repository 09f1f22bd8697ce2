from django.urls import path

from parley.realtime import views

urlpatterns = [
    path("live/threads/<int:thread_id>/", views.live_thread, name="live-thread"),
    path("live/moderation/", views.live_moderation, name="live-moderation"),
    path("threads/<int:thread_id>/events/", views.thread_events, name="thread-events"),
]
