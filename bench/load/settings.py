"""Production settings as they are, plus the ceiling view's URL: what bench/load/run.py serves through gunicorn.

Everything else (plain-http loopback, the throwaway database, Redis, the secret key) comes through the
environment variables that config/settings/production.py already reads.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
