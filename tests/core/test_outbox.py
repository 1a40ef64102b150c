import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from core.mail import message_to_json
from core.models import OutboundEmail
from core.services import MAX_DELIVERY_ATTEMPTS, TransientDeliveryError, outbound_email_deliver
from core.tasks import drain_outbox

pytestmark = pytest.mark.django_db(transaction=True)


class FlakySMTPBackend:
    """A "deliver" mailer whose server hangs up, as a real one does when it is overloaded."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def waiting_email(subject: str, **fields) -> OutboundEmail:
    """An outbox row as the backend writes it, still waiting for delivery."""
    message = EmailMessage(subject, "Body", "award@example.org", ["a@example.org"])
    return OutboundEmail.objects.create(
        subject=subject, recipients=["a@example.org"], message=message_to_json(message), **fields
    )


def test_mail_is_written_to_the_outbox_and_delivered_after_commit():
    with transaction.atomic():
        message = EmailMultiAlternatives("Nominering mottagen", "Tack!", to=["Sara <sara@startup.example>"])
        message.attach_alternative("<p>Tack!</p>", "text/html")
        message.send()
        row = OutboundEmail.objects.get()
        assert row.status == OutboundEmail.Status.PENDING
        assert mail.outbox == []

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nominering mottagen"
    assert mail.outbox[0].to == ["Sara <sara@startup.example>"]
    assert mail.outbox[0].alternatives[0].content == "<p>Tack!</p>"


def test_rolled_back_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        EmailMessage("Never", "Body", to=["a@example.org"]).send()
        raise RuntimeError("the change failed")

    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_second_delivery_of_the_same_message_is_a_no_op():
    EmailMessage("Once", "Body", to=["a@example.org"]).send()
    row = OutboundEmail.objects.get()

    assert outbound_email_deliver(email_id=row.pk) is False

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_transient_smtp_error_keeps_the_message_for_a_retry(settings):
    settings.MAILERS = {**settings.MAILERS, "deliver": {"BACKEND": "tests.core.test_outbox.FlakySMTPBackend"}}
    row = waiting_email("Retry me")

    with pytest.raises(TransientDeliveryError):
        outbound_email_deliver(email_id=row.pk)

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error


def test_message_is_marked_failed_after_the_last_attempt(settings):
    settings.MAILERS = {**settings.MAILERS, "deliver": {"BACKEND": "tests.core.test_outbox.FlakySMTPBackend"}}
    row = waiting_email("Give up", attempts=MAX_DELIVERY_ATTEMPTS - 1)

    assert outbound_email_deliver(email_id=row.pk) is False

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED


def test_drain_delivers_messages_left_pending(settings):
    settings.OUTBOX_DRAIN_AFTER_SECONDS = 0
    waiting_email("Left behind")

    assert drain_outbox() == 1

    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Left behind"]
    assert drain_outbox() == 0
