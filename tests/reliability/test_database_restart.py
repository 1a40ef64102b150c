"""PostgreSQL restarted while the site is in use: requests during the outage get a friendly 503 page in
the visitor's language (no error page, no stack trace), and once the server is back the same web
processes serve again, without a restart.

The database server is a private cluster this test creates (initdb into a temporary directory, run as
the `postgres` OS user, as PostgreSQL refuses root), never the machine's shared one."""

import glob
import http.client
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import BASE_DIR, free_port, subprocess_env, venv_command, wait_for_port

from .conftest import SETTINGS, require_postgresql, wait_until

UNAVAILABLE = "The site is temporarily unavailable"


class PrivateCluster:
    """A PostgreSQL cluster of the test's own on a free port, with trust authentication."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        if not binaries:
            pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = Path(binaries[-1])
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="fsa-reliability-pg-"))
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")
        self.process: subprocess.Popen | None = None
        self.log = (self.root / "postgres.log").open("ab")
        self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                           "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])  # fmt: skip

    def _as_postgres(self, args: list[str]) -> None:
        done = subprocess.run(args, user="postgres", group="postgres", cwd=self.root, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/fsa_reliability"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.root),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"],
            user="postgres", group="postgres", cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(self._accepts_connections, 30, lambda: f"the private PostgreSQL did not start:\n{self.output()}")

    def _accepts_connections(self) -> bool:
        try:
            psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def stop(self) -> None:
        """A fast shutdown, as a restart does: open transactions are rolled back, clients disconnected."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)
        self.process = None

    def output(self) -> str:
        self.log.flush()
        return (self.root / "postgres.log").read_text(errors="replace")[-4000:]

    def remove(self) -> None:
        self.stop()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster():
    require_postgresql()
    cluster = PrivateCluster()
    cluster.start()
    yield cluster
    cluster.remove()


def get(port: int, path: str, language: str = "sv") -> tuple[int, str, http.client.HTTPMessage]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers={"Accept-Language": language})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.headers
    finally:
        connection.close()


def unavailable_text(language: str) -> str:
    with translation.override(language):
        return gettext(UNAVAILABLE)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_requests_fail_cleanly_while_postgresql_restarts_and_succeed_after(cluster, start_process):
    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True) as db:
        db.execute("CREATE DATABASE fsa_reliability")
    env = subprocess_env(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=cluster.url, REDIS_URL="")
    migrated = subprocess.run(
        [venv_command("python"), "manage.py", "migrate", "--noinput", "-v0"],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    web = start_process(
        [venv_command("gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        "web",
    )
    wait_for_port(port, timeout=60)
    home = reverse("public:home")
    for path in (home, "/healthz", home, "/healthz"):  # both workers hold a connection now
        assert get(port, path)[0] == 200, web.output()[-4000:]

    # Visitors keep coming while the server goes down and comes back.
    seen: list[tuple[int, str]] = []
    stop_visiting = threading.Event()

    def visit():
        while not stop_visiting.is_set():
            try:
                status, body, _headers = get(port, home)
            except OSError as error:
                seen.append((0, repr(error)))
            else:
                seen.append((status, body))
            time.sleep(0.02)

    visitor = threading.Thread(target=visit)
    visitor.start()
    try:
        time.sleep(0.3)
        cluster.stop()

        for language in ("sv", "en"):
            status, body, headers = get(port, home, language)
            assert status == 503, body[:2000]
            assert f'<html lang="{language}">' in body
            assert unavailable_text(language) in body
            assert headers["Retry-After"] == "30"
            assert "Traceback" not in body and "OperationalError" not in body
        status, body, _headers = get(port, "/healthz")
        assert status == 503

        cluster.start()
        # The same processes recover on their own: every request succeeds again.
        for _ in range(6):
            status, body, _headers = get(port, home)
            assert status == 200, body[:2000]
        assert get(port, "/healthz")[0] == 200
        time.sleep(0.3)
    finally:
        stop_visiting.set()
        visitor.join(timeout=30)

    statuses = [status for status, _body in seen]
    assert 503 in statuses and statuses[-1] == 200, statuses
    assert set(statuses) == {200, 503}, [s for s in seen if s[0] not in (200, 503)][:3]
    assert all(unavailable_text("sv") in body for status, body in seen if status == 503)
    log = web.output()
    assert log.count("Booting worker with pid") == 2, log[-4000:]
    assert web.process.poll() is None


class BrokenConnection:
    def __init__(self, error: Exception):
        self.error = error

    def cursor(self):
        raise self.error


def test_database_error_page_is_a_translated_503(client, monkeypatch):
    monkeypatch.setattr("core.views.connection", BrokenConnection(OperationalError("connection refused")))
    client.raise_request_exception = False

    response = client.get("/healthz", headers={"accept-language": "en"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert unavailable_text("en") in body
    assert '<html lang="en">' in body


def test_other_errors_keep_the_500_page(client, monkeypatch):
    monkeypatch.setattr("core.views.connection", BrokenConnection(ValueError("a bug")))
    client.raise_request_exception = False

    response = client.get("/healthz", headers={"accept-language": "en"})

    assert response.status_code == 500
    assert unavailable_text("en") not in response.content.decode()
