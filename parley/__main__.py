"""The `parley` command: Django's management commands under Parley's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reads the settings: a bad value is a sentence)
    except ImproperlyConfigured as exc:
        sys.exit(f"Parley cannot start: {exc}")
    execute_from_command_line(["parley", *sys.argv[1:]])


if __name__ == "__main__":
    main()
