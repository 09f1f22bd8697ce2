from django.apps import AppConfig


class SettingsConfig(AppConfig):
    """Not an app with models: the home of the start-up checks of Parley's settings."""

    name = "config"
    label = "parley_settings"
    verbose_name = "Settings"

    def ready(self) -> None:
        from django.core import checks

        from config import checks as settings_checks

        checks.register(settings_checks.moderation_signals_check, "parley")
        checks.register(settings_checks.languages_check, "parley")
        checks.register(settings_checks.ssl_redirect_check, "parley", deploy=True)
