from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from awards.models import Phase
from tests.factories import EditionFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def make_edition(**overrides):
    start = datetime(2031, 1, 10, 9, 0, tzinfo=STOCKHOLM)
    timeline = {
        "nominations_open_at": start,
        "nominations_close_at": start + timedelta(days=30),
        "scoring_open_at": start + timedelta(days=37),
        "scoring_close_at": start + timedelta(days=60),
        "announce_at": start + timedelta(days=70),
    }
    return EditionFactory.build(**{**timeline, **overrides})


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        (datetime(2031, 1, 10, 8, 59, 59, tzinfo=STOCKHOLM), Phase.UPCOMING),
        (datetime(2031, 1, 10, 9, 0, 0, tzinfo=STOCKHOLM), Phase.NOMINATING),
        (datetime(2031, 2, 9, 8, 59, 59, tzinfo=STOCKHOLM), Phase.NOMINATING),
        (datetime(2031, 2, 9, 9, 0, 0, tzinfo=STOCKHOLM), Phase.SCREENING),
        (datetime(2031, 2, 16, 9, 0, 0, tzinfo=STOCKHOLM), Phase.SCORING),
        (datetime(2031, 3, 11, 9, 0, 0, tzinfo=STOCKHOLM), Phase.DELIBERATION),
        (datetime(2031, 3, 21, 9, 0, 0, tzinfo=STOCKHOLM), Phase.ANNOUNCED),
    ],
)
def test_phase_follows_the_timeline(moment, phase):
    assert make_edition().phase_at(moment) == phase


def test_timeline_out_of_order_is_refused_with_a_message():
    edition = make_edition(scoring_open_at=datetime(2031, 1, 1, tzinfo=STOCKHOLM))

    with pytest.raises(ValidationError) as error:
        edition.clean()

    assert "scoring_open_at" in error.value.message_dict


@pytest.mark.django_db
def test_database_refuses_a_timeline_out_of_order():
    edition = make_edition(announce_at=datetime(2031, 1, 1, tzinfo=STOCKHOLM))
    edition.award.save()
    edition.award_id = edition.award.pk

    with pytest.raises(IntegrityError):
        edition.save()
