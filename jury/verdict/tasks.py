"""Celery tasks of the verdict: thin wrappers around the services, each safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from .services.announcement import announcements_publish_due


@shared_task(autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=300, max_retries=10)
def publish_due_announcements() -> int:
    """Periodic (beat): publish the announcements whose time has come. Publication and its e-mails are
    one transaction under row locks, so a retried, redelivered or concurrent run publishes and tells
    nobody twice."""
    return announcements_publish_due()
