from django.conf import settings
from django.utils import timezone

from parley.language import reader
from parley.lib import languages


def site(request):
    language = getattr(request, "reader_language", settings.LANGUAGE_CODE)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "TIME_ZONE_NAME": timezone.get_current_timezone_name(),
        "READER_LANGUAGE": language,
        "READER_LANGUAGE_NAME": languages.name(language),
        "READER_LANGUAGES": reader.choices(),
    }
