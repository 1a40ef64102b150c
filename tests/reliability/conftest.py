"""Shared by the reliability tests: real PostgreSQL, the test's own redis-server, and worker, beat and
web processes started with tests/reliability/settings.py, which faults are done to."""

import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.conftest import subprocess_env, venv_command

from .checkpoints import read_state, write_state

SETTINGS = "tests.reliability.settings"
WORKER_ARGS = ["-A", "config", "worker", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the reliability tests need PostgreSQL (row locks, a server to restart): set DATABASE_URL")


def wait_until(predicate, timeout: float, message, interval: float = 0.05):
    """Poll until predicate() returns something true and return it; message may be a callable."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    raise AssertionError(message() if callable(message) else message)


def delivered_to(maildir: Path) -> list[str]:
    """Every recipient of every message the "deliver" mailer wrote, once per delivery."""
    return sorted(
        line[len("To: ") :]
        for path in maildir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )


def broker_is_empty(redis_url: str) -> bool:
    """No task waiting in the queue and none held unacknowledged by a worker."""
    with redis.Redis.from_url(redis_url) as broker:
        return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def worker_command(*pool: str) -> list[str]:
    return [venv_command("celery"), *WORKER_ARGS, *(pool or ["--pool=solo"])]


class KillableWorker:
    """The worker that a test kills: one celery worker at a time consumes the queue (solo pool, so the
    worker is one process); it is stopped at a checkpoint (checkpoints.py) and killed with SIGKILL.

    A worker takes seconds to start, so a few stand by, already started, on a queue nobody uses; after
    a kill the oldest is told to consume the real queue (as a restarted worker would) and a new one is
    started behind it."""

    QUEUE = "celery"

    def __init__(self, start_process, tmp_path: Path, redis_url: str, standby: int = 2, **env: str):
        self.start_process = start_process
        self.control = tmp_path / "checkpoints.json"
        self.maildir = tmp_path / "mail"
        self.maildir.mkdir(exist_ok=True)
        self.env = subprocess_env(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            REDIS_URL=redis_url,
            RELIABILITY_MAILDIR=str(self.maildir),
            RELIABILITY_CHECKPOINTS=str(self.control),
            **env,
        )
        self.generation = 0
        self.standby_count = standby
        self.standby: list[tuple[str, object]] = []
        self.process = None
        self.kills = 0

    def _launch(self, queue: str) -> tuple[str, object]:
        self.generation += 1
        name = f"w{self.generation}@reliability"
        process = self.start_process(
            [*worker_command(), "-n", name, "-Q", queue], self.env, f"worker-{self.generation}"
        )
        return name, process

    def start(self) -> None:
        _name, self.process = self._launch(self.QUEUE)
        self.standby = [self._launch(f"standby-{n}") for n in range(self.standby_count)]
        self.process.wait_for_output("ready.")

    def promote(self) -> None:
        """The next worker takes over the queue, as a restarted one would."""
        from config.celery import app

        name, process = self.standby.pop(0)
        self.standby.append(self._launch(f"standby-{self.generation}"))
        process.wait_for_output("ready.")
        # A broadcast goes over Redis pub/sub and is lost if the worker has not subscribed yet, which it
        # does shortly after saying "ready.": ask until it answers (a repeated request is a no-op).
        wait_until(
            lambda: any("ok" in reply.get(name, {}) for reply in app.control.add_consumer(
                self.QUEUE, destination=[name], reply=True, timeout=1
            )),
            60,
            lambda: f"{name} did not take over the queue; it said:\n{process.output()[-4000:]}",
        )  # fmt: skip
        self.process = process

    def arm(self, stop_at: int) -> None:
        write_state(self.control, {"stop_at": stop_at})

    def wait_stopped(self, timeout: float = 30) -> str:
        state = wait_until(
            lambda: (s := read_state(self.control)) and "stopped" in s and s,
            timeout,
            lambda: f"the worker passed no checkpoint {read_state(self.control)}; it said:\n{self.output()}",
        )
        return state["stopped"]

    def kill(self) -> None:
        self.process.process.kill()  # SIGKILL
        self.process.process.wait(timeout=10)
        self.control.unlink(missing_ok=True)
        self.kills += 1

    def output(self) -> str:
        return self.process.output()[-4000:] if self.process else ""
