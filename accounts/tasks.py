from celery import shared_task

from .services import contact_data_anonymise_expired, sessions_clear_expired


@shared_task(acks_late=True)
def anonymise_expired_contact_data() -> int:
    """Beat, daily: idempotent, so a missed or repeated run changes nothing."""
    return contact_data_anonymise_expired()


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Beat, daily: idempotent (a second run finds nothing to delete)."""
    return sessions_clear_expired()
