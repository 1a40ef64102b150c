"""The processes of docker-compose.yml, started here with the same commands and production settings.

No container runs here: the commands run from the virtualenv against the test database (this
machine's PostgreSQL, or the SQLite test file) and the test's own redis-server.
"""

import http.client
import json
import re
import secrets
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask, PeriodicTasks
from django_celery_beat.schedulers import ModelEntry

from config.celery import app as celery_app
from core.models import OutboundEmail
from tests.conftest import BASE_DIR, free_port, subprocess_env, venv_command, wait_for_port

pytestmark = pytest.mark.services

# The commands of docker-compose.yml; test_compose_file_and_image_run_these_commands keeps them in step.
WEB_COMMAND = ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
WORKER_COMMAND = ["celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"]
BEAT_COMMAND = ["celery", "-A", "config", "beat", "-l", "info"]


def run_args(command: list[str]) -> list[str]:
    return [venv_command(command[0]), *command[1:]]


def stack_env(redis_server, **overrides: str) -> dict[str, str]:
    """The environment that docker-compose.yml gives every process, pointed at this test's services."""
    compose_env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": "consolemail://",
    }
    return subprocess_env(**{**compose_env, **overrides})


def wait_until(predicate, timeout: float, message):
    """Poll until predicate() returns something true and return it; message may be a callable."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


def http_get(port: int, path: str, headers: dict[str, str] | None = None):
    """One GET, redirects not followed: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_compose_file_and_image_run_these_commands():
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    for command in (WEB_COMMAND, WORKER_COMMAND, BEAT_COMMAND):
        assert f"command: {json.dumps(command)}" in compose
    assert f"CMD {json.dumps(WEB_COMMAND)}" in (BASE_DIR / "Dockerfile").read_text()


def start_web(redis_server, start_process, tmp_path, **settings):
    """gunicorn with the compose file's web command, 2 workers, on a free port, after collecting the static
    files as the Dockerfile does at build time: (port, process)."""
    port = free_port()
    env = stack_env(
        redis_server,
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        **settings,
    )
    collected = subprocess.run(
        [venv_command("python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    web = start_process(run_args(WEB_COMMAND), env, "web")
    wait_for_port(port, timeout=30)
    return port, web


@pytest.mark.django_db(transaction=True)
def test_web_process_serves_the_site_behind_a_tls_proxy(redis_server, start_process, tmp_path):
    port, web = start_web(redis_server, start_process, tmp_path)
    https = {"X-Forwarded-Proto": "https"}

    # The health check is plain HTTP (exempt from the HTTPS redirect) and touches the database.
    status, headers, body = http_get(port, "/healthz")
    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}

    # Through the TLS proxy: the page, with the security headers of production.
    status, headers, body = http_get(port, "/", https)
    assert status == 200, body[:2000]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    html = body.decode()
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, html[:2000]

    # Bootstrap under its hashed name, from whitenoise, cacheable for good.
    status, headers, body = http_get(port, stylesheet.group(1), https)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert b"Bootstrap" in body[:200]

    # Plain HTTP anywhere else is sent to HTTPS.
    status, headers, _ = http_get(port, "/")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{port}/"

    # WEB_CONCURRENCY workers (the first may have served all of this before the second was forked), access
    # log on stdout.
    wait_until(lambda: len(set(re.findall(r"Booting worker with pid: (\d+)", web.output()))) == 2, 30, web.output)
    log = web.output()
    assert '"GET /healthz HTTP/1.1" 200' in log, log


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_an_outbox_email(redis_server, start_process, celery_on_broker, tmp_path):
    maildir = tmp_path / "mail"
    worker = start_process(
        run_args(WORKER_COMMAND),
        stack_env(redis_server, EMAIL_URL=f"filemail://{maildir}", MEDIA_ROOT=str(tmp_path / "media")),
        "worker",
    )
    # This process plays the web process: on commit, the outbox hands the task to the test's Redis.
    celery_on_broker(redis_server.url)

    with transaction.atomic():
        EmailMessage("Your nomination", "Thank you for nominating.", to=["founder@startup.example"]).send()
    email = OutboundEmail.objects.get(subject="Your nomination")

    def delivered():
        email.refresh_from_db()
        return email.status == OutboundEmail.Status.SENT

    wait_until(delivered, 60, lambda: f"not delivered ({email.status}); the worker said:\n{worker.output()[-4000:]}")
    files = list(maildir.iterdir())
    assert len(files) == 1
    written = files[0].read_text()
    assert "Subject: Your nomination" in written
    assert "founder@startup.example" in written
    assert email.attempts == 1
    assert re.search(r"Task core\.tasks\.deliver_email\[[0-9a-f-]+\] succeeded in [0-9.]+s: True", worker.output())


@pytest.mark.django_db(transaction=True)
def test_beat_installs_the_outbox_drain_and_sends_it_when_due(redis_server, start_process):
    beat = start_process(run_args(BEAT_COMMAND), stack_env(redis_server), "beat")

    # Beat writes CELERY_BEAT_SCHEDULE into django-celery-beat's table when it starts.
    drain = wait_until(
        lambda: PeriodicTask.objects.filter(name="drain-outbox").select_related("interval").first(),
        60,
        lambda: f"beat did not install drain-outbox; it said:\n{beat.output()[-4000:]}",
    )
    assert drain.task == "core.tasks.drain_outbox"
    assert drain.enabled
    assert (drain.interval.every, drain.interval.period) == (60, "seconds")

    # A new entry is not due at once: django-celery-beat counts the interval from when the row was
    # written, so the first drain goes out a minute after beat first starts.
    assert (drain.last_run_at, drain.total_run_count) == (None, 0)
    is_due, next_check = ModelEntry(PeriodicTask.objects.get(pk=drain.pk), app=celery_app).is_due()
    assert not is_due
    assert 30 < next_check <= 60
    beat.wait_for_output("beat: Starting...")
    assert "Sending due task" not in beat.output()

    # Make it overdue, as after beat has been down for a while: stopped, the entry's last run set back,
    # started again, beat reads the schedule afresh and sends it on its first tick. (Changing the row under a
    # running beat races django-celery-beat's change detection: a change made before its first check is
    # not seen, one seen while it writes its own run back can send twice.)
    beat.stop()
    PeriodicTask.objects.filter(pk=drain.pk).update(last_run_at=timezone.now() - timedelta(minutes=5))
    PeriodicTasks.update_changed()
    beat = start_process(run_args(BEAT_COMMAND), stack_env(redis_server), "beat-again")

    beat.wait_for_output("Scheduler: Sending due task drain-outbox (core.tasks.drain_outbox)", timeout=30)
    with redis.Redis.from_url(redis_server.url) as broker:
        # Beat logs the send just before it publishes the message.
        wait_until(lambda: broker.lrange("celery", 0, -1), 10, "beat sent nothing to the broker")
        time.sleep(1)  # room for a second message, which would be a duplicate
        queued = broker.lrange("celery", 0, -1)
    assert [json.loads(message)["headers"]["task"] for message in queued] == ["core.tasks.drain_outbox"]

    # Beat writes each run back at once (CELERY_BEAT_SYNC_EVERY = 1), so a restart does not send it
    # again before the next minute.
    wait_until(
        lambda: PeriodicTask.objects.get(pk=drain.pk).total_run_count == 1,
        30,
        lambda: f"beat did not record the run; it said:\n{beat.output()[-4000:]}",
    )
    beat.stop()
    drain.refresh_from_db()
    assert drain.total_run_count == 1
    assert drain.last_run_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_recycled_web_workers_forked_from_the_master_keep_serving(redis_server, start_process, tmp_path):
    port, web = start_web(
        redis_server, start_process, tmp_path, GUNICORN_MAX_REQUESTS="3", GUNICORN_MAX_REQUESTS_JITTER="0"
    )

    # Each worker queries the database and is replaced after its third request; a connection inherited
    # from the master and shared between workers would break them.
    answers = []
    for _ in range(8):
        answers.append(http_get(port, "/healthz")[0])
        answers.append(http_get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})[0])
    log = web.output()
    assert answers == [200, 200] * 8, log[-4000:]
    assert len(set(re.findall(r"Booting worker with pid: (\d+)", log))) >= 5, log[-4000:]
    # The site was imported once, by the master, before the first fork: the master holds it (a bare
    # gunicorn master is about 25 MiB; with the site loaded, about 95).
    status = (Path("/proc") / str(web.process.pid) / "status").read_text()
    resident_kib = int(re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE).group(1))
    assert resident_kib > 60 * 1024, status
