"""The dashboard reads a juror's seats with their editions, awards and jury plans in plain SQL; what it
builds must be what the ORM's select_related builds."""

import pytest

from jury.models import JuryMember
from jury.selectors import _seats_with_editions
from tests.factories import EditionFactory, UserFactory, edition_in_scoring, juror_with_mfa, jury_plan_released

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_seats_are_what_select_related_reads_newest_edition_first(django_assert_num_queries):
    with_plan, without_plan = edition_in_scoring(year=2980), EditionFactory(year=2990)
    juror = juror_with_mfa(edition=with_plan, role="chair")
    JuryMember.objects.create(edition=without_plan, user=juror)
    JuryMember.objects.create(edition=edition_in_scoring(year=2970), user=UserFactory())  # someone else's seat
    jury_plan_released(with_plan)
    expected = list(
        JuryMember.objects.filter(user=juror)
        .select_related("edition__award", "edition__jury_plan")
        .order_by("-edition__year", "-edition_id")
    )

    with django_assert_num_queries(1):
        seats = _seats_with_editions(user=juror)
        plans = [getattr(seat.edition, "jury_plan", None) for seat in seats]
        awards = [str(seat.edition) for seat in seats]

    assert [_fields(seat) for seat in seats] == [_fields(seat) for seat in expected]
    assert [_fields(seat.edition) for seat in seats] == [_fields(seat.edition) for seat in expected]
    assert awards == [str(seat.edition) for seat in expected]
    assert [seat.edition.year for seat in seats] == [2990, 2980]
    assert plans[0] is None
    assert _fields(plans[1]) == _fields(expected[1].edition.jury_plan)
    assert plans[1].released_at is not None and plans[1].edition is seats[1].edition
    assert seats[1].is_chair


def test_no_seat_no_rows():
    assert _seats_with_editions(user=UserFactory()) == []
