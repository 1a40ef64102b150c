"""Thin Celery tasks of the jury app: they call a service and are safe to run twice."""

from celery import shared_task

from .services.reminders import scoring_reminders_send


@shared_task
def send_scoring_reminders() -> int:
    """Periodic (beat): the reminders now due before scoring deadlines. Each reminder is recorded with
    its e-mail, so a repeated, retried or concurrent run sends nothing twice."""
    return scoring_reminders_send()
