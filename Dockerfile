# One image for every process of the stack: web (the default command), celery worker, celery beat
# and the one-shot migrate job; docker-compose.yml shows how each is started.

# 1. Front-end assets from the npm registry (Bootstrap, pinned in package.json).
FROM node:22-slim AS assets
WORKDIR /build
COPY package.json .npmrc ./
RUN npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error

# 2. The application.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# gettext for compilemessages; psycopg brings its own libpq (psycopg-binary).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# The pinned packages first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/nodeps.txt /tmp/requirements/
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install -r /tmp/requirements/base.txt \
    && pip install --no-deps -r /tmp/requirements/nodeps.txt \
    && rm -rf /tmp/requirements

WORKDIR /app
COPY . .
COPY --from=assets /build/node_modules/bootstrap/ /app/node_modules/bootstrap/

# Translations and static files are built into the image. Production settings refuse to load
# without a secret key, so these two commands get a throwaway one that exists only in this step.
# (compilemessages fails when no locale folder exists at all, hence the mkdir.)
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DJANGO_ALLOWED_HOSTS=localhost \
    sh -c 'mkdir -p locale \
        && python manage.py compilemessages -v0 --ignore=node_modules \
        && python manage.py collectstatic --noinput -v0'

# Run as an unprivileged user that owns nothing but the uploaded files.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
