"""The outbox keeps e-mail safe when Redis is down while a request enqueues it."""

import time

import pytest
from django.urls import reverse

from core.models import OutboundEmail
from core.tasks import drain_outbox
from tests.conftest import subprocess_env, venv_command

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_signup_while_redis_is_down_succeeds_and_mail_goes_out_when_it_returns(
    client, redis_server, start_process, celery_on_broker, tmp_path
):
    maildir = tmp_path / "mail"
    maildir.mkdir()
    worker = start_process(
        [
            venv_command("celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
        ],
        subprocess_env(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            REDIS_URL=redis_server.url,
            EMAIL_URL=f"filemail://{maildir}",
            OUTBOX_DRAIN_AFTER_SECONDS="0",
        ),
        "worker",
    )
    worker.wait_for_output("ready.")
    celery_on_broker(redis_server.url)
    redis_server.stop()

    started = time.monotonic()
    response = client.post(
        reverse("account_signup"),
        {"email": "founder@startup.example", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert elapsed < 10, f"the request waited {elapsed:.1f}s for the broker"
    pending = OutboundEmail.objects.get()
    assert pending.status == OutboundEmail.Status.PENDING
    assert pending.recipients == ["founder@startup.example"]
    assert list(maildir.iterdir()) == []

    redis_server.start()
    drain_outbox.apply_async()  # what beat does every minute

    wait_until(
        lambda: OutboundEmail.objects.get(pk=pending.pk).status == OutboundEmail.Status.SENT,
        timeout=60,
        message=f"the e-mail was not delivered after Redis returned; worker said:\n{worker.output()[-3000:]}",
    )
    files = list(maildir.iterdir())
    assert len(files) == 1
    assert "founder@startup.example" in files[0].read_text()
