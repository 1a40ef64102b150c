"""awards.selectors.edition_get_public reads the edition and its award in plain SQL; what it builds must be
what the ORM builds, and anything else is a 404."""

import pytest
from django.http import Http404

from awards.models import Edition
from awards.selectors import edition_get_public
from tests.factories import AwardFactory, EditionFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_edition_and_its_award_are_what_the_orm_reads(django_assert_num_queries):
    edition = EditionFactory(year=2961, intro_sv="Välkommen <b>hit</b>")
    expected = Edition.objects.select_related("award").get(pk=edition.pk)

    with django_assert_num_queries(1):
        read = edition_get_public(year=2961)
        assert str(read) == str(expected)

    assert _fields(read) == _fields(expected)
    assert _fields(read.award) == _fields(expected.award)
    assert read.nominations_open_at.tzinfo is not None
    assert not read._state.adding


def test_another_awards_edition_or_an_unknown_year_is_a_404():
    EditionFactory(year=2962, award=AwardFactory(slug="another-award"))

    with pytest.raises(Http404):
        edition_get_public(year=2962)
    with pytest.raises(Http404):
        edition_get_public(year=2963)
