from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "parley.realtime"
    label = "realtime"
    verbose_name = "Live threads"

    def ready(self) -> None:
        from parley.discussion import changes
        from parley.realtime import events

        # Each change to a thread is stored as an event in its transaction, and published
        # once it commits; a change that stores nothing (a flag) is published alone.
        changes.register_recorder(events.record)
        changes.register_announcer(events.announce)
