"""The ASGI application: the same code and URLconf as config/wsgi.py, served by granian's ASGI
interface for the requests whose connection stays open (the live streams under /live/,
parley.realtime). Pages and the API are answered by the WSGI workers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
