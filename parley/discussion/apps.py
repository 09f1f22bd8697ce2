from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "parley.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from parley.discussion import follows, receivers, signals
        from parley.publishing.signals import post_saved

        post_saved.connect(receivers.post_saved, dispatch_uid="discussion.post_saved")
        # Posting a comment follows its thread (after commit, as every comment event).
        signals.comment_posted.connect(follows.comment_posted, dispatch_uid="discussion.follow")
