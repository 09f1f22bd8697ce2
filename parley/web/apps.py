from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parley.web"
    label = "web"
    verbose_name = "Web pages"
