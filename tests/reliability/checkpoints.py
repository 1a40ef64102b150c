"""Test-only checkpoints in the processes the reliability tests start, so a `kill -9` lands at a known
point: in the tally (its own pause hook, through worker_hooks.py), before each outbox row is written
(inside the publishing transaction) and before each e-mail is handed to the "deliver" mailer.

The test writes a control file (RELIABILITY_CHECKPOINTS) holding {"stop_at": n}; the process counts the
checkpoints it passes, and at the n-th one records {"stopped": name} and sleeps until it is killed.
Without the file every checkpoint is a no-op."""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from core.mail import OutboxEmailBackend

HOLD_SECONDS = 120


def _control() -> Path | None:
    path = os.environ.get("RELIABILITY_CHECKPOINTS")
    return Path(path) if path else None


def read_state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def write_state(path: Path, state: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(state))
    partial.replace(path)


def checkpoint(name: str) -> None:
    path = _control()
    if path is None or (state := read_state(path)) is None or "stopped" in state:
        return
    state["passed"] = [*state.get("passed", []), name]
    if len(state["passed"]) == state["stop_at"]:
        state["stopped"] = name
        write_state(path, state)
        time.sleep(HOLD_SECONDS)  # the test kills the process now
        return
    write_state(path, state)


class CheckpointOutboxBackend(OutboxEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            checkpoint(f"outbox:{','.join(message.to)}")
        return super().send_messages(email_messages)


class CheckpointFileBackend(FileEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            checkpoint(f"deliver:{','.join(message.to)}")
        return super().send_messages(email_messages)
