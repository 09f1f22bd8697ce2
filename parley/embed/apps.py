from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedConfig(AppConfig):
    name = "parley.embed"
    label = "embed"
    verbose_name = _("Embedding on other sites")

    def ready(self) -> None:
        from parley.discussion.hooks import register_screener
        from parley.embed.review import hold_for_site

        register_screener(hold_for_site)
