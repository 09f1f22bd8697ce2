from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "parley.moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from parley.moderation import hooks

        hooks.connect()
