# Gazette: gunicorn serving config.wsgi:application, with the data dir on a volume.
# Untested here (no Docker engine on the development machines); kept simple and correct by construction.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GAZETTE_DATA_DIR=/data \
    DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
RUN useradd --system --create-home --uid 1000 gazette \
    && mkdir /data && chown gazette:gazette /data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=gazette:gazette . /app
# Static files are collected at build time into the image (not the volume); the key is a throwaway.
RUN GAZETTE_DATA_DIR=/tmp/build DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && cp -r /tmp/build/static /app/staticfiles && rm -rf /tmp/build
ENV GAZETTE_STATIC_ROOT=/app/staticfiles
USER gazette
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
# Migrations run at start so that a new volume is usable; build the index once with
# `docker run -v gazette-data:/data IMAGE python manage.py rebuild_index --noinput`.
# One gunicorn worker at a time is the index writer (GAZETTE_INDEXER=embedded, archive/search/writer.py).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c config/gunicorn.conf.py --bind 0.0.0.0:8000"]
