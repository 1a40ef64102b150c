"""nominations.selectors reads a nomination with its edition, award and applicant in plain SQL; what it
builds must be what the ORM builds."""

import pytest
from django.utils import timezone

from nominations.models import Nomination
from nominations.selectors import _nomination_with_edition_and_applicant
from tests.factories import NominationFactory, SubmittedNominationFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _orm(pk: int) -> Nomination:
    return Nomination.objects.select_related("edition__award", "submitted_by").get(pk=pk)


def test_the_nomination_edition_award_and_applicant_are_what_the_orm_reads():
    nomination = SubmittedNominationFactory(pitch_deck="private/decks/abc.pdf", team="Åsa Öberg & <Co>")
    nomination.screened_at = timezone.now()
    nomination.save()

    read, expected = _nomination_with_edition_and_applicant(nomination.pk), _orm(nomination.pk)

    assert _fields(read) == _fields(expected)
    assert _fields(read.edition) == _fields(expected.edition)
    assert _fields(read.edition.award) == _fields(expected.edition.award)
    assert _fields(read.submitted_by) == _fields(expected.submitted_by)
    assert read.edition.nominations_close_at.tzinfo is not None
    assert read.pitch_deck.name == "private/decks/abc.pdf"
    assert not read._state.adding and read._state.db == "default"


def test_the_related_rows_come_with_it_without_another_query(django_assert_num_queries):
    nomination = SubmittedNominationFactory()

    with django_assert_num_queries(1):
        read = _nomination_with_edition_and_applicant(nomination.pk)
        assert str(read.edition) == str(nomination.edition)
        assert read.submitted_by.email == nomination.submitted_by.email


def test_a_nomination_without_an_applicant_has_none():
    nomination = NominationFactory(submitted_by=None)

    read = _nomination_with_edition_and_applicant(nomination.pk)

    assert read.submitted_by is None
    assert _fields(read) == _fields(_orm(nomination.pk))


def test_an_unknown_nomination_is_none():
    assert _nomination_with_edition_and_applicant(987654) is None
