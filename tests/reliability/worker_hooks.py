"""Imported by the worker processes of the reliability tests (CELERY_IMPORTS in settings.py), after
Django is set up: the tally's own test pause hook also passes a checkpoint."""

from jury.verdict import tally

from .checkpoints import checkpoint

_pause = tally._pause_for_tests


def _pause_with_checkpoint(phase: str) -> None:
    checkpoint(f"tally:{phase}")
    _pause(phase)


tally._pause_for_tests = _pause_with_checkpoint
