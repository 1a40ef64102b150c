from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .mail import enqueue_delivery
from .services import TransientDeliveryError, outbound_email_deliver, outbox_pending_ids


@shared_task(
    bind=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=6 * 60 * 60,
    retry_jitter=True,
    max_retries=7,
)
def deliver_email(self, *, email_id: int) -> bool:
    return outbound_email_deliver(email_id=email_id)


@shared_task
def drain_outbox() -> int:
    """Periodic: enqueue every message still waiting (the broker was down when it was written)."""
    ids = outbox_pending_ids(older_than=timedelta(seconds=settings.OUTBOX_DRAIN_AFTER_SECONDS))
    for email_id in ids:
        enqueue_delivery(email_id)
    return len(ids)
