"""The ASGI application of the stream process (granian's ASGI interface): the live streams
under /live/ answered on ASGI itself (parley.realtime.asgi, no Django handler and no thread per
stream), anything else by Django's ASGI handler, the same code and URLconf as config/wsgi.py.
Pages and the API are answered by the WSGI workers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

from parley.embed.middleware import admit_live  # noqa: E402  (once Django is set up)
from parley.realtime.asgi import Application  # noqa: E402

# Pages of other sites follow their own threads only, as guests (the embed app's rule).
application = Application(django_application, gate=admit_live)
