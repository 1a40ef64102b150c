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


@shared_task(autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=300, max_retries=10)
def tally_edition(*, edition_id: int, trigger: str, requested_by_id: int | None = None) -> int | None:
    """Tally one edition. Keyed by the input's digest, so a second delivery, a retry after the worker
    was killed half-way, or a concurrent run ends with the one stored result."""
    from django.contrib.auth import get_user_model

    from awards.models import Edition

    from .services.tally import tally_run

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return None
    requested_by = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    return tally_run(edition=edition, trigger=trigger, requested_by=requested_by).pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=300, max_retries=10)
def tally_closed_editions() -> list[int]:
    """Periodic (beat): tally each edition whose scoring has closed and whose latest tally does not
    match its current input."""
    from .services.tally import tally_closed_editions as run

    return run()
