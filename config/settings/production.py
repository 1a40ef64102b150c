"""Production: everything comes from the environment; refuses to start without a secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SITE_URL = env("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}").rstrip("/")

# TLS ends at the proxy in front of gunicorn; it tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Uploaded files on shared storage when more than one host serves the site.
if env("DJANGO_STORAGE_BACKEND", default=""):
    STORAGES["default"] = {"BACKEND": env("DJANGO_STORAGE_BACKEND")}  # noqa: F405
if env("DJANGO_PRIVATE_STORAGE_BACKEND", default=""):
    # Must not be publicly readable: decks are served through the application only.
    STORAGES["private"] = {"BACKEND": env("DJANGO_PRIVATE_STORAGE_BACKEND")}  # noqa: F405

LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
