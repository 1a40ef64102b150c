"""The status badge and the deadline are written in Python (nominations.templatetags.nomination_markup); the
templates they were taken from stay beside them, and both must give the same characters."""

import itertools
from datetime import UTC, datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from nominations.models import Nomination
from nominations.templatetags.nomination_markup import nominations_deadline, status_badge


class _Edition:
    def __init__(self, close_at) -> None:
        self.nominations_close_at = close_at


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_status_badge_is_written_as_the_template_writes_it(language):
    with translation.override(language):
        for status in Nomination.Status:
            nomination = Nomination(status=status)
            expected = render_to_string("nominations/_status_badge.html", {"nomination": nomination})
            assert status_badge(nomination) == expected, status


def test_an_unknown_status_gets_the_templates_default_badge():
    nomination = Nomination(status="<odd & new>")
    assert status_badge(nomination) == render_to_string("nominations/_status_badge.html", {"nomination": nomination})


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_deadline_is_written_as_the_template_writes_it(language):
    closes = [
        datetime(2031, 3, 30, 0, 59, tzinfo=UTC),  # before the spring DST change in Stockholm
        datetime(2031, 3, 30, 1, 0, tzinfo=UTC),  # after it
        datetime(2031, 10, 26, 0, 30, tzinfo=UTC),
        datetime(2031, 12, 31, 22, 59, 59, tzinfo=UTC),
        datetime(2031, 5, 1, 11, 59, tzinfo=UTC),  # already passed: "0 minutes"
    ]
    nows = [datetime(2031, 1, 15, 9, 0, tzinfo=UTC), datetime(2031, 5, 1, 12, 0, tzinfo=UTC)]
    with translation.override(language):
        for now, close in itertools.product(nows, closes):
            edition = _Edition(close)
            with time_machine.travel(now, tick=False):
                expected = render_to_string("nominations/_deadline.html", {"edition": edition})
                written = nominations_deadline(edition)
            assert written == expected, (now, close)
