"""gunicorn settings for Gazette: `gunicorn -c config/gunicorn.conf.py` (flags given on the command line win).

The index writer needs nothing here: each worker takes its turn as the one writer (archive/search/writer.py),
whether gunicorn runs with this file or not. The hook below only starts a worker's turn before its first
request.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# Long enough for the first search of a worker on a large archive (it loads the facet tables).
timeout = 60


def post_worker_init(worker):
    from archive.search import writer

    writer.start()
