"""WSGI entry point for production servers (for example ``gunicorn openepa.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
application = get_wsgi_application()
