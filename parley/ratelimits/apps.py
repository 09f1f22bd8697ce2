from django.apps import AppConfig


class RateLimitsConfig(AppConfig):
    name = "parley.ratelimits"
    verbose_name = "Rate limits"
