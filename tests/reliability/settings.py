"""Settings for the worker, beat and web processes that the reliability tests start: the test settings,
plus test-only checkpoints (checkpoints.py) and shorter timings, each switched on by an environment
variable so that one module serves every process of a test."""

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BEAT_SCHEDULE, CELERY_BROKER_TRANSPORT_OPTIONS, MAILERS, env

# Imported by the worker after Django is set up: installs the checkpoints.
CELERY_IMPORTS = ["tests.reliability.worker_hooks"]

# Outbox writes and deliveries pass a checkpoint first; delivered mail is one file per message.
MAILERS = {
    "default": {"BACKEND": "tests.reliability.checkpoints.CheckpointOutboxBackend"},
    "deliver": MAILERS["deliver"],
}
if maildir := env("RELIABILITY_MAILDIR", default=""):
    MAILERS["deliver"] = {
        "BACKEND": "tests.reliability.checkpoints.CheckpointFileBackend",
        "OPTIONS": {"file_path": maildir},
    }

# A message held by a killed worker goes back to the queue after this many seconds (production waits
# two days, longer than any task); restored by the next worker's sweep, every second here.
if visibility := env.float("RELIABILITY_VISIBILITY_TIMEOUT", default=0):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

# Every periodic job every few seconds instead of every minute or quarter hour.
if every := env.float("RELIABILITY_BEAT_EVERY", default=0):
    CELERY_BEAT_SCHEDULE = {name: {**entry, "schedule": every} for name, entry in CELERY_BEAT_SCHEDULE.items()}
