import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _mail_through_outbox(settings):
    """Django's test runner points every mailer at locmem; put the outbox back in front of it, so
    tests exercise the real path (outbox row → task → "deliver" mailer = locmem)."""
    settings.MAILERS = {**settings.MAILERS, "default": {"BACKEND": settings.EMAIL_OUTBOX_BACKEND}}


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Requests and e-mails in several languages leave a language active in the thread. Every test
    starts as the test database's set-up left it (management commands deactivate all translations:
    the English source texts), whatever the test before it did."""
    yield
    from django.utils import translation

    translation.deactivate_all()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class RedisServer:
    """A redis-server of the test's own on a free port, which the test may stop and start again.
    Never the machine's shared server."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (bin/setup --test installs it)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def database_url_for_subprocess() -> str:
    """The test database as a URL, for worker, beat and web processes that a test starts."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update({"DATABASE_URL": database_url_for_subprocess(), "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


class ManagedProcess:
    """A long-running process (celery worker, beat, gunicorn) with its output kept for failure messages."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args = args
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(args, env=env, cwd=BASE_DIR, stdout=self._log_file, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{self.args[:3]} did not print {text!r}; its output:\n{self.output()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


@pytest.fixture
def start_process(tmp_path):
    started: list[ManagedProcess] = []

    def start(args: list[str], env: dict[str, str], name: str) -> ManagedProcess:
        proc = ManagedProcess(args, env, tmp_path / f"{name}.log")
        started.append(proc)
        return proc

    yield start
    for proc in reversed(started):
        proc.stop()


VENV_BIN = BASE_DIR / ".venv" / "bin"


def venv_command(name: str) -> str:
    path = VENV_BIN / name
    return str(path) if path.exists() else shutil.which(name) or name


@pytest.fixture
def celery_on_broker():
    """Make this process publish tasks to a real broker instead of running them eagerly.
    Returns a function taking the broker URL; the eager default is restored afterwards."""
    from config.celery import app

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}

    def reset_connections():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    def use(url: str) -> None:
        reset_connections()
        app.conf.task_always_eager = False
        app.conf.broker_url = url

    yield use
    reset_connections()
    app.conf.update(saved)
