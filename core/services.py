"""Writes of the platform layer: delivering the outbox."""

import logging
import smtplib
import socket
from datetime import timedelta

from django.core.mail import mailers
from django.db import transaction
from django.utils import timezone

from .mail import message_from_json
from .models import OutboundEmail

logger = logging.getLogger(__name__)

# Errors worth trying again later: the mail server or the network, not the message.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
    smtplib.SMTPSenderRefused,
    socket.timeout,
    ConnectionError,
    OSError,
)
MAX_DELIVERY_ATTEMPTS = 8


class TransientDeliveryError(Exception):
    """Delivery failed for a reason that may pass; the caller retries with backoff."""


def outbound_email_deliver(*, email_id: int) -> bool:
    """Deliver one outbox row once. Returns True if it was sent now, False if nothing was to do.

    The row is locked while it is sent, so two deliveries of the same task cannot both send it.
    Raises TransientDeliveryError (after recording the attempt) when a later try may succeed.
    """
    retry_reason = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        try:
            sent = mailers["deliver"].send_messages([message_from_json(email.message)])
        except smtplib.SMTPRecipientsRefused as exc:
            logger.error("E-mail %s refused by the server: %s", email_id, exc)
            email.status, email.last_error, sent = OutboundEmail.Status.FAILED, repr(exc)[:2000], 0
        except TRANSIENT_MAIL_ERRORS as exc:
            email.last_error = repr(exc)[:2000]
            sent = 0
            if email.attempts >= MAX_DELIVERY_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            else:
                retry_reason = str(exc)
        else:
            if sent:
                email.status, email.sent_at, email.last_error = OutboundEmail.Status.SENT, timezone.now(), ""
            else:
                email.status, email.last_error = OutboundEmail.Status.FAILED, "The mail backend accepted no message."
        email.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    if retry_reason is not None:
        raise TransientDeliveryError(retry_reason)
    return bool(sent)


def outbox_pending_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
