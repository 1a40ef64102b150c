"""The outbox mail backend: Django's and allauth's e-mails become rows, delivered by a Celery task."""

import logging
from email.utils import formataddr, parseaddr

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def message_to_json(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [[str(content), str(mimetype)] for content, mimetype in getattr(message, "alternatives", [])],
    }


def message_from_json(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def enqueue_delivery(email_id: int) -> None:
    """Hand one outbox row to Celery. A broker outage is logged, not raised: the drain job retries."""
    from .tasks import deliver_email

    try:
        deliver_email.apply_async(kwargs={"email_id": email_id})
    except Exception as exc:
        # Whatever the broker library raises, the message is safe in the outbox table.
        logger.warning("Could not enqueue e-mail %s (%s); the outbox drain will send it.", email_id, exc)


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to OutboundEmail in the caller's transaction; delivery starts on commit."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            if message.attachments:
                raise ValueError("The outbox does not carry attachments; link to the file instead.")
            row = OutboundEmail.objects.create(
                subject=str(message.subject)[:998],
                recipients=[formataddr(parseaddr(str(a))) for a in message.recipients()],
                message=message_to_json(message),
            )
            transaction.on_commit(lambda email_id=row.pk: enqueue_delivery(email_id))
            count += 1
        return count
