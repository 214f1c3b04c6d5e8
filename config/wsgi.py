"""The WSGI application, however it is served (gunicorn with or without config/gunicorn.conf.py, runserver,
uWSGI, mod_wsgi): each serving process takes its turn as the one index writer (archive/search/writer.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from archive.search import writer  # noqa: E402 (needs the apps loaded above)

application = writer.serving(django_application)
