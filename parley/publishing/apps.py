from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "parley.publishing"
    label = "publishing"
    verbose_name = "Publishing"
